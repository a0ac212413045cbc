"""History files (.csv): one row per logged iteration t, written while training if asked.

Columns: step, epoch, loss, learning_rate and grad_norm_W1..grad_norm_WN (‖∂Div/∂W^(k)‖); the
evaluation columns train_loss, train_accuracy, test_loss, test_accuracy,
weight_norm_W1..weight_norm_WN are filled on the rows of the steps where an evaluation was
recorded (empty otherwise, and where NaN). An evaluation at a step with no iteration row
(e.g. step 0) gets a row of its own. Written atomically.

`stream_history` writes the rows as the history spills them (before they fold into its
bounded envelopes), so a run of any length is written at full resolution in bounded memory;
`save_history` writes the rows a history still holds at full resolution.
"""

from __future__ import annotations

import csv
import math
from collections import deque
from contextlib import contextmanager

import numpy as np

from engine.core.errors import ConfigurationError
from engine.io import atomic
from engine.training.history import History, evaluation_columns, iteration_columns


def history_columns(n_layers: int) -> list[str]:
    """The CSV header for a network with N = n_layers layers."""
    return list(iteration_columns(n_layers)) + list(evaluation_columns(n_layers)[2:])


def _cell(value) -> str:
    value = float(value)
    return "" if math.isnan(value) else repr(value)


class HistoryWriter:
    """Merges spilled iteration and evaluation rows by step into CSV rows, in step order."""

    def __init__(self, file, n_layers: int, before_iterations=None):
        self._before_iterations = before_iterations or (lambda: None)
        self._writer = csv.writer(file, lineterminator="\n")
        self._writer.writerow(history_columns(n_layers))
        self._pending: deque = deque()  # (step, epoch, evaluation cells) not written yet
        n = n_layers
        self._blank_iteration, self._blank_evaluation = [""] * (2 + n), [""] * (4 + n)

    def take(self, kind: str, rows: np.ndarray) -> None:
        """Rows spilled by the history (kind "iterations" or "evaluations")."""
        if kind == "evaluations":
            for r in rows.tolist():
                self._pending.append((int(r[0]), r[1], [_cell(v) for v in r[2:]]))
            return
        self._before_iterations()  # evaluations up to these steps are recorded: take them first
        out, pending = [], self._pending
        for r in rows.tolist():
            step = int(r[0])
            while pending and pending[0][0] < step:
                out.append(self._evaluation_row(*pending.popleft()))
            cells = pending.popleft()[2] if pending and pending[0][0] == step else self._blank_evaluation
            out.append([str(step)] + [_cell(v) for v in r[1:]] + cells)
        self._writer.writerows(out)

    def _evaluation_row(self, step, epoch, cells) -> list[str]:
        return [str(step), _cell(epoch)] + self._blank_iteration + cells

    def finish(self) -> None:
        """Write the evaluations after the last iteration."""
        self._writer.writerows(self._evaluation_row(*p) for p in self._pending)
        self._pending.clear()


@contextmanager
def stream_history(path, history: History, earlier: str | None = None):
    """Stream `history` to `path` while the block runs (the file appears complete at the end).

    earlier: the text of the history file of the run this one resumes; its rows come first, so
    the step numbering continues.
    """
    with atomic.atomic_open(path, "w") as f:
        writer = HistoryWriter(f, history.n_layers, history.evaluations.flush)
        if earlier:
            header, *rows = earlier.splitlines(keepends=True)
            if header.rstrip("\r\n").split(",") != history_columns(history.n_layers):
                raise ConfigurationError("the earlier history has other columns (another network?)")
            f.write("".join(rows))
        history.spill_to(writer.take)
        try:
            yield writer
            history.flush()
            writer.finish()
        finally:
            history.spill_to(None)


def save_history(path, history: History) -> None:
    """Write the history as CSV (header + one row per logged step it holds at full resolution)."""
    with atomic.atomic_open(path, "w") as f:
        writer = HistoryWriter(f, history.n_layers)
        writer.take("evaluations", history.evaluations.recent.rows())
        writer.take("iterations", history.iterations.recent.rows())
        writer.finish()


def read_curve(path, column: str = "loss") -> tuple[np.ndarray, np.ndarray]:
    """(step, column) of the rows of a history file where that column is filled, as float64 arrays."""
    steps, values = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get(column):
                steps.append(float(row["step"]))
                values.append(float(row[column]))
    return np.array(steps), np.array(values)
