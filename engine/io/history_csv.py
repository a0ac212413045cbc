"""History files (.csv): one row per logged iteration t.

Columns: step, epoch, loss, learning_rate and grad_norm_W1..grad_norm_WN (‖∂Div/∂W^(k)‖); the
evaluation columns train_loss, train_accuracy, test_loss, test_accuracy,
weight_norm_W1..weight_norm_WN are filled on the rows of the steps where an evaluation was
recorded (empty otherwise, and where NaN). An evaluation at a step with no iteration row
(e.g. step 0) gets a row of its own. Written atomically.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from engine.io import atomic
from engine.training.history import History


def history_columns(n_layers: int) -> list[str]:
    """The CSV header for a network with N = n_layers layers."""
    N = range(1, n_layers + 1)
    return (["step", "epoch", "loss", "learning_rate"] + [f"grad_norm_W{k}" for k in N]
            + ["train_loss", "train_accuracy", "test_loss", "test_accuracy"] + [f"weight_norm_W{k}" for k in N])


def _cell(value) -> str:
    value = float(value)
    return "" if math.isnan(value) else repr(value)


def history_rows(history: History) -> list[list[str]]:
    """The CSV rows (as strings), ordered by step."""
    N = history.n_layers
    rows: dict[int, list[str]] = {}
    grads = history.gradient_norms
    for i, step in enumerate(history.step):
        rows[int(step)] = ([str(int(step)), _cell(history.epoch[i]), _cell(history.loss[i]),
                            _cell(history.learning_rate[i])] + [_cell(g) for g in grads[i]] + [""] * (4 + N))
    norms = history.evaluation("weight_norms").reshape(-1, N)
    for i, step in enumerate(history.evaluation("step")):
        row = rows.get(int(step))
        if row is None:  # an evaluation with no iteration at that step (e.g. before training)
            row = rows[int(step)] = [str(int(step)), _cell(history.evaluation("epoch")[i])] + [""] * (2 + N + 4 + N)
        row[4 + N:] = ([_cell(history.evaluation(name)[i])
                        for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")]
                       + [_cell(w) for w in norms[i]])
    return [rows[s] for s in sorted(rows)]


def save_history(path, history: History) -> None:
    """Write the history as CSV (header + one row per logged step)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(history_columns(history.n_layers))
    writer.writerows(history_rows(history))
    atomic.write_text(path, buffer.getvalue())


def read_curve(path, column: str = "loss") -> tuple[np.ndarray, np.ndarray]:
    """(step, column) of the rows of a history file where that column is filled, as float64 arrays."""
    steps, values = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get(column):
                steps.append(float(row["step"]))
                values.append(float(row[column]))
    return np.array(steps), np.array(values)
