"""The status bar's permanent labels: epoch, iteration, loss, accuracy, speed and the worker's state."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel

LABELS = (("epoch", "Passes over the training set"), ("iteration", "Updates t so far"),
          ("loss", "Mini-batch loss of the last update"),
          ("accuracy", "Training-set accuracy at the last evaluation"),
          ("speed", "Training examples processed per second"),
          ("state", "What the training worker is doing"))


def build_labels(status_bar) -> dict[str, QLabel]:
    labels = {}
    for key, tip in LABELS:
        label = QLabel()
        label.setToolTip(tip)
        label.setMinimumWidth(90)
        label.setContentsMargins(6, 0, 6, 0)  # "loss 0.0153" and "accuracy 97 %" do not run together
        status_bar.addPermanentWidget(label)
        labels[key] = label
    return labels


def state_text(snap) -> str:
    """What the worker is doing, in words (the next phase while stepping through)."""
    if snap.stopped_kind == "diverged":
        return f"paused — diverged at iteration {snap.stopped_step + 1}"
    if snap.state == "running":
        return "running"
    if snap.mid_iteration:
        return f"paused — next: {snap.next_phase}"
    if snap.iteration == 0:
        return "ready — press Space to train"
    return "paused"


def show_status(labels: dict[str, QLabel], snap) -> None:
    labels["epoch"].setText(f"epoch {snap.epoch:.2f}")
    labels["iteration"].setText(f"iteration {snap.iteration:,}")
    if snap.edited_loss is not None:
        labels["loss"].setText(f"loss {snap.edited_loss:.4g} (edited weights, training set)")
    else:
        labels["loss"].setText(f"loss {snap.loss:.4g}" if math.isfinite(snap.loss) else "loss –")
    labels["accuracy"].setText(f"accuracy {100 * snap.accuracy:.1f} %" if math.isfinite(snap.accuracy) else "")
    labels["speed"].setText(f"{snap.samples_per_second:,.0f} samples/s" if snap.state == "running" else "")
    labels["state"].setText(state_text(snap))
