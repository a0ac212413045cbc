"""Training history: what the trainer records per iteration, per evaluation, per change.

Per iteration t: the step (updates so far), the epoch (samples seen / T), the mini-batch
loss, the learning rate used and every ‖∂Div/∂W^(k)‖ (Frobenius norm, batch mean gradient).
Per evaluation (every `evaluate_every` iterations): loss and accuracy on the training and
test sets and every ‖W^(k)‖. Per setting change: an event (step, name, value).

Memory is bounded: a `Series` keeps its most recent rows at full resolution and folds older
ones into blocks holding the min, mean and max of every column (what a plot of a long curve
shows: the band and the trend). Rows can be handed to a `spill` callback before they fold,
so the full-resolution history streams to disk instead of staying in RAM.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: the per-iteration columns before ‖∂Div/∂W^(1)‖..‖∂Div/∂W^(N)‖, and the per-evaluation ones before ‖W^(k)‖
ITERATION_FIELDS = ("step", "epoch", "loss", "learning_rate")
EVALUATION_FIELDS = ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")
#: full-resolution rows a series keeps (then the oldest half folds into envelope blocks)
RECENT_ROWS = 1 << 14
#: envelope blocks a series keeps (then neighbours merge pairwise, doubling the rows per block)
ENVELOPE_BLOCKS = 1 << 12


def iteration_columns(n_layers: int) -> tuple[str, ...]:
    """Names of the per-iteration columns for N = n_layers layers (also the CSV header)."""
    return ITERATION_FIELDS + tuple(f"grad_norm_W{k}" for k in range(1, n_layers + 1))


def evaluation_columns(n_layers: int) -> tuple[str, ...]:
    """Names of the per-evaluation columns for N = n_layers layers (also the CSV header)."""
    return EVALUATION_FIELDS + tuple(f"weight_norm_W{k}" for k in range(1, n_layers + 1))


class Table:
    """A (rows, width) float64 array that doubles when full; `rows()` is the filled part.

    Always 2-D, whatever the width (a width-1 column stays (rows, 1)).
    """

    def __init__(self, width: int, capacity: int = 1024):
        self.width = int(width)
        self._data = np.full((max(1, capacity), self.width), np.nan)
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def _reserve(self, end: int) -> None:
        if end > len(self._data):
            bigger = np.full((max(end, 2 * len(self._data)), self.width), np.nan)
            bigger[: self.size] = self._data[: self.size]
            self._data = bigger

    def append_row(self) -> np.ndarray:
        """Make room for one more row and return it (a writable view) for the caller to fill."""
        n = self.size
        if n == len(self._data):
            self._reserve(n + 1)
        self.size = n + 1
        return self._data[n]

    def extend(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self.width)
        end = self.size + len(rows)
        self._reserve(end)
        self._data[self.size:end] = rows
        self.size = end

    def drop_front(self, n: int) -> None:
        """Forget the first n rows (the rest move to the front, in place)."""
        rest = self.size - n
        self._data[:rest] = self._data[n : self.size]
        self.size = rest

    def clear(self) -> None:
        self.size = 0

    def rows(self, start: int = 0) -> np.ndarray:
        return self._data[start : self.size]

    def column(self, j: int) -> np.ndarray:
        return self._data[: self.size, j]


class Series:
    """Rows with named columns: the last `recent` at full resolution, older ones as envelopes.

    An envelope block holds, per column, the min, the mean and the max of the rows it
    replaced, and how many there were. `spill(rows)` (optional) receives every full-resolution
    row before it folds, and `flush()` hands it the rest.
    """

    def __init__(self, columns, recent: int = RECENT_ROWS, blocks: int = ENVELOPE_BLOCKS, spill=None,
                 groups: dict[str, slice] | None = None):
        self.columns = tuple(columns)
        self._index: dict[str, int | slice] = {name: j for j, name in enumerate(self.columns)}
        self._index.update(groups or {})  # names for several columns at once, read as (rows, n)
        self.recent = Table(len(self.columns))
        self.envelopes = Table(3 * len(self.columns) + 1)  # min…, mean…, max…, count
        self._keep, self._blocks, self._block = max(2, recent), max(2, blocks), 1
        self._fold_at = self._keep + self._keep // 2  # fold when this many recent rows
        self._spill = spill
        self._spilled = 0  # rows of `recent` already handed to spill
        self.count = 0  # rows ever appended

    def __len__(self) -> int:
        return self.count

    @property
    def size(self) -> int:
        return self.count

    @property
    def first_recent(self) -> int:
        """Index (over all rows ever appended) of the first full-resolution row kept."""
        return self.count - self.recent.size

    def append_row(self) -> np.ndarray:
        """A new row (a writable view) for the caller to fill; the trainer's hot path."""
        if self.recent.size >= self._fold_at:
            self._fold()
        self.count += 1
        return self.recent.append_row()

    def extend(self, rows: np.ndarray, start: int | None = None) -> None:
        """Append rows that are rows start.. of the source; ones already here are skipped."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.columns))
        if start is not None:
            rows = rows[max(0, self.count - start):]
            self.count = max(self.count, start)  # a gap (rows the source no longer had)
        while len(rows):
            while self.recent.size >= self._fold_at:
                self._fold()
            chunk, rows = rows[: self._fold_at - self.recent.size], rows[self._fold_at - self.recent.size:]
            self.recent.extend(chunk)
            self.count += len(chunk)

    def spill_to(self, spill) -> None:
        """From now on hand every full-resolution row (also those kept so far) to `spill` before it folds."""
        self._spill, self._spilled = spill, 0

    def flush(self) -> None:
        """Hand every full-resolution row not yet spilled to `spill`."""
        if self._spill is not None and self._spilled < self.recent.size:
            self._spill(self.recent.rows(self._spilled))
            self._spilled = self.recent.size

    def _fold(self) -> None:
        """Fold the oldest recent rows beyond `recent`, whole blocks of `_block` rows, into envelopes."""
        n = (self.recent.size - self._keep) // self._block * self._block
        rows = self.recent.rows()[:n]
        if self._spill is not None and self._spilled < n:
            self._spill(rows[self._spilled:])
        self._spilled = max(0, self._spilled - n)
        starts = np.arange(0, n, self._block)
        counts = np.diff(np.append(starts, n)).astype(np.float64)[:, None]
        block = np.hstack([np.minimum.reduceat(rows, starts), np.add.reduceat(rows, starts) / counts,
                           np.maximum.reduceat(rows, starts), counts])
        self.envelopes.extend(block)
        self.recent.drop_front(n)
        while self.envelopes.size > self._blocks:
            self._merge_pairs()
        self._fold_at = self._keep + max(self._keep // 2, self._block)

    def _merge_pairs(self) -> None:
        """Merge neighbouring envelope blocks: min of mins, count-weighted mean, max of maxes."""
        w = len(self.columns)
        env = self.envelopes.rows()
        starts = np.arange(0, len(env), 2)
        counts = np.add.reduceat(env[:, -1], starts)
        merged = np.hstack([np.minimum.reduceat(env[:, :w], starts),
                            np.add.reduceat(env[:, w:2 * w] * env[:, -1:], starts) / counts[:, None],
                            np.maximum.reduceat(env[:, 2 * w:3 * w], starts), counts[:, None]])
        self.envelopes.clear()
        self.envelopes.extend(merged)
        self._block *= 2

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """Everything the series holds, as named copies (for a trained-state file)."""
        return {prefix + "recent": self.recent.rows().copy(), prefix + "envelopes": self.envelopes.rows().copy(),
                prefix + "counters": np.array([self.count, self._block, self._fold_at], dtype=np.int64)}

    def restore(self, arrays: dict[str, np.ndarray], prefix: str) -> None:
        """Take back what `to_arrays` wrote (ValueError if it does not fit these columns)."""
        try:
            recent, envelopes = np.asarray(arrays[prefix + "recent"]), np.asarray(arrays[prefix + "envelopes"])
            count, block, fold_at = (int(v) for v in np.asarray(arrays[prefix + "counters"]).reshape(3))
        except (KeyError, ValueError, TypeError):
            raise ValueError(f"the history's {prefix.strip('_')} part is missing or damaged") from None
        w = len(self.columns)
        if recent.ndim != 2 or recent.shape[1] != w or envelopes.ndim != 2 or envelopes.shape[1] != 3 * w + 1 \
                or recent.dtype.kind != "f" or envelopes.dtype.kind != "f" or count < len(recent) or block < 1:
            raise ValueError(f"the history's {prefix.strip('_')} part does not fit {w} columns")
        self.recent.clear()
        self.recent.extend(recent)
        self.envelopes.clear()
        self.envelopes.extend(envelopes)
        self.count, self._block, self._fold_at, self._spilled = count, block, max(fold_at, self._keep), 0

    def truncate_after(self, step: float, column: str = "step") -> None:
        """Forget the rows whose `column` is beyond `step` (going back to a checkpoint): full-resolution
        rows exactly; envelope blocks whole (a block reaching past `step` goes, rows ≤ step with it)."""
        j, w = self._index[column], len(self.columns)
        recent = self.recent.rows()
        keep = int(np.searchsorted(recent[:, j], step, side="right"))
        dropped = len(recent) - keep
        self.recent.size = keep
        if keep == 0 and self.envelopes.size:
            env = self.envelopes.rows()
            kept = int(np.searchsorted(env[:, 2 * w + j], step, side="right"))  # by each block's max
            dropped += int(env[kept:, -1].sum())
            self.envelopes.size = kept
        self.count -= dropped
        self._spilled = min(self._spilled, self.recent.size)

    # -- reading -----------------------------------------------------------------------
    def view(self, name: str, start: int = 0) -> np.ndarray:
        """Full-resolution values of column `name` from row `start` on (as far back as kept).

        A group name (e.g. "gradient_norms") gives its columns as a 2-D (rows, n) array.
        """
        return self.recent.rows(max(0, start - self.first_recent))[:, self._index[name]]

    def last(self, name: str) -> float:
        return float(self.recent.rows()[-1, self._index[name]]) if self.recent.size else float("nan")

    def curve(self, x: str, y: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x, low, mean, high) over every row: envelope blocks (x their mean), then full resolution."""
        jy, w = self._index[y], len(self.columns)
        env, full = self.envelopes.rows(), self.recent.column(jy)
        return (self.means(x), np.concatenate([env[:, jy], full]), self.means(y),
                np.concatenate([env[:, 2 * w + jy], full]))

    def means(self, name: str) -> np.ndarray:
        """Column `name` over every row: the envelope blocks' means, then full resolution."""
        j = self._index[name]
        return np.concatenate([self.envelopes.rows()[:, len(self.columns) + j], self.recent.column(j)])


@dataclass(frozen=True)
class Event:
    """A setting changed before update `step` (it applies from that update on)."""

    step: int
    name: str
    value: object


class History:
    """Per-iteration rows, evaluation rows and setting-change events of one training run."""

    def __init__(self, n_layers: int, recent: int = RECENT_ROWS):
        self.n_layers = n_layers
        self.iterations = Series(iteration_columns(n_layers), recent, groups={"gradient_norms": slice(4, None)})
        self.evaluations = Series(evaluation_columns(n_layers), recent, groups={"weight_norms": slice(6, None)})
        self.events: list[Event] = []

    def spill_to(self, spill) -> None:
        """Hand every full-resolution row, kept or still to come, to `spill(kind, rows)` before it folds
        (None: stop)."""
        self.iterations.spill_to(None if spill is None else (lambda rows: spill("iterations", rows)))
        self.evaluations.spill_to(None if spill is None else (lambda rows: spill("evaluations", rows)))

    def __len__(self) -> int:
        return len(self.iterations)

    def record_iteration(self, step: int, epoch: float, loss: float, learning_rate: float) -> np.ndarray:
        """Append a row; returns its N gradient-norm cells (1-D, length N) for the caller to fill in."""
        row = self.iterations.append_row()
        row[0] = step  # item by item: cheaper than converting a tuple, and this is once per iteration
        row[1] = epoch
        row[2] = loss
        row[3] = learning_rate
        return row[4:]

    def record_evaluation(self, step, epoch, train_loss, train_accuracy, test_loss, test_accuracy, weight_norms):
        row = self.evaluations.append_row()
        row[:6] = step, epoch, train_loss, train_accuracy, test_loss, test_accuracy
        row[6:] = weight_norms

    def record_event(self, step: int, name: str, value) -> None:
        self.events.append(Event(step, name, value))

    def flush(self) -> None:
        """Hand every row not yet spilled to `spill` (evaluations first)."""
        self.evaluations.flush()
        self.iterations.flush()

    def truncate_after(self, step: int) -> None:
        """The history as it was after update `step` (rows and events beyond it forgotten)."""
        self.iterations.truncate_after(step)
        self.evaluations.truncate_after(step)
        self.events = [e for e in self.events if e.step <= step]

    # -- reading (full resolution, the rows kept) --------------------------------------
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
        """An evaluation column; "weight_norms" gives all N as (evaluations, N)."""
        return self.evaluations.view(name)

    # -- as named arrays (a trained-state file keeps the history beside θ) ---------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Both series as "history_<group>_recent" / "_envelopes" / "_counters" arrays (copies)."""
        out = {}
        for group in ("iterations", "evaluations"):
            out.update(getattr(self, group).to_arrays(f"history_{group}_"))
        return out

    @classmethod
    def from_arrays(cls, n_layers: int, arrays: dict[str, np.ndarray]) -> "History":
        """The history `to_arrays` wrote (ValueError if a part is missing or of another shape)."""
        history = cls(n_layers)
        for group in ("iterations", "evaluations"):
            getattr(history, group).restore(arrays, f"history_{group}_")
        return history
