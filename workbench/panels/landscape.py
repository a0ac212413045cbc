"""The loss-landscape dock: L(θ + a e₁ + b e₂) around the current θ, the optimiser's path on it, the real
loss along that path, and a 1-D slice with its curvature; a click on the map moves θ there (undoable).

The numbers come from `LandscapeProbe` (workbench.panels.landscape_probe), time-sliced in the
worker; the controls (landscape_controls) choose the axes — two parameters w_ij^(k) / b_j^(k),
random filter-normalised, the top-2 Hessian eigenvectors or the trajectory's PCA — the span,
the resolution and the slice; the plots are in landscape_view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..view_box import ViewBox
from ..worker import commands as wc
from .base import LazyPanel, paint_scene, part, scrolled
from .landscape_controls import SLICE_LABELS, LandscapeControls, lecture_symbol
from .landscape_probe import LandscapePayload, LandscapeProbe, LandscapeRequest
from .landscape_view import PathStrip, PlaneMap, SliceCurve, level_values, second_derivative, small_plot

__all__ = ["LandscapePanel", "LandscapePayload", "LandscapeProbe", "LandscapeRequest", "LandscapeView", "level_values"]


class MapWidget(pg.PlotWidget):
    """The map's plot: it prefers 280 px of height and takes what is left over. (The dock's scroll area
    sizes the view by its preferred height for the width, as its captions wrap; a plot's own preference,
    ~500 px, would squeeze the map below its minimum and hide its axis under the strip.)"""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(420, 280)


class LandscapeView(QWidget):
    """Controls, the map, the strip of the path's real loss beside the slice, and what they show in words."""

    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        self.controls = LandscapeControls()
        self.combo = self.controls.combo
        self.plot_widget = MapWidget(viewBox=ViewBox())
        self.plot_widget.setMinimumHeight(260)
        self.plot_widget.setToolTip("Click to move θ to that point of the plane (undoable with Ctrl+Z)")
        self.plot = self.plot_widget.getPlotItem()
        self.map = PlaneMap(self.plot)
        self.lines = self.map.lines
        self.strip = PathStrip(small_plot(110, "iteration", "L", log_y=True))
        self.strip.widget.setToolTip("Orange: the real loss L(θᵢ) at each point of the path. Grey dashed: the loss "
                                     "on the plane under the projected point. Where they part, θᵢ lies off the plane: "
                                     "a projected path can seem to cross contours while the real loss falls")
        self.slice = SliceCurve(small_plot(110, "α", "L(θ + α v)"))
        self.slice.widget.setToolTip("The loss along one line through θ (blue) and the parabola with the same slope "
                                     "and curvature at α = 0 (dashed): its second derivative is vᵀHv")
        below = QHBoxLayout()
        below.addWidget(self.strip.widget, 1)
        below.addWidget(self.slice.widget, 1)
        self.caption = QLabel("Open while paused or training: L(θ + a e₁ + b e₂) around the current θ.")
        self.caption.setWordWrap(True)
        self.slice_caption = QLabel()
        self.slice_caption.setWordWrap(True)
        layout.addWidget(self.controls)
        layout.addWidget(self.plot_widget, 3)
        layout.addLayout(below, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.slice_caption)
        self.payload = None

    @property
    def labels(self) -> list:
        """The level lines' value labels now on the map."""
        return self.map.labels

    def show_payload(self, payload: LandscapePayload) -> None:
        if payload is self.payload:
            return
        self.show_plane(payload)
        self.show_details(payload)

    def show_plane(self, payload: LandscapePayload) -> None:
        """The map, its axes and caption (while training, one frame; `show_details` in the next)."""
        self.payload = payload
        norm = self.map.draw(payload.surface, payload.gradient, payload.path)
        self._axis_labels(payload)
        self.caption.setText(plane_text(payload, norm))

    def show_details(self, payload: LandscapePayload) -> None:
        """The path's real-loss strip and the slice under the map."""
        self.strip.draw(payload.path)
        self.slice.draw(payload.slice, payload.surface.centre_loss)
        self.slice_caption.setText(slice_text(payload))

    def _axis_labels(self, p: LandscapePayload) -> None:
        """What a and b move along: the two parameters' Δ, the principal components, the eigenvectors."""
        axes = p.axes
        if axes is not None and axes.names:
            bottom, left = (f"{label} = Δ{lecture_symbol(n)}  ({n})" for label, n in zip("ab", axes.names))
        elif axes is not None and axes.explained:
            bottom, left = (f"{label}: along PC{sub} ({share:.0%})" for label, sub, share in zip("ab", "₁₂", axes.explained))
        elif axes is not None and axes.kind == "hessian":
            bottom, left = "a: along v₁ (of λ_max)", "b: along v₂ (next largest λ)"
        else:
            bottom, left = "a: along e₁ (random)", "b: along e₂ (random)"
        self.plot.setLabel("bottom", bottom)
        self.plot.setLabel("left", left)


def plane_text(p: LandscapePayload, norm: float) -> str:
    """What the map shows, in words (short: the dock may be 460 px wide); the details are in the tooltips."""
    s = p.surface
    finite = s.loss[np.isfinite(s.loss)]  # a diverged run's plane may hold no finite loss at all
    lo, hi = (finite.min(), finite.max()) if finite.size else (np.nan, np.nan)
    text = (f"iteration {p.iteration}: L(θ) = {s.centre_loss:.4g}; on the plane {lo:.4g} … "
            f"{hi:.4g} (colour log₁₀ L, white: levels). Red: θ and the direction of −∇L on the plane "
            f"(‖·‖ = {norm:.3g}, length not to scale).")
    path = p.path
    if path is not None and len(path.iterations) > 1:
        text += (f" Orange: the path from ○ (iteration {path.iterations[0]}), {len(path.iterations)} points; strip: "
                 f"its real loss (orange), the plane's under it (grey dashed).")
    if p.axes is not None and p.axes.explained:
        first, second = p.axes.explained
        text += f" PC₁ explains {first:.1%}, PC₂ {second:.1%} of the path's variance."
    text += " Click the map: θ moves there (Ctrl+Z undoes)."
    return text + (f"\n{p.note}" if p.note else "")


def slice_text(p: LandscapePayload) -> str:
    """The slice's slope and curvature at α = 0, with the second-derivative test's reading."""
    cut = p.slice
    if cut is None:
        return ""
    second = second_derivative(cut)
    slope = cut.slope * float(np.linalg.norm(cut.direction))
    shape = "curves upward" if second > 0 else "curves downward" if second < 0 else "is flat to second order"
    along = SLICE_LABELS.get(p.request.slice_along, "")
    return (f"Slice {along}: dL/dα = {slope:.4g}, d²L/dα² = vᵀHv = {second:.4g} at α = 0 "
            f"(vᵀHv/‖v‖² = {cut.curvature:.4g}): L {shape} along v.")


class LandscapePanel(LazyPanel):
    """Docked as a tab beside the run controls: the left column's full height and width for the map
    (the right column's curve docks leave it a strip a few lines high)."""

    name, title, visible = "LandscapeDock", "Landscape", False
    frame_share = 2  # a plane is drawn over two frames (map, then strip and slice)
    area, tab_with = Qt.LeftDockWidgetArea, "RunControlsDock"
    view = part("view")

    def __init__(self, host):
        super().__init__(host)
        self.probe = LandscapeProbe()
        self._details: LandscapePayload | None = None  # a plane whose strip and slice are still to draw

    def build(self) -> QWidget:
        self._view = LandscapeView()
        self._view.controls.changed.connect(self._request_changed)
        self._view.plot.scene().sigMouseClicked.connect(self._clicked)
        self._follow_selection(self.host)
        return scrolled(self._view)

    def _follow_selection(self, host) -> None:
        """The weight (or a unit's bias) selected in the designer or the inspector, for the axes."""
        select = self.view.controls.select
        designer = host.panels.get("NetworkDesignerDock")
        if designer is not None:
            designer.view.weightSelected.connect(lambda k, i, j: select(f"W{k}[{i},{j}]"))
            designer.view.unitSelected.connect(lambda k, j: k >= 1 and select(f"b{k}[{j}]"))  # x_j has no bias
        inspector = host.panels.get("InspectorDock")
        if inspector is not None:
            inspector.inspector.selectionChanged.connect(lambda k, i, j: select(f"W{k}[{i},{j}]"))

    def _request_changed(self, request: LandscapeRequest) -> None:
        self.probe.ask(request)
        shown = not self.dock.isHidden() and self.view.isVisible()
        self.host.send(wc.WantProbe(self.probe.name, False))  # forget the last state: compute again
        self.host.send(wc.WantProbe(self.probe.name, not self.dock.isHidden(), shown))

    def set_run(self, run) -> None:
        trainer = run.trainer
        self.view.controls.set_network(trainer.network.sizes, trainer.x.shape[0])
        self.view.controls.select(None)
        self.probe.ask(self.view.controls.request)

    # -- moving θ ----------------------------------------------------------------------------
    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.double():
            return
        p, vb = self.view.payload, self.view.plot.vb
        if p is None or p.theta is None or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        s = p.surface
        a, b = point.x(), point.y()
        if s.a[0] <= a <= s.a[-1] and s.b[0] <= b <= s.b[-1]:
            self.move_to(a, b)

    def move_to(self, a: float, b: float) -> bool:
        """θ ← θ_c + a e₁ + b e₂ (θ_c: the shown plane's centre), undoable; training goes on if it ran."""
        p = self.view.payload
        if p is None or p.theta is None:
            return False
        controller = self.host.controller
        new = p.theta + a * p.surface.e1 + b * p.surface.e2
        was_running = controller.running()
        old = controller.read_parameters()  # pauses: the exact θ to go back to
        if old is None and self.host.last_snapshot is not None:
            old = self.host.last_snapshot.parameters
        if old is None or np.shape(old) != new.shape:
            self.host.status_message("The network changed since this plane was drawn: nothing moved")
            return False
        controller.edit_parameters(np.array(old, dtype=np.float64), new,
                                   f"move θ on the landscape to a = {a:.3g}, b = {b:.3g}")
        if was_running:
            self.host.send(wc.Start())
        self.host.status_message(f"θ moved to a = {a:.3g}, b = {b:.3g} on the plane; "
                                 + ("training goes on from there" if was_running else "Run trains from there")
                                 + " (Ctrl+Z goes back)")
        return True

    # -- frames ------------------------------------------------------------------------------
    def has_news(self, snapshot) -> bool:
        payload = snapshot.probes.get(self.probe.name)
        fresh = payload is not None and payload is not self.view.payload
        return (fresh or self._details is not None) and self.view.isVisible()

    def show(self, snapshot, paint: bool) -> bool:
        """Paused: everything at once. Training: a new plane's map in one frame, the strip and slice under
        it in the panel's next frame (each part ~20–30 ms: together they would hold the GUI ~50 ms)."""
        payload = snapshot.probes.get(self.probe.name)
        view = self.view
        if self._details is not None and paint and view.isVisible():  # first the rest of the plane drawn last
            view.show_details(self._details)
            self._details = None
            for widget in (view.strip.widget, view.slice.widget):
                paint_scene(widget.scene())
            return False
        if payload is not None and payload is not view.payload and (view.isVisible() or not self.host.isVisible()):
            if payload.plane_seconds > 0:  # the controls judge a new resolution by this plane's time
                view.controls.seconds_per_point = payload.plane_seconds / payload.surface.loss.size
            if paint:
                view.show_plane(payload)
                self._details = payload
                if view.isVisible():
                    paint_scene(view.plot_widget.scene())
                return False
            view.show_payload(payload)
            self._details = None
        elif self._details is not None and not paint:
            view.show_details(self._details)
            self._details = None
        return False
