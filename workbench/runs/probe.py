"""The runs probe: the kept runs, trained in lockstep with the worker's current run, and its timeline.

Kept runs are separate runs — siblings from Compare… (engine.runs.comparison: one setting
differs, same seed s, so the same W^(k) at the start and the same mini-batches) and forks
(engine.runs.fork: the exact state of a paused point). They train in a process of their own
(engine.runs.kept_process), on another core: stepping them never touches the current trainer,
its random stream or the worker's time. Each time the probe is due it sends the current run's
iteration t and takes the kept runs' latest views; paused, it waits (up to CATCH_UP_SECONDS)
until they are at t, and the Runs dock asks again while they are still catching up.

The timeline (engine.runs.timeline) keeps a checkpoint of the current run every N iterations
(`after_step`, called by the worker after every update; bounded by its memory budget). Going
back to a checkpoint forks the run there (history up to it) and the window installs the fork as
the current run; the state it left ("the latest") is kept until training goes on from an earlier
point. Everything here runs in the worker thread: the dock calls in through `worker.call`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engine.core.errors import ConfigurationError
from engine.runs.comparison import differences, settings_of
from engine.runs.fork import fork
from engine.runs.kept_process import KeptRuns, KeptRunsLost
from engine.runs.run_view import CURRENT, initial_loss, view_of
from engine.runs.timeline import Timeline

#: seconds a paused computation waits for the kept runs to reach the current run (they train on after it)
CATCH_UP_SECONDS = 0.3
#: at most this many kept runs (each holds its own θ, optimiser state and bounded history)
MAX_KEPT = 8
TIMELINE_EVERY = 100

__all__ = ["CURRENT", "MAX_KEPT", "ComparisonProbe", "TimelineView"]


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
    """A kept run as the window knows it (its state lives in the kept runs' process)."""

    uid: int
    label: str
    data: object  # its prepared data (read-only arrays): for its small multiple


class ComparisonProbe:
    """The kept runs and the timeline of the current run (worker thread, see the module doc)."""

    name = "comparison"
    interval = 0.2

    def __init__(self):
        self.kept: list[Kept] = []
        self.process = KeptRuns()  # where they train (started with the first one)
        self._failure = None  # why the kept runs were lost, until a payload has said it
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
        """The sibling runs of a comparison join the kept runs (one uid each) — all of them or,
        if one is refused, none."""
        if len(self.kept) + len(comparison.runs) > MAX_KEPT:
            raise ConfigurationError(f"at most {MAX_KEPT} kept runs (each trains beside this one): delete some first")
        added = []
        try:
            for uid, label, run, loss in zip(uids, comparison.labels, comparison.runs, comparison.initial_loss):
                self._keep(uid, label, run, loss)
                added.append(uid)
        except ConfigurationError:
            self.delete(added)
            raise
        if current_label is not None:
            self.current_label = current_label

    def fork(self, run, uid: int, label: str) -> None:
        """A kept run in the exact state of `run` now (between iterations)."""
        if len(self.kept) >= MAX_KEPT:
            raise ConfigurationError(f"at most {MAX_KEPT} kept runs (each trains beside this one): delete some first")
        initial = self.current_initial if run.trainer is self._owner and self.current_initial else None
        self._keep(uid, label, run, initial or initial_loss(run.trainer))

    def _keep(self, uid: int, label: str, run, initial: float) -> None:
        try:
            self.process.add(uid, label, run, initial)
        except KeptRunsLost as exc:
            self.kept = []
            raise ConfigurationError(str(exc)) from None
        self.kept.append(Kept(uid, label, run.data))

    def delete(self, uids) -> None:
        self.kept = [k for k in self.kept if k.uid not in set(uids)]
        if not self.kept:
            self.process.close()  # no kept runs: the process ends and its memory is freed
        else:
            try:
                self.process.delete(uids)
            except KeptRunsLost as exc:
                self.kept, self._failure = [], str(exc)

    def close(self) -> None:
        """The worker ends: so does the kept runs' process."""
        self.kept = []
        self.process.close()

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
            self.current_initial = initial_loss(trainer)
        views = self._views(trainer, paused) if self.kept else ()
        tl = self.timeline
        timeline = TimelineView(tuple(c.iteration for c in tl.checkpoints), tl.every, tl.nbytes, tl.budget_bytes,
                                None if self.latest is None else self.latest.trainer.iteration, trainer.iteration)
        failure, self._failure = self._failure, None
        return views, timeline, failure

    def _views(self, trainer, paused: bool) -> tuple:
        """The current run's view and the kept runs' latest (each with its data and what it does differently)."""
        try:
            kept = self.process.advance(trainer.iteration, CATCH_UP_SECONDS if paused else None)
        except KeptRunsLost as exc:
            self.kept, self._failure = [], str(exc)
            return ()
        data = {k.uid: k.data for k in self.kept}
        here = settings_of(trainer)
        return (view_of(self.current_label, trainer, self.current_initial or 1.0),) + tuple(
            replace(v, data=data[v.uid], differs=", ".join(differences(dict(v.settings), here)) or "same settings")
            for v in kept if v.uid in data)
