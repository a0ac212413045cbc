"""History files (.csv): one row per logged iteration t, written while training if asked.

Columns: step, epoch, loss, learning_rate and grad_norm_W1..grad_norm_WN (‖∂Div/∂W^(k)‖); the
evaluation columns train_loss, train_accuracy, test_loss, test_accuracy,
weight_norm_W1..weight_norm_WN are filled on the rows of the steps where an evaluation was
recorded (empty otherwise, and where NaN). An evaluation at a step with no iteration row
(e.g. step 0) gets a row of its own. Written atomically.

Every number is written as `repr` writes it: the shortest text that reads back to the very same
float64, bit for bit (engine.io.float_text: orjson's Ryu where it writes exactly that, ~9× faster,
repr itself without it). The rows are merged and formatted a whole block at a time (NumPy index
arithmetic, each run of equal values in a column formatted once), not cell by cell.

`stream_history` writes the rows as the history spills them (before they fold into its
bounded envelopes), so a run of any length is written at full resolution in bounded memory;
`save_history` writes the rows a history still holds at full resolution.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from typing import IO

import numpy as np

from engine.core.errors import ConfigurationError
from engine.io import atomic, float_text
from engine.training.history import History, evaluation_columns, iteration_columns


def history_columns(n_layers: int) -> list[str]:
    """The CSV header for a network with N = n_layers layers."""
    return list(iteration_columns(n_layers)) + list(evaluation_columns(n_layers)[2:])


def format_floats(values: np.ndarray) -> list[str]:
    """The text repr writes for every value (float_text.reprs; "" for NaN), flattened; each run of equal values is formatted once
    (a constant learning rate, the empty evaluation cells between evaluations)."""
    flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if not len(flat):
        return []
    bits = flat.view(np.uint64)  # equal bits: −0.0 and 0.0 stay apart, NaN equals NaN
    heads = np.flatnonzero(np.concatenate([[True], bits[1:] != bits[:-1]]))
    distinct = flat[heads]
    texts = np.array(float_text.reprs(distinct), dtype=object)
    texts[np.isnan(distinct)] = ""
    return np.repeat(texts, np.diff(np.append(heads, len(flat)))).tolist()


def merge_plan(steps: np.ndarray, evaluation_steps: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """How iteration rows (at `steps`) and pending evaluations (at `evaluation_steps`) interleave.

    Returns (iteration index, evaluation index) per output row (−1: none) and how many
    evaluations were used; the rest wait for later iterations. In step order: an evaluation
    fills the row of the iteration at its step, or gets a row of its own before the first
    later iteration; evaluations after the last iteration step wait. Both step lists are
    nondecreasing in practice (one NumPy pass); otherwise the rows are merged one by one.
    """
    s, e = np.asarray(steps, dtype=np.float64), np.asarray(evaluation_steps, dtype=np.float64)
    n = len(s)
    if n == 0:
        return np.empty(0, np.intp), np.empty(0, np.intp), 0
    if np.any(np.diff(s) < 0) or np.any(np.diff(e) < 0):
        return _merge_plan_in_order(s.tolist(), e.tolist())
    rank = np.arange(n) - np.searchsorted(s, s, "left")  # k-th iteration of equal steps takes the k-th evaluation
    candidate = np.searchsorted(e, s, "left") + rank
    matched = candidate < np.searchsorted(e, s, "right")
    # used: every evaluation before the last step, and those that filled a row at the last step
    used = max(int(np.searchsorted(e, s[-1], "left")), int(candidate[matched].max() + 1) if matched.any() else 0)
    evaluation_of = np.where(matched, candidate, -1)
    alone = np.ones(used, dtype=bool)
    alone[evaluation_of[matched]] = False
    alone_at = np.flatnonzero(alone)
    before = np.searchsorted(s, e[alone_at], "right")  # a lone evaluation comes before the first later iteration
    order = np.argsort(np.concatenate([2 * before, 2 * np.arange(n) + 1]), kind="stable")
    iteration = np.concatenate([np.full(len(alone_at), -1), np.arange(n)])[order]
    evaluation = np.concatenate([alone_at, evaluation_of])[order]
    return iteration, evaluation, used


def _merge_plan_in_order(s: list, e: list) -> tuple[np.ndarray, np.ndarray, int]:
    """`merge_plan` row by row (any step order): evaluations before a step first, then that step's row."""
    iteration, evaluation, p = [], [], 0
    for i, step in enumerate(s):
        while p < len(e) and e[p] < step:
            iteration.append(-1)
            evaluation.append(p)
            p += 1
        iteration.append(i)
        evaluation.append(p if p < len(e) and e[p] == step else -1)
        p += evaluation[-1] >= 0
    return np.array(iteration, dtype=np.intp), np.array(evaluation, dtype=np.intp), p


class HistoryWriter:
    """Merges spilled iteration and evaluation rows by step into CSV rows, in step order."""

    def __init__(self, file: IO[str], n_layers: int, before_iterations=None):
        self._file = file
        self._before_iterations = before_iterations or (lambda: None)
        self._n_iteration, self._n_evaluation = 4 + n_layers, 6 + n_layers
        file.write(",".join(history_columns(n_layers)) + "\n")
        self._pending = np.empty((0, self._n_evaluation))  # evaluation rows not written yet

    def take(self, kind: str, rows: np.ndarray) -> None:
        """Rows spilled by the history (kind "iterations" or "evaluations")."""
        if kind == "evaluations":
            rows = np.asarray(rows, dtype=np.float64).reshape(-1, self._n_evaluation)
            self._pending = np.concatenate([self._pending, rows])
            return
        self._before_iterations()  # evaluations up to these steps are recorded: take them first
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self._n_iteration)
        iteration, evaluation, used = merge_plan(rows[:, 0], self._pending[:, 0])
        self._write(rows, iteration, self._pending, evaluation)
        self._pending = self._pending[used:]

    def finish(self) -> None:
        """Write the evaluations after the last iteration."""
        lone = np.arange(len(self._pending))
        self._write(np.empty((0, self._n_iteration)), np.full(len(lone), -1), self._pending, lone)
        self._pending = self._pending[:0]

    def _write(self, iterations, iteration, evaluations, evaluation) -> None:
        """Rows: iteration `iteration[r]` (−1: step and epoch of the evaluation) beside evaluation `evaluation[r]`."""
        if not len(iteration):
            return
        table = np.full((len(iteration), self._n_iteration + self._n_evaluation - 2), np.nan)
        has_iteration, has_evaluation = iteration >= 0, evaluation >= 0
        table[has_iteration, : self._n_iteration] = iterations[iteration[has_iteration]]
        lone = ~has_iteration
        table[lone, :2] = evaluations[evaluation[lone], :2]
        table[has_evaluation, self._n_iteration:] = evaluations[evaluation[has_evaluation], 2:]
        n = len(table)
        floats = format_floats(table[:, 1:].T)  # every float column at once, one after another
        columns = [list(map(str, table[:, 0].astype(np.int64).tolist()))]
        columns += [floats[j * n:(j + 1) * n] for j in range(table.shape[1] - 1)]
        self._file.write("\n".join(map(",".join, zip(*columns))) + "\n")


@contextmanager
def write_history_stream(file: IO[str], history: History, earlier: str | None = None):
    """Stream `history` into the open text `file` while the block runs (`stream_history` without the file)."""
    writer = HistoryWriter(file, history.n_layers, history.evaluations.flush)
    if earlier:
        header, *rows = earlier.splitlines(keepends=True)
        if header.rstrip("\r\n").split(",") != history_columns(history.n_layers):
            raise ConfigurationError("the earlier history has other columns (another network?)")
        file.write("".join(rows))
    history.spill_to(writer.take)
    try:
        yield writer
        history.flush()
        writer.finish()
    finally:
        history.spill_to(None)


@contextmanager
def stream_history(path, history: History, earlier: str | None = None):
    """Stream `history` to `path` while the block runs (the file appears complete at the end).

    earlier: the text of the history file of the run this one resumes; its rows come first, so
    the step numbering continues.
    """
    with atomic.atomic_open(path, "w") as f, write_history_stream(f, history, earlier) as writer:
        yield writer


def history_text(history: History) -> str:
    """The history as CSV text (header + one row per logged step it holds at full resolution)."""
    f = io.StringIO()
    writer = HistoryWriter(f, history.n_layers)
    writer.take("evaluations", history.evaluations.recent.rows())
    writer.take("iterations", history.iterations.recent.rows())
    writer.finish()
    return f.getvalue()


def save_history(path, history: History) -> None:
    """Write `history_text(history)` to `path`."""
    atomic.write_text(path, history_text(history))


def read_curve(path, column: str = "loss") -> tuple[np.ndarray, np.ndarray]:
    """(step, column) of the rows of a history file where that column is filled, as float64 arrays."""
    steps, values = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get(column):
                steps.append(float(row["step"]))
                values.append(float(row[column]))
    return np.array(steps), np.array(values)
