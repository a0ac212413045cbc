"""Training history: what the trainer records per iteration, per evaluation, per change.

Per iteration t: the step (updates so far), the epoch (samples seen / T), the mini-batch
loss, the learning rate used and every ‖∂Div/∂W^(k)‖ (Frobenius norm, batch mean gradient).
Per evaluation (every `evaluate_every` iterations): loss and accuracy on the training and
test sets and every ‖W^(k)‖. Per setting change: an event (step, name, value).
Arrays grow by doubling, so a million iterations cost a million rows, not a million lists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class _Columns:
    """Named float columns that grow by doubling; `view(name)` is the filled part.

    A width of None is a scalar column (1-D); an int w is a (rows, w) column, even for w = 1.
    """

    def __init__(self, widths: dict[str, int], capacity: int = 1024):
        self._widths = widths
        self._data = {n: np.full(capacity if w is None else (capacity, w), np.nan) for n, w in widths.items()}
        self.size = 0

    def grow(self) -> int:
        """Make room for one more row; return its index."""
        i = self.size
        if i == len(next(iter(self._data.values()))):
            for name, arr in self._data.items():
                bigger = np.full((2 * len(arr),) + arr.shape[1:], np.nan)
                bigger[:i] = arr
                self._data[name] = bigger
        self.size = i + 1
        return i

    def column(self, name: str) -> np.ndarray:
        return self._data[name]

    def view(self, name: str, start: int = 0) -> np.ndarray:
        return self._data[name][start : self.size]


@dataclass(frozen=True)
class Event:
    """A setting changed before update `step` (it applies from that update on)."""

    step: int
    name: str
    value: object


class History:
    """Per-iteration rows, evaluation rows and setting-change events of one training run."""

    def __init__(self, n_layers: int):
        self.n_layers = n_layers
        self.iterations = _Columns(
            {"step": None, "epoch": None, "loss": None, "learning_rate": None, "gradient_norms": n_layers}
        )
        self.evaluations = _Columns(
            {"step": None, "epoch": None, "train_loss": None, "train_accuracy": None,
             "test_loss": None, "test_accuracy": None, "weight_norms": n_layers}
        )
        self.events: list[Event] = []

    def __len__(self) -> int:
        return self.iterations.size

    # the trainer's hot path: plain item assignment, no allocation
    def record_iteration(self, step: int, epoch: float, loss: float, learning_rate: float) -> np.ndarray:
        """Append a row; returns the row of gradient norms for the caller to fill in."""
        cols = self.iterations
        i = cols.grow()
        cols.column("step")[i] = step
        cols.column("epoch")[i] = epoch
        cols.column("loss")[i] = loss
        cols.column("learning_rate")[i] = learning_rate
        return cols.column("gradient_norms")[i]

    def record_evaluation(self, step, epoch, train_loss, train_accuracy, test_loss, test_accuracy, weight_norms):
        cols = self.evaluations
        i = cols.grow()
        for name, value in (("step", step), ("epoch", epoch), ("train_loss", train_loss),
                            ("train_accuracy", train_accuracy), ("test_loss", test_loss),
                            ("test_accuracy", test_accuracy), ("weight_norms", weight_norms)):
            cols.column(name)[i] = value

    def record_event(self, step: int, name: str, value) -> None:
        self.events.append(Event(step, name, value))

    # -- reading ---------------------------------------------------------------------
    @property
    def step(self) -> np.ndarray:
        return self.iterations.view("step")

    @property
    def epoch(self) -> np.ndarray:
        return self.iterations.view("epoch")

    @property
    def loss(self) -> np.ndarray:
        return self.iterations.view("loss")

    @property
    def learning_rate(self) -> np.ndarray:
        return self.iterations.view("learning_rate")

    @property
    def gradient_norms(self) -> np.ndarray:
        """(iterations, N): column k−1 is ‖∂Div/∂W^(k)‖."""
        return self.iterations.view("gradient_norms")

    def evaluation(self, name: str) -> np.ndarray:
        return self.evaluations.view(name)
