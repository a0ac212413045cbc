"""The runs probe: the kept runs, trained in lockstep with the worker's current run, and its timeline.

Kept runs are separate runs — siblings from Compare… (engine.runs.comparison: one setting
differs, same seed s, so the same W^(k) at the start and the same mini-batches) and forks
(engine.runs.fork: the exact state of a paused point). Stepping them never touches the current
trainer or its random stream. Each time the probe is due it brings every kept run up to the
current run's iteration t (at most CATCH_UP updates and CATCH_UP_SECONDS each at once),
so the worker's time is shared between the runs; the payload holds copies (the mini-batch series as ≤ POINTS block means).

The timeline (engine.runs.timeline) keeps a checkpoint of the current run every N iterations
(`after_step`, called by the worker after every update; bounded by its memory budget). Going
back to a checkpoint forks the run there (history up to it) and the window installs the fork as
the current run; the state it left ("the latest") is kept until training goes on from an earlier
point. Everything here runs in the worker thread: the dock calls in through `worker.call`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from engine.core.errors import ConfigurationError
from engine.runs.comparison import differences, settings_of
from engine.runs.fork import fork
from engine.runs.timeline import Timeline
from engine.training.outcome import iterations_to_target, outcome

CATCH_UP = 20_000
#: updates of a kept run between two yield points (a few ms: a frame the GUI begins meanwhile waits no longer)
CHUNK = 100
#: seconds of catching up per kept run and computation at most (a run added far behind catches up
#: over several; in lockstep each needs about the current run's time since the last one)
CATCH_UP_SECONDS = 0.3
POINTS = 1500
TARGET_ACCURACY = 0.95
#: at most this many kept runs (each holds its own θ, optimiser state and bounded history)
MAX_KEPT = 8
TIMELINE_EVERY = 100
CURRENT = 0  # the uid of the current run's row


@dataclass(frozen=True)
class SiblingView:
    """What the Runs dock shows of one run (copies)."""

    label: str
    iteration: int
    status: str
    steps: np.ndarray
    loss: np.ndarray
    normalised_loss: np.ndarray
    evaluation_steps: np.ndarray
    error_rate: np.ndarray
    gradient_norm: np.ndarray
    final: dict
    parameters: np.ndarray
    uid: int = CURRENT
    shape: tuple = ()  # (sizes, activation names): for the small multiples
    data: object = None  # the run's prepared data (read-only arrays)
    differs: str = ""  # the settings in which it differs from the current run now


@dataclass(frozen=True)
class TimelineView:
    """The current run's checkpoints (iterations), their bytes and the bound; `latest`: the
    iteration the run had before going back (None: the run is at its latest)."""

    iterations: tuple
    every: int
    nbytes: int
    budget_bytes: int
    latest: int | None
    iteration: int


@dataclass
class Kept:
    uid: int
    label: str
    run: object
    initial_loss: float


def _means(a: np.ndarray) -> np.ndarray:
    """Means over ≤ POINTS consecutive blocks (the curve of a noisy mini-batch series)."""
    block = max(1, len(a) // POINTS)
    n = len(a) // block * block
    return a[:n].reshape(-1, block, *a.shape[1:]).mean(axis=1) if n else a[:0].astype(float)


def view_of(label: str, t, initial_loss: float, uid: int = CURRENT, data=None) -> SiblingView:
    """Copies of trainer `t`'s curves and final metrics (read only: also for the current run)."""
    h = t.history
    block = max(1, len(h.loss) // POINTS)
    ev = h.evaluation("step")
    final = {m: float(h.evaluation(m)[-1]) if len(ev) else float("nan")
             for m in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    final["iterations_to_target"] = iterations_to_target(h, TARGET_ACCURACY, None) if t.classification else None
    loss = _means(h.loss)
    scale = initial_loss if initial_loss and np.isfinite(initial_loss) else 1.0
    steps = h.step[block - 1::block][:len(loss)].copy()
    net = t.network
    return SiblingView(label, t.iteration, outcome(t), steps, loss, loss / scale, ev.copy(),
                       1.0 - h.evaluation("train_accuracy"), _means(np.sqrt((h.gradient_norms ** 2).sum(axis=1))),
                       final, net.parameters.copy(), uid, (tuple(net.sizes), tuple(net.activation_names)), data)


def _initial_loss(trainer) -> float:
    with np.errstate(all="ignore"):
        return float(trainer.metrics(trainer.x, trainer.d, trainer.targets)[0])


class ComparisonProbe:
    """The kept runs and the timeline of the current run (worker thread, see the module doc)."""

    name = "comparison"
    interval = 0.2

    def __init__(self):
        self.between_chunks = lambda: None  # the worker's yield point, set by its ProbeRunner
        self.kept: list[Kept] = []
        self.current_label = "—"  # what the current run is in the latest comparison
        self.current_initial: float | None = None
        self.timeline = Timeline(every=TIMELINE_EVERY)
        self._owner = None  # the trainer the timeline belongs to
        self._continuing = None  # (trainer, iteration): a fork from a checkpoint, installed by going back
        self.latest = None  # the run as it was before going back (a Run), or None

    @property
    def busy(self) -> bool:
        """Kept runs train in lockstep even while the Runs dock is off screen (their curves overlay
        the loss, accuracy and gradient-norm docks)."""
        return bool(self.kept)

    # -- called in the worker thread through worker.call (fn(run)) ------------------------------
    def add(self, comparison, uids, current_label: str | None = None) -> None:
        """The sibling runs of a comparison join the kept runs (one uid each)."""
        if len(self.kept) + len(comparison.runs) > MAX_KEPT:
            raise ConfigurationError(f"at most {MAX_KEPT} kept runs (each trains beside this one): delete some first")
        for uid, label, run, loss in zip(uids, comparison.labels, comparison.runs, comparison.initial_loss):
            self.kept.append(Kept(uid, label, run, loss))
        if current_label is not None:
            self.current_label = current_label

    def fork(self, run, uid: int, label: str) -> None:
        """A kept run in the exact state of `run` now (between iterations)."""
        if len(self.kept) >= MAX_KEPT:
            raise ConfigurationError(f"at most {MAX_KEPT} kept runs (each trains beside this one): delete some first")
        initial = self.current_initial if run.trainer is self._owner and self.current_initial else None
        self.kept.append(Kept(uid, label, fork(run), initial or _initial_loss(run.trainer)))

    def delete(self, uids) -> None:
        self.kept = [k for k in self.kept if k.uid not in set(uids)]

    def go_back(self, run, iteration: int | None):
        """The run to install: a fork of `run` at the checkpoint at or before `iteration`, or
        (None) the latest state it left; None if there is nothing to go to."""
        self._own(run.trainer)
        if iteration is None or (self.latest is not None and iteration >= self.latest.trainer.iteration):
            child, self.latest = self.latest, None
            if child is not None:
                self._continuing = (child.trainer, None)
            return child
        if self.latest is None and iteration >= run.trainer.iteration:
            return None  # already there
        if not self.timeline.checkpoints:
            raise ConfigurationError("the timeline has no checkpoints yet: train first")
        if run.trainer.mid_iteration:
            raise ConfigurationError("finish this iteration first (→ steps to its end), then go back")
        if self.latest is None:
            self.latest = fork(run)
        child = fork(run, self.timeline.at(iteration), self.latest.trainer.history)  # also forward of `run`
        self._continuing = (child.trainer, child.trainer.iteration)
        return child

    def set_spacing(self, every: int) -> None:
        self.timeline.set_spacing(every)

    # -- the worker's hooks ---------------------------------------------------------------------
    def after_step(self, trainer) -> None:
        """After every update of the current run: a checkpoint when one is due."""
        if trainer is not self._owner:
            self._own(trainer, stepped=True)
        elif self._continuing is not None and self._continuing[0] is trainer:
            self._went_on(trainer)
        self.timeline.record(trainer)

    def _own(self, trainer, stepped: bool = False) -> None:
        """Another trainer is current: the installed fork from going back keeps the timeline
        (training on from an earlier point forgets what came after it); any other run starts afresh."""
        if self._continuing is not None and self._continuing[0] is trainer:
            self._owner = trainer
            if stepped:
                self._went_on(trainer)
            return
        if trainer is self._owner:
            return
        self._owner, self._continuing, self.latest = trainer, None, None
        self.current_initial = None  # the full-set loss where this run is first seen (t = 0: θ0)
        self.timeline.clear()

    def _went_on(self, trainer) -> None:
        _, start = self._continuing
        self._continuing = None
        if start is not None:
            self.timeline.truncate_after(start)
            self.latest = None

    def compute(self, trainer, paused: bool):
        self._own(trainer)
        self.timeline.record(trainer)
        if self.current_initial is None and not trainer.mid_iteration:
            self.current_initial = _initial_loss(trainer)
        for k in self.kept:
            t, end = k.run.trainer, time.perf_counter() + CATCH_UP_SECONDS
            left, first = min(trainer.iteration - t.iteration, CATCH_UP), True
            while left > 0 and (t.stopped is None or t.stopped.kind != "diverged") and (first or time.perf_counter() < end):
                chunk, first = min(left, CHUNK), False  # one chunk each at least: every run makes progress
                with np.errstate(all="ignore"):
                    t.run(steps=chunk)
                left -= chunk
                waited = time.perf_counter()
                self.between_chunks()  # not while the GUI draws a frame (the wait is not catching up's time)
                end += time.perf_counter() - waited
        views = (view_of(self.current_label, trainer, self.current_initial or 1.0),) if self.kept else ()
        here = settings_of(trainer)
        views += tuple(replace(view_of(k.label, k.run.trainer, k.initial_loss, k.uid, k.run.data),
                               differs=", ".join(differences(settings_of(k.run.trainer), here)) or "same settings")
                       for k in self.kept)
        tl = self.timeline
        timeline = TimelineView(tuple(c.iteration for c in tl.checkpoints), tl.every, tl.nbytes, tl.budget_bytes,
                                None if self.latest is None else self.latest.trainer.iteration, trainer.iteration)
        return views, timeline
