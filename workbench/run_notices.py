"""Notices about how training goes, from the snapshots: a continue after divergence, a plateau.

    recovered  the worker went back to earlier weights when Run followed a divergence (the
               history's "recovered_from" event): the banner says from which iteration
    plateau    the evaluated loss stopped moving while accuracy stays at chance
               (engine.training.outcome.is_plateau): a plain-words hint, once per run
"""

from __future__ import annotations

import numpy as np

from engine.training.outcome import chance_accuracy, is_plateau
from engine.training.recovery import PLATEAU_NOTICE


class RunNotices:
    """Shows each notice once per run (and a plateau again only after it was left)."""

    def __init__(self, window):
        self.window = window
        self.run_id = None
        self._events_seen = 0
        self._evaluations_seen = 0
        self._plateau_shown = False
        self._chance = None

    def _new_run(self, snap) -> None:
        self.run_id, self._events_seen, self._evaluations_seen, self._plateau_shown = snap.run_id, 0, 0, False
        run = self.window.controller.view_run
        targets = getattr(run.trainer, "targets", None) if run is not None else None
        classification = run is not None and run.trainer.classification
        self._chance = chance_accuracy(np.asarray(targets)) if classification and targets is not None else None

    def update(self, snap) -> None:
        if snap.run_id != self.run_id:
            self._new_run(snap)
        for event in snap.events[self._events_seen:]:
            if event.name == "recovered_from":
                self._say(f"Continuing with the new settings from the weights of iteration {event.value} "
                          f"(the last kept ones whose loss was no worse than at the start): the weights at "
                          f"the divergence were too large to go on from.", "info")
                self._evaluations_seen = snap.evaluations.end  # judge a plateau on evaluations after it
                self._plateau_shown = False
        self._events_seen = len(snap.events)
        if self._chance is None or snap.evaluations.end == self._evaluations_seen:
            return
        self._evaluations_seen = snap.evaluations.end
        h = self.window.history.evaluations
        flat = is_plateau(h.view("train_loss"), h.view("train_accuracy"), self._chance)
        if flat and not self._plateau_shown:
            self._say(PLATEAU_NOTICE, "warning")
        self._plateau_shown = flat

    def _say(self, text: str, kind: str) -> None:
        self.window.banner.show_message(text, kind)
        self.window.log_message(text)
