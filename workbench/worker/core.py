"""`TrainingCore`: the worker's command table and time-sliced training loop, with no Qt in it.

Tests drive it synchronously (`handle`, `work`); `workbench.worker.thread.TrainingWorker` runs
the same core in its own thread. While running it trains in bursts of ~8 ms, then takes the
queued commands; while paused it waits for them.

Determinism: the core only ever calls `trainer.step()`, `trainer.advance()` and
`trainer.configure()`; snapshots and probes copy, never mutate.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from engine.core.errors import ConfigurationError, WorkbenchError
from engine.io.history_csv import save_history
from engine.io.onnx_export import save_onnx
from engine.io.state_file import save_state
from engine.io.weights import load_weights, save_weights
from engine.training.recovery import Recovery

from . import commands as c
from .probes import ProbeRunner
from .snapshot import Rows, Snapshot

#: seconds of training between two looks at the command queue while running
BURST_SECONDS = 0.008
#: seconds of pending probe generators after each burst (and per slice while paused)
PROBE_SLICE = 0.002
#: iterations between two states kept for going back after a divergence (a copy of θ each)
RECOVERY_EVERY = 50
#: the GUI shows at most this many snapshots a second
SNAPSHOT_INTERVAL = 1.0 / 30.0

ITERATION_COLUMNS = ("step", "epoch", "loss", "learning_rate", "gradient_norms")
EVALUATION_COLUMNS = ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")


class TrainingCore:
    """Command handling and time-sliced training over one `Run` (see workbench.session)."""

    def __init__(self, run=None, on_error=None, yield_point=None, probes=()):
        self.run = None
        self.recovery = Recovery(RECOVERY_EVERY)  # states to go back to after a divergence (engine.training.recovery)
        #: called between iterations; the thread version waits there while the GUI draws
        self._yield = yield_point or (lambda: None)
        self.run_id = 0
        self.running = False
        self.finished = False
        self.speed: float | None = None  # iterations per second, None = as fast as possible
        self._next_due = 0.0
        self._on_error = on_error or (lambda message: None)
        self._lock = threading.Lock()
        self._latest: Snapshot | None = None
        self._acked_iterations = 0
        self._acked_evaluations = 0
        self._last_publish = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._rate = 0.0
        self.probes = ProbeRunner(probes)
        self._gradient_key = None
        self._gradient = None
        self._edit_count = 0  # weight edits so far: part of the cache keys
        self._edited_loss: float | None = None
        #: perf_counter time of the GUI's next frame while training (0: any time; set by the GUI thread)
        self.frame_due = 0.0
        if run is not None:
            self._load(c.Load(run))

    # -- commands ------------------------------------------------------------------------
    def handle(self, command) -> None:
        """Apply one command (workbench.worker.commands). Errors in settings go to `on_error`."""
        try:
            handler = self.HANDLERS[type(command)]
        except KeyError:
            raise ValueError(f"unknown worker command {command!r}") from None
        try:
            if isinstance(command, c.Reply):
                self._answer(handler, command)
            else:
                handler(self, command)
        except WorkbenchError as e:
            self._on_error(str(e))
        self.publish(force=True)

    def _answer(self, handler, command: c.Reply) -> None:
        try:
            command.reply.set_result(handler(self, command))
        except Exception as e:  # noqa: BLE001 - goes back to the caller
            command.reply.set_exception(e)

    def _start(self, _) -> None:
        self.running = self.run is not None
        if self.running:
            self.recovery.continue_after_divergence(self.run.trainer)
        self._edited_loss = None
        self._next_due = time.perf_counter()

    def _pause(self, _) -> None:
        self.running = False

    def _toggle(self, _) -> None:
        (self._pause if self.running else self._start)(None)

    def _step_command(self, _) -> None:
        self.running = False
        self._edited_loss = None
        if self.run is not None:
            self.recovery.continue_after_divergence(self.run.trainer)
        with np.errstate(all="ignore"):
            self._step()

    def _phase(self, _) -> None:
        self.running = False
        if self.run is not None:
            self._edited_loss = None
            with np.errstate(all="ignore"):
                self.run.trainer.advance()
            if not self.run.trainer.mid_iteration:
                self.probes.after_step(self.run.trainer)
            self._after_stop_check()

    def _configure(self, command: c.Configure) -> None:
        self.run.trainer.configure(**command.changes)

    def _set_speed(self, command: c.SetSpeed) -> None:
        self.speed = None if command.speed is None else max(float(command.speed), 1e-3)

    def _want_probe(self, command: c.WantProbe) -> None:
        self.probes.want(command.name, command.open, command.shown)

    def _stop(self, _) -> None:
        self.running = False
        self.finished = True

    def _read_parameters(self, _):
        return None if self.run is None else self.run.network.parameters.copy()

    def _save_weights(self, command: c.SaveWeights) -> None:
        save_weights(command.path, self.run.network)

    def _save_history(self, command: c.SaveHistory) -> None:
        save_history(command.path, self.run.trainer.history)

    def _read_experiment(self, command: c.ReadExperiment):
        return self.run.current_experiment()

    def _save_onnx(self, command: c.SaveOnnx) -> None:
        data = self.run.data
        if command.include_standardization and not data.standardized:
            raise ConfigurationError("this experiment does not standardise its inputs: there is no "
                                     "standardisation to put in the model (export it without)")
        mean, scale = (data.mean, data.std) if data.standardized else (None, None)
        save_onnx(command.path, self.run.network, mean, scale, command.include_standardization)

    def _save_state(self, command: c.SaveState) -> int:
        save_state(command.path, self.run.trainer, with_history=True)
        return self.run.trainer.iteration

    def _load_weights(self, command: c.LoadWeights) -> None:
        load_weights(command.path, self.run.network)
        self._edit_count += 1

    def _call(self, command: c.Call):
        return command.fn(self.run)

    def _set_weight(self, command: c.SetWeight) -> None:
        """w_ij^(k) ← value, in place, while paused."""
        if self.run is None:
            return
        if self.running:
            raise WorkbenchError("pause the training before editing a weight")
        k, i, j = command.k, command.i, command.j
        tr = self.run.trainer
        sizes = tr.network.sizes
        if not (1 <= k < len(sizes) and 0 <= i < sizes[k - 1] and 0 <= j < sizes[k]):  # a stale selection
            raise WorkbenchError(f"the network has no weight w_{i + 1},{j + 1}^({k})")
        tr.network.W[k][i, j] = command.value
        self._edit_count += 1
        with np.errstate(all="ignore"):
            self._edited_loss = float(tr.metrics(tr.x, tr.d, tr.targets)[0])

    def _set_parameters(self, command: c.SetParameters) -> None:
        """θ ← theta, in place, while paused."""
        if self.run is None:
            return
        if self.running:
            raise WorkbenchError("pause the training before editing the weights")
        tr = self.run.trainer
        theta = np.asarray(command.theta, dtype=np.float64)
        if theta.shape != tr.network.parameters.shape:  # a stale edit from another network
            raise WorkbenchError(f"the network has {tr.network.parameters.size} parameters, the edit {theta.size}")
        tr.network.parameters[...] = theta
        self._edit_count += 1
        with np.errstate(all="ignore"):
            self._edited_loss = float(tr.metrics(tr.x, tr.d, tr.targets)[0])

    def _load(self, command: c.Load) -> None:
        self.run = command.run
        self.run_id += 1
        self.recovery = Recovery(RECOVERY_EVERY)
        self.recovery.record(self.run.trainer)
        self.running = False
        self._edited_loss = None
        self.probes.clear()
        with self._lock:
            self._acked_iterations = self._acked_evaluations = 0
            self._latest = None
        self._rate_mark = (time.perf_counter(), 0)
        self._rate = 0.0

    HANDLERS = {
        c.Start: _start, c.Pause: _pause, c.Toggle: _toggle, c.Step: _step_command, c.StepPhase: _phase,
        c.Configure: _configure, c.SetSpeed: _set_speed, c.Load: _load, c.SetWeight: _set_weight,
        c.SetParameters: _set_parameters,
        c.WantProbe: _want_probe, c.Stop: _stop, c.ReadParameters: _read_parameters,
        c.SaveWeights: _save_weights, c.SaveHistory: _save_history, c.ReadExperiment: _read_experiment,
        c.SaveOnnx: _save_onnx, c.Call: _call, c.SaveState: _save_state, c.LoadWeights: _load_weights,
    }

    # -- training ------------------------------------------------------------------------
    def _step(self) -> bool:
        if self.run is None:
            return False
        trainer = self.run.trainer
        ok = trainer.step()  # overflow is reported as a divergence, in words (the step ignores it)
        self.recovery.record(trainer)
        self.probes.after_step(trainer)
        if not ok:
            self._after_stop_check()
        return ok

    def _after_stop_check(self) -> None:
        if self.run.trainer.stopped is not None:
            self.running = False  # diverged: pause, keep the last finite weights

    def work(self, budget: float = BURST_SECONDS) -> float:
        """Train while running for about `budget` seconds; return seconds until the next step is due.

        With a speed cap, steps only when the next one is due (and returns the wait);
        without one, steps until the budget is spent and returns 0. Pending probe
        generators then get a slice of PROBE_SLICE seconds.
        """
        if not self.running or self.run is None:
            return math.inf
        start = now = time.perf_counter()
        end = start + budget
        with np.errstate(all="ignore"):  # once per burst, not per step
            if self.speed is None:
                while now < end:
                    if not self._step():
                        break
                    self._yield()
                    now = time.perf_counter()
                wait = 0.0
            else:
                interval = 1.0 / self.speed
                while now >= self._next_due and now < end:
                    if not self._step():
                        break
                    self._next_due = max(self._next_due + interval, now - interval)
                    now = time.perf_counter()
                wait = max(0.0, self._next_due - now)
        self._yield()  # not while the GUI draws: probes and snapshots would compete with it for the GIL
        finished = self.probes.pending and self.probes.advance(PROBE_SLICE)
        # a stop (divergence) shows at once; otherwise a snapshot only when the GUI's next frame is near
        self.publish(force=finished or not self.running, due=self.frame_due)
        return wait if self.running else math.inf

    def work_probes(self, budget: float = PROBE_SLICE) -> None:
        """Paused: a slice of the pending probe generators; publish when one finished."""
        if self.probes.advance(budget):
            self.publish(force=True)

    # -- snapshots -----------------------------------------------------------------------
    def publish(self, force: bool = False, due: float = 0.0) -> None:
        """Copy what the views need into a new snapshot (at most ~30 a second unless forced).

        `due`: the time (perf_counter) of the GUI's next frame; until SNAPSHOT_INTERVAL before it,
        no snapshot (nobody would draw it: its copies and probes would only cost training time)."""
        now = time.perf_counter()
        if not force and (now - self._last_publish < SNAPSHOT_INTERVAL or now < due - SNAPSHOT_INTERVAL):
            return
        self._last_publish = now
        snap = self._snapshot(now)
        with self._lock:
            self._latest = snap

    def _samples_rate(self, tr, now: float) -> float:
        mark_t, mark_n = self._rate_mark
        if now - mark_t >= 0.5:
            self._rate = (tr.samples_seen - mark_n) / (now - mark_t)
            self._rate_mark = (now, tr.samples_seen)
        elif not self.running:
            self._rate = 0.0 if now - mark_t > 1.0 else self._rate
        return self._rate

    def _snapshot(self, now: float) -> Snapshot | None:
        run = self.run
        if run is None:
            return None
        tr = run.trainer
        h = tr.history
        with self._lock:
            i0, e0 = self._acked_iterations, self._acked_evaluations
        it_end, ev_end = len(h), h.evaluations.size
        iterations = Rows(i0, it_end, {n: h.iterations.view(n, i0).copy() for n in ITERATION_COLUMNS})
        evaluations = Rows(e0, ev_end, {n: h.evaluations.view(n, e0).copy() for n in EVALUATION_COLUMNS})
        loss = float(h.loss[-1]) if it_end else math.nan
        accuracy = float(h.evaluation("train_accuracy")[-1]) if ev_end else math.nan
        stopped = tr.stopped
        state = "stopped" if self.finished else ("running" if self.running else "paused")
        # the gradient vector: copied only when it changed
        progress = (self.run_id, tr.iteration, tr.next_phase, self._edit_count)
        if tr.current is not None and progress != self._gradient_key:
            self._gradient_key = progress
            self._gradient = tr.current[1].vector.copy()
        elif tr.current is None:
            self._gradient = None
        probes = self.probes.collect(tr, progress, self.running, now) if self.probes.active else None
        return Snapshot(
            run_id=self.run_id, state=state, iteration=tr.iteration, epoch=tr.epoch,
            samples_seen=tr.samples_seen, next_phase=tr.next_phase, mid_iteration=tr.mid_iteration,
            learning_rate=tr.learning_rate, loss=loss, accuracy=accuracy,
            stopped_kind=stopped.kind if stopped else None, stopped_message=stopped.message if stopped else None,
            stopped_step=stopped.step if stopped else None,
            parameters=tr.network.parameters.copy(), iterations=iterations, evaluations=evaluations,
            events=tuple(h.events), samples_per_second=self._samples_rate(tr, now), time=now,
            gradient=self._gradient, edited_loss=self._edited_loss,
            **({} if probes is None else {"probes": probes}))

    def latest(self) -> Snapshot | None:
        """The newest snapshot; taking it acknowledges its rows (later ones start after them)."""
        with self._lock:
            snap = self._latest
            if snap is not None and snap.run_id == self.run_id:
                self._acked_iterations = max(self._acked_iterations, snap.iterations.end)
                self._acked_evaluations = max(self._acked_evaluations, snap.evaluations.end)
            return snap
