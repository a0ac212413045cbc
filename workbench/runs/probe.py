"""The comparison probe: sibling runs trained in lockstep with the worker's current run.

The siblings (engine.runs.comparison.Comparison: one setting differs, same seed s, so the same
W^(k) at the start and the same mini-batches) are separate runs: stepping them never touches
the current trainer or its random stream. Each time the probe is due it brings every sibling
up to the current run's iteration t (at most CATCH_UP updates per sibling at once), so the
worker's time is shared between the runs; the payload holds copies: the mini-batch series as ≤ POINTS block means.
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


def _means(a: np.ndarray) -> np.ndarray:
    """Means over ≤ POINTS consecutive blocks (the curve of a noisy mini-batch series)."""
    block = max(1, len(a) // POINTS)
    n = len(a) // block * block
    return a[:n].reshape(-1, block, *a.shape[1:]).mean(axis=1) if n else a[:0].astype(float)


def view_of(label: str, t, initial_loss: float) -> SiblingView:
    """Copies of trainer `t`'s curves and final metrics (read only: also for the current run)."""
    h = t.history
    block = max(1, len(h) // POINTS)
    ev = h.evaluation("step")
    final = {m: float(h.evaluation(m)[-1]) if len(ev) else float("nan")
             for m in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    final["iterations_to_target"] = iterations_to_target(h, TARGET_ACCURACY, None) if t.classification else None
    loss = _means(h.loss)
    scale = initial_loss if initial_loss and np.isfinite(initial_loss) else 1.0
    steps = h.step[block - 1::block][:len(loss)].copy()
    return SiblingView(label, t.iteration, outcome(t), steps, loss, loss / scale, ev.copy(),
                       1.0 - h.evaluation("train_accuracy"), _means(np.sqrt((h.gradient_norms ** 2).sum(axis=1))),
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
        self.current = None

    def set_comparison(self, comparison, current: tuple[str, float] | None = None) -> None:
        """GUI thread: hand over a new comparison (None: none); the worker owns it from then on.

        current: (label, initial loss) when the current run is one of the compared runs (the
        sibling of its own setting is then left out of `comparison`)."""
        with self._lock:
            self.generation += 1
            self._incoming = (self.generation, comparison, current)

    def _take_incoming(self) -> None:
        with self._lock:
            if self._incoming is not None:
                self._generation_now, self.comparison, self.current = self._incoming
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
        views = tuple(view_of(label, run.trainer, c.initial_loss[i]) for i, (label, run) in enumerate(zip(c.labels, c.runs)))
        if self.current is not None:
            views = (view_of(self.current[0], trainer, self.current[1]),) + views
        return self._generation_now, c.key, views
