"""The comparison probe: sibling runs trained in lockstep with the worker's current run.

The siblings (engine.runs.comparison.Comparison: one setting differs, same seed s, so the same
W^(k) at the start and the same mini-batches) are separate runs: stepping them never touches
the current trainer or its random stream. Each time the probe is due it brings every sibling
up to the current run's iteration t (at most CATCH_UP updates per sibling at once), so the
worker's time is shared between the runs; the payload holds copies, thinned to ≤ POINTS.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from engine.training.outcome import iterations_to_target, outcome

CATCH_UP = 20_000
POINTS = 1500
TARGET_ACCURACY = 0.95


@dataclass(frozen=True)
class SiblingView:
    """What the Runs dock shows of one sibling (copies)."""

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


def _thin(n: int) -> slice:
    return slice(None, None, max(1, n // POINTS))


def view_of(label: str, run, initial_loss: float) -> SiblingView:
    t = run.trainer
    h = t.history
    s = _thin(len(h))
    ev = h.evaluation("step")
    final = {m: float(h.evaluation(m)[-1]) if len(ev) else float("nan")
             for m in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    final["iterations_to_target"] = iterations_to_target(h, TARGET_ACCURACY, None) if t.classification else None
    loss = h.loss[s].copy()
    scale = initial_loss if initial_loss and np.isfinite(initial_loss) else 1.0
    return SiblingView(label, t.iteration, outcome(t), h.step[s].copy(), loss, loss / scale, ev.copy(),
                       1.0 - h.evaluation("train_accuracy"), np.sqrt((h.gradient_norms[s] ** 2).sum(axis=1)),
                       final, t.network.parameters.copy())


class ComparisonProbe:
    """Holds the comparison the Runs dock set up; trains it up to the current iteration when due."""

    name = "comparison"
    interval = 0.2

    def __init__(self):
        self._lock = threading.Lock()
        self._incoming = None  # (generation, Comparison | None), set by the GUI thread
        self.comparison = None
        self.generation = 0
        self._generation_now = 0

    def set_comparison(self, comparison) -> None:
        """GUI thread: hand over a new comparison (None: none); the worker owns it from then on."""
        with self._lock:
            self.generation += 1
            self._incoming = (self.generation, comparison)

    def _take_incoming(self) -> None:
        with self._lock:
            if self._incoming is not None:
                self._generation_now, self.comparison = self._incoming
                self._incoming = None

    def compute(self, trainer, paused: bool):
        self._take_incoming()
        c = self.comparison
        if c is None:
            return None
        for run in c.runs:
            t = run.trainer
            left = min(trainer.iteration - t.iteration, CATCH_UP)
            if left > 0 and (t.stopped is None or t.stopped.kind != "diverged"):
                t.run(steps=left)
        return (self._generation_now, c.key,
                tuple(view_of(label, run, c.initial_loss[i]) for i, (label, run) in enumerate(zip(c.labels, c.runs))))
