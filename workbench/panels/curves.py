"""The curve panels: loss, accuracy and per-layer gradient norms over the run's history."""

from __future__ import annotations

from ..plots.curves import AccuracyView, GradientNormView, LossView
from .base import BasePanel, paint_scene


class CurvePanel(BasePanel):
    """One curve view over the window's `History` (which takes every snapshot's new rows)."""

    view_class = LossView
    plot_name = "loss"

    def __init__(self, host):
        self.host = host
        self.view = self.widget = self.view_class(host.history)

    def show(self, snapshot, paint: bool) -> bool:
        if self.view.isVisible() or not self.host.isVisible():
            self.view.refresh()
        if paint and self.view.isVisible():
            paint_scene(self.view.plot_widget.scene())
        return False

    def plots(self) -> dict:
        return {self.plot_name: self.view}


class LossPanel(CurvePanel):
    name, title, frame_share = "LossDock", "Loss", 2


class AccuracyPanel(CurvePanel):
    name, title = "AccuracyDock", "Accuracy"
    view_class, plot_name = AccuracyView, "accuracy"

    def set_run(self, run) -> None:
        self.view.setEnabled(run.data.problem != "regression")

    def has_news(self, snapshot) -> bool:
        return self.view.has_news()


class GradientNormPanel(CurvePanel):
    name, title = "GradientNormDock", "Gradient norms ‖∂Div/∂W⁽ᵏ⁾‖"
    view_class, plot_name = GradientNormView, "gradient-norms"
