"""The training worker: one thread owns the live engine objects; the GUI talks to it by queue.

    GUI thread ──Command──▶ queue.Queue ──▶ worker thread (Trainer.step / advance / configure)
    GUI thread ◀──latest Snapshot (copies), pulled on a ~30 Hz QTimer ──┘

`TrainingCore` holds the command handling and the time-sliced training loop and has no Qt
in it, so tests drive it synchronously (`handle`, `work`). `TrainingWorker` is the QThread
that runs the same core in a loop: while running it trains in bursts of ~8 ms, then drains
the queue (and briefly leaves the GIL to the GUI thread); while paused it blocks on the
queue. Closing stops the loop cooperatively; nothing ever calls `terminate()`.

Determinism: the core only ever calls `trainer.step()`, `trainer.advance()` and
`trainer.configure()`; snapshots copy, never mutate.
"""

from __future__ import annotations

import math
import queue
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QThread, Signal

from engine.core.errors import WorkbenchError

from .inspector.state import InspectorState

#: seconds of training between two looks at the command queue while running
BURST_SECONDS = 0.008
#: the GUI shows at most this many snapshots a second
SNAPSHOT_INTERVAL = 1.0 / 30.0
#: while running, an InspectorState (copies of trace and gradients) at most this often, and only
#: while the inspector is shown ("inspector" command); paused: one after every command
INSPECTOR_INTERVAL = 0.5


class Command(NamedTuple):
    """A request to the worker: run, pause, toggle, step, phase, configure, speed, load, call, stop,
    set_weight ((k, i, j, value), paused only), inspector (bool: build InspectorStates while running)."""

    name: str
    value: object = None


@dataclass(frozen=True)
class Rows:
    """History rows [start, end) copied out of the live history."""

    start: int
    end: int
    columns: dict  # name → array (end - start,) or (end - start, N)


@dataclass(frozen=True)
class Snapshot:
    """What the views need, copied at one moment: never shares memory with the engine."""

    run_id: int
    state: str  # running, paused, stopped (worker finished)
    iteration: int
    epoch: float
    samples_seen: int
    next_phase: str
    mid_iteration: bool
    learning_rate: float
    loss: float
    accuracy: float
    stopped_kind: str | None
    stopped_message: str | None
    stopped_step: int | None
    parameters: np.ndarray
    iterations: Rows
    evaluations: Rows
    events: tuple
    samples_per_second: float
    time: float = field(default_factory=time.perf_counter)
    #: ∂Div/∂θ of the current / last mini-batch (flat, engine Layout order), a copy; the same
    #: array object as the previous snapshot's while it did not change; None before any pass
    gradient: np.ndarray | None = None
    #: workbench.inspector.InspectorState (copies) or None (running and the inspector is hidden)
    inspector: object = None
    #: after a weight edit: the training-set loss with the edited weights (None otherwise)
    edited_loss: float | None = None


ITERATION_COLUMNS = ("step", "epoch", "loss", "learning_rate", "gradient_norms")
EVALUATION_COLUMNS = ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")


class TrainingCore:
    """Command handling and time-sliced training over one `Run` (see workbench.session)."""

    def __init__(self, run=None, on_error=None, yield_point=None):
        self.run = None
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
        #: build InspectorStates while running (the inspector dock is shown)
        self.inspector_wanted = False
        self._gradient_key = None
        self._gradient = None
        self._inspector_key = None
        self._inspector = None
        self._inspector_time = -math.inf
        self._edit_count = 0  # weight edits so far: part of the cache keys
        self._edited_loss: float | None = None
        if run is not None:
            self._load(run)

    # -- commands ------------------------------------------------------------------------
    def handle(self, command: Command) -> None:
        """Apply one command. Errors in settings go to `on_error`, never up the stack."""
        name, value = command
        try:
            if name == "run":
                self.running = self.run is not None
                self._edited_loss = None
                self._next_due = time.perf_counter()
            elif name == "pause":
                self.running = False
            elif name == "toggle":
                self.handle(Command("pause" if self.running else "run"))
                return
            elif name == "step":  # one whole iteration (or the rest of the current one)
                self.running = False
                self._edited_loss = None
                self._step()
            elif name == "phase":
                self.running = False
                if self.run is not None:
                    self._edited_loss = None
                    with np.errstate(all="ignore"):
                        self.run.trainer.advance()
                    self._after_stop_check()
            elif name == "configure":
                self.run.trainer.configure(**value)
            elif name == "speed":
                self.speed = None if value is None else max(float(value), 1e-3)
            elif name == "load":
                self._load(value)
            elif name == "set_weight":  # w_ij^(k) ← value, in place, while paused
                self._set_weight(*value)
            elif name == "inspector":
                self.inspector_wanted = bool(value)
            elif name == "call":  # fn(run) in the worker thread, e.g. writing the history
                fn, future = value
                try:
                    future.set_result(fn(self.run))
                except Exception as e:  # noqa: BLE001 - goes back to the caller
                    future.set_exception(e)
            elif name == "stop":
                self.running = False
                self.finished = True
            else:
                raise ValueError(f"unknown worker command {name!r}")
        except WorkbenchError as e:
            self._on_error(str(e))
        self.publish(force=True)

    def _set_weight(self, k: int, i: int, j: int, value: float) -> None:
        if self.run is None:
            return
        if self.running:
            raise WorkbenchError("pause the training before editing a weight")
        tr = self.run.trainer
        sizes = tr.network.sizes
        if not (1 <= k < len(sizes) and 0 <= i < sizes[k - 1] and 0 <= j < sizes[k]):  # a stale selection
            raise WorkbenchError(f"the network has no weight w_{i + 1},{j + 1}^({k})")
        tr.network.W[k][i, j] = value
        self._edit_count += 1
        with np.errstate(all="ignore"):
            self._edited_loss = float(tr.metrics(tr.x, tr.d, tr.targets)[0])

    def _load(self, run) -> None:
        self.run = run
        self.run_id += 1
        self.running = False
        self._edited_loss = None
        with self._lock:
            self._acked_iterations = self._acked_evaluations = 0
            self._latest = None
        self._rate_mark = (time.perf_counter(), 0)
        self._rate = 0.0

    # -- training ------------------------------------------------------------------------
    def _step(self) -> bool:
        if self.run is None:
            return False
        with np.errstate(all="ignore"):  # overflow is reported as a divergence, in words
            ok = self.run.trainer.step()
        if not ok:
            self._after_stop_check()
        return ok

    def _after_stop_check(self) -> None:
        if self.run.trainer.stopped is not None:
            self.running = False  # diverged: pause, keep the last finite weights

    def work(self, budget: float = BURST_SECONDS) -> float:
        """Train while running for about `budget` seconds; return seconds until the next step is due.

        With a speed cap, steps only when the next one is due (and returns the wait);
        without one, steps until the budget is spent and returns 0.
        """
        if not self.running or self.run is None:
            return math.inf
        start = now = time.perf_counter()
        end = start + budget
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
        self.publish(force=not self.running)  # a stop (divergence) shows at once
        return wait if self.running else math.inf

    # -- snapshots -----------------------------------------------------------------------
    def publish(self, force: bool = False) -> None:
        """Copy what the views need into a new snapshot (at most ~30 a second unless forced)."""
        now = time.perf_counter()
        if not force and now - self._last_publish < SNAPSHOT_INTERVAL:
            return
        self._last_publish = now
        snap = self._snapshot(now)
        with self._lock:
            self._latest = snap

    def _snapshot(self, now: float) -> Snapshot | None:
        run = self.run
        if run is None:
            return None
        tr = run.trainer
        h = tr.history
        mark_t, mark_n = self._rate_mark
        if now - mark_t >= 0.5:
            self._rate = (tr.samples_seen - mark_n) / (now - mark_t)
            self._rate_mark = (now, tr.samples_seen)
        elif not self.running:
            self._rate = 0.0 if now - mark_t > 1.0 else self._rate
        with self._lock:
            i0, e0 = self._acked_iterations, self._acked_evaluations
        it_end, ev_end = len(h), h.evaluations.size
        iterations = Rows(i0, it_end, {n: h.iterations.view(n, i0).copy() for n in ITERATION_COLUMNS})
        evaluations = Rows(e0, ev_end, {n: h.evaluations.view(n, e0).copy() for n in EVALUATION_COLUMNS})
        loss = float(h.loss[-1]) if it_end else math.nan
        accuracy = float(h.evaluation("train_accuracy")[-1]) if ev_end else math.nan
        stopped = tr.stopped
        state = "stopped" if self.finished else ("running" if self.running else "paused")
        # the gradient vector and the inspector's state: copied only when they changed
        progress = (self.run_id, tr.iteration, str(tr.next_phase), self._edit_count)
        if tr.current is not None and progress != self._gradient_key:
            self._gradient_key = progress
            self._gradient = tr.current[1].vector.copy()
        elif tr.current is None:
            self._gradient = None
        inspector = None
        if not self.running or (self.inspector_wanted and now - self._inspector_time >= INSPECTOR_INTERVAL):
            key = (progress, self.running)
            if key != self._inspector_key:
                self._inspector = InspectorState.from_trainer(tr, paused=not self.running)
                self._inspector_key = key
                self._inspector_time = now
            inspector = self._inspector
        elif self.inspector_wanted:
            inspector = self._inspector
        return Snapshot(
            run_id=self.run_id, state=state, iteration=tr.iteration, epoch=tr.epoch,
            samples_seen=tr.samples_seen, next_phase=str(tr.next_phase), mid_iteration=tr.mid_iteration,
            learning_rate=tr.learning_rate, loss=loss, accuracy=accuracy,
            stopped_kind=stopped.kind if stopped else None, stopped_message=stopped.message if stopped else None,
            stopped_step=stopped.step if stopped else None,
            parameters=tr.network.parameters.copy(), iterations=iterations, evaluations=evaluations,
            events=tuple(h.events), samples_per_second=self._rate, time=now,
            gradient=self._gradient, inspector=inspector, edited_loss=self._edited_loss)

    def latest(self) -> Snapshot | None:
        """The newest snapshot; taking it acknowledges its rows (later ones start after them)."""
        with self._lock:
            snap = self._latest
            if snap is not None and snap.run_id == self.run_id:
                self._acked_iterations = max(self._acked_iterations, snap.iterations.end)
                self._acked_evaluations = max(self._acked_evaluations, snap.evaluations.end)
            return snap


class TrainingWorker(QThread):
    """Runs a `TrainingCore` in its own thread; commands arrive through `send` (a queue)."""

    failed = Signal(object)  # a plain-words message, shown in the window

    def __init__(self, run=None, parent=None):
        super().__init__(parent)
        self.setObjectName("TrainingWorker")
        self.commands: queue.Queue = queue.Queue()
        #: cleared by the GUI thread while it draws a frame. The worker then waits between
        #: iterations instead of competing for the GIL: PySide releases the GIL around most
        #: Qt calls, and each re-acquire against a busy worker costs up to the interpreter's
        #: switch interval (5 ms), which turns a 5 ms paint into hundreds of milliseconds.
        self.gui_idle = threading.Event()
        self.gui_idle.set()
        self.core = TrainingCore(run, on_error=self.failed.emit, yield_point=self._wait_for_gui)

    def _wait_for_gui(self) -> None:
        if not self.gui_idle.is_set():
            self.gui_idle.wait(0.1)  # bounded: a stuck GUI never stalls training for long

    def frame_begins(self) -> None:
        """GUI thread: a frame starts; the worker holds off until `frame_ends`."""
        self.gui_idle.clear()

    def frame_ends(self) -> None:
        self.gui_idle.set()

    def send(self, name: str, value=None) -> None:
        """Queue a command; the worker takes it at the next phase boundary."""
        self.commands.put(Command(name, value))

    def latest(self) -> Snapshot | None:
        return self.core.latest()

    def call(self, fn, timeout: float = 10.0):
        """Run fn(run) in the worker thread between two iterations and return its result.

        For reading the live engine objects consistently (exports); the GUI waits for it.
        """
        future: Future = Future()
        if not self.isRunning():
            self.core.handle(Command("call", (fn, future)))
        else:
            self.frame_ends()  # a frame in progress must not hold the worker up
            self.send("call", (fn, future))
        return future.result(timeout)

    def stop(self, timeout_ms: int = 1000) -> bool:
        """Ask the loop to finish, then join it (never terminate)."""
        self.send("stop")
        self.quit()
        return self.wait(timeout_ms)

    def run(self) -> None:  # the thread body
        # While both threads want the GIL, the holder is made to drop it after the switch
        # interval. PySide releases the GIL around most Qt calls, so a GUI thread painting
        # against a busy worker waits up to one interval per call: 5 ms by default turns a
        # 5 ms paint into hundreds. 1 ms costs nothing measurable when the GUI is idle.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        core = self.core
        core.publish(force=True)
        while not core.finished:
            try:
                if core.running:
                    wait = core.work()
                    # drain everything queued, waiting for the next due step under a speed cap
                    self._drain(block_for=min(wait, 0.05) if wait > 0 else 0.0)
                else:
                    self._drain(block_for=None)
            except Exception as e:  # noqa: BLE001 - never let the thread die silently
                core.running = False
                self.failed.emit(f"training stopped by an internal error: {type(e).__name__}: {e}")
                core.publish(force=True)

    def _drain(self, block_for: float | None) -> None:
        """Handle queued commands: block (paused) / wait up to block_for / just poll."""
        try:
            if block_for is None:
                command = self.commands.get()
            elif block_for > 0:
                command = self.commands.get(timeout=block_for)
            else:
                command = self.commands.get_nowait()
        except queue.Empty:
            return
        self.core.handle(command)
        while not self.core.finished:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            self.core.handle(command)
