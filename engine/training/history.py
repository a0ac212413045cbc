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
    """Named float columns that grow by doubling; `view(name)` is the filled part."""

    def __init__(self, widths: dict[str, int], capacity: int = 1024):
        self._widths = widths
        self._data = {n: np.full((capacity, w) if w > 1 else capacity, np.nan) for n, w in widths.items()}
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
            {"step": 1, "epoch": 1, "loss": 1, "learning_rate": 1, "gradient_norms": n_layers}
        )
        self.evaluations = _Columns(
            {"step": 1, "epoch": 1, "train_loss": 1, "train_accuracy": 1,
             "test_loss": 1, "test_accuracy": 1, "weight_norms": n_layers}
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

    # -- as named arrays (a trained-state file keeps the history beside θ) ---------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Every filled column as "history_iterations_<name>" / "history_evaluations_<name>" (copies)."""
        out = {}
        for group, cols in (("iterations", self.iterations), ("evaluations", self.evaluations)):
            for name in cols._widths:
                out[f"history_{group}_{name}"] = cols.view(name).copy()
        return out

    @classmethod
    def from_arrays(cls, n_layers: int, arrays: dict[str, np.ndarray]) -> "History":
        """The history `to_arrays` wrote (ValueError if a column is missing or of another shape)."""
        history = cls(n_layers)
        for group, cols in (("iterations", history.iterations), ("evaluations", history.evaluations)):
            columns = {name: np.asarray(arrays.get(f"history_{group}_{name}")) for name in cols._widths}
            sizes = {len(a) if a.ndim else -1 for a in columns.values()}
            if len(sizes) != 1 or -1 in sizes:
                raise ValueError(f"the history's {group} columns are missing or of different lengths")
            for name, a in columns.items():
                want = (len(a), cols._widths[name]) if cols._widths[name] > 1 else (len(a),)
                if a.shape != want or a.dtype.kind != "f":
                    raise ValueError(f"the history column {name} has shape {a.shape}, expected {want}")
                while cols._data[name].shape[0] < len(a):
                    cols._data[name] = np.full((2 * cols._data[name].shape[0],) + cols._data[name].shape[1:], np.nan)
                cols._data[name][:len(a)] = a
            cols.size = sizes.pop()
        return history
