"""The loss-landscape dock: L(θ + a e₁ + b e₂) as a heatmap with labelled level lines, the current
point θ at (0, 0) and the projected descent direction −∇L, from `LandscapeProbe`.

The probe is a generator (engine.analysis.landscape.landscape_steps): its first chunk copies θ
and the data from the trainer, the rest runs time-sliced between training bursts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from engine.analysis.contour import contour_segments
from engine.analysis.curvature import curvature_steps, eigen_directions
from engine.analysis.directions import filter_normalized, trajectory_pca
from engine.analysis.landscape import Landscape, landscape_steps, projected_gradient
from engine.analysis.training_loss import TrainingLoss
from engine.core.errors import ConfigurationError

from ..view_box import ViewBox
from ..worker import commands as wc
from .base import LazyPanel, paint_scene, part

#: direction choice → its label in the combo
DIRECTIONS = {"random": "random (filter-normalised)", "pca": "PCA of the trajectory", "hessian": "top-2 Hessian eigenvectors"}
RESOLUTION = 31
LEVELS = 8
TRAJECTORY = 50  # θ samples kept for the PCA directions


@dataclass(frozen=True)
class LandscapePayload:
    """One sampled plane around θ at `iteration`, the gradient's plane components, the directions used."""

    iteration: int
    surface: Landscape
    gradient: np.ndarray  # (2,): ∇L projected on (e1, e2)
    directions: str
    note: str  # why another choice fell back to random ("" otherwise)


class LandscapeProbe:
    """The plane around θ; at most once a second while training."""

    name = "landscape"
    interval = 1.0

    def __init__(self):
        self.directions = "random"  # set by the panel (GUI thread); read at the next compute
        self.resolution = RESOLUTION
        self.span = 1.0
        self.trajectory: list[np.ndarray] = []

    def compute(self, trainer, paused: bool):
        theta = np.array(trainer.network.parameters, dtype=np.float64)
        loss = TrainingLoss.of_trainer(trainer)
        iteration, choice = trainer.iteration, self.directions
        if not self.trajectory or self.trajectory[-1].shape != theta.shape:
            self.trajectory = []
        self.trajectory = [*self.trajectory[-(TRAJECTORY - 1):], theta]
        path = np.stack(self.trajectory)
        yield 0.0
        e1, e2, note = yield from self._directions(loss, theta, choice, path)
        surface = yield from landscape_steps(loss, theta, e1, e2, self.span, self.resolution)
        _, gradient = loss.gradient(theta)
        return LandscapePayload(iteration, surface, projected_gradient(e1, e2, gradient), choice, note)

    @staticmethod
    def _directions(loss: TrainingLoss, theta, choice: str, path):
        """(e1, e2, note): the chosen plane, or the random one with the reason it could not be had.
        Unit directions are scaled to ‖θ‖, the size of the filter-normalised ones."""
        scale = float(np.linalg.norm(theta)) or 1.0
        if choice == "pca":
            try:
                pcs = trajectory_pca(path, 2).directions
                return pcs[0] * scale, pcs[1] * scale, ""
            except ConfigurationError as error:
                note = f"PCA: {error}; showing random directions"
        elif choice == "hessian":
            report = yield from curvature_steps(loss, theta, top=2)
            e1, e2 = eigen_directions(report, "largest")
            return e1 * scale, e2 * scale, ""
        else:
            note = ""
        return filter_normalized(loss.layout, theta, seed=0), filter_normalized(loss.layout, theta, seed=1), note


def level_values(loss: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """`count` levels evenly between the surface's extremes (quantiles: the low valley gets lines too)."""
    finite = loss[np.isfinite(loss)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0.05, 0.95, count)))


class LandscapeView(QWidget):
    """The heatmap, level lines with their values, θ and the −∇L arrow; a direction combo."""

    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        self.combo = QComboBox()
        for key, label in DIRECTIONS.items():
            self.combo.addItem(label, key)
        self.combo.setToolTip("The plane's directions e₁, e₂ through the current θ")
        self.plot_widget = pg.PlotWidget(viewBox=ViewBox())
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "a (along e₁)")
        self.plot.setLabel("left", "b (along e₂)")
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.plot.addItem(self.image)
        self.lines = pg.PlotDataItem(pen=pg.mkPen("w", width=1), connect="pairs")
        self.plot.addItem(self.lines)
        self.labels: list[pg.TextItem] = []
        self.arrow = pg.PlotDataItem(pen=pg.mkPen("r", width=2))
        self.head = pg.ArrowItem(brush="r", pen=None, headLen=12)
        self.point = pg.ScatterPlotItem(size=10, brush="r", pen="w")
        for item in (self.arrow, self.head, self.point):
            self.plot.addItem(item)
        self.caption = QLabel("Open while paused or training: L(θ + a e₁ + b e₂) around the current θ.")
        self.caption.setWordWrap(True)
        layout.addWidget(self.combo)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.caption)
        self.payload = None

    def show_payload(self, payload: LandscapePayload) -> None:
        if payload is self.payload:
            return
        self.payload = payload
        s = payload.surface
        with np.errstate(all="ignore"):
            shown = np.log10(np.maximum(s.loss, 1e-12))
        self.image.setImage(shown, autoLevels=True)
        step = (s.a[1] - s.a[0])
        self.image.setRect(s.a[0] - step / 2, s.b[0] - step / 2, s.a[-1] - s.a[0] + step, s.b[-1] - s.b[0] + step)
        self._levels(s)
        g = -payload.gradient
        norm = float(np.hypot(*g))
        tip = g / norm * 0.4 * s.a[-1] if norm > 0 else np.zeros(2)
        self.arrow.setData([0.0, tip[0]], [0.0, tip[1]])
        self.head.setPos(*tip)
        self.head.setStyle(angle=180 - np.degrees(np.arctan2(tip[1], tip[0])))
        self.point.setData([0.0], [0.0])
        text = (f"iteration {payload.iteration}: L(θ) = {s.centre_loss:.4g}, "
                f"range {np.nanmin(s.loss):.4g} … {np.nanmax(s.loss):.4g} (colour: log₁₀ L); red: θ and the direction of "
                f"−∇L projected on the plane (‖·‖ = {norm:.3g}; length not to scale)")
        self.caption.setText(text + (f"\n{payload.note}" if payload.note else ""))

    def _levels(self, s: Landscape) -> None:
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        pieces = []
        Z = s.loss.T  # Z[r, c] at (a[c], b[r])
        for n, level in enumerate(level_values(s.loss)):
            seg = contour_segments(Z, level, s.a, s.b)
            if len(seg):
                pieces.append(seg)
                label = pg.TextItem(f"{level:.3g}", color="w", anchor=(0.5, 0.5))
                label.setPos(*seg[int(len(seg) * ((0.5 + 0.29 * n) % 1.0))])  # staggered: labels do not pile up
                self.plot.addItem(label)
                self.labels.append(label)
        points = np.concatenate(pieces) if pieces else np.empty((0, 2))
        self.lines.setData(points[:, 0], points[:, 1])


class LandscapePanel(LazyPanel):
    """Hidden until View ▸ Loss landscape: built when first shown."""

    name, title, visible = "LandscapeDock", "Loss landscape", False
    view = part("view")

    def __init__(self, host):
        super().__init__(host)
        self.probe = LandscapeProbe()

    def build(self) -> QWidget:
        self._view = LandscapeView()
        self._view.combo.currentIndexChanged.connect(self._directions_changed)
        return self._view

    def _directions_changed(self) -> None:
        self.probe.directions = self.view.combo.currentData()
        shown = not self.dock.isHidden() and self.view.isVisible()
        self.host.send(wc.WantProbe(self.probe.name, False))  # forget the last state: compute again
        self.host.send(wc.WantProbe(self.probe.name, not self.dock.isHidden(), shown))

    def set_run(self, run) -> None:
        self.probe.trajectory = []

    def has_news(self, snapshot) -> bool:
        payload = snapshot.probes.get(self.probe.name)
        return payload is not None and payload is not self.view.payload and self.view.isVisible()

    def show(self, snapshot, paint: bool) -> bool:
        payload = snapshot.probes.get(self.probe.name)
        if payload is not None and (self.view.isVisible() or not self.host.isVisible()):
            self.view.show_payload(payload)
        if paint and self.view.isVisible():
            paint_scene(self.view.plot_widget.scene())
        return False
