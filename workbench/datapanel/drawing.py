"""Drawing points: a `PointSet` model shared by every `PointDrawingTool` attached to a PlotItem.

Mouse (while drawing is active):
    click                       add a point of the chosen class (regression: input x, target y)
    right-click or Shift+click  add a point of the next class
    Alt+drag (or eraser mode)   erase the points under the cursor
Plain dragging still pans the view; the wheel still zooms.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal, Slot

from engine.data.dataset import Dataset
from workbench.palette import CLASS_COLOURS, class_colour

MODES = ("classes", "regression")
MAX_CLASSES = len(CLASS_COLOURS)
ERASE_RADIUS_PX = 12
CLICK_SLOP_PX = 4


class PointSet(QObject):
    """The drawn points: (x1, x2, class) for classification, (x, y) for regression (raw view units)."""

    changed = Signal()
    currentClassChanged = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = "classes"
        self.n_classes = 2
        self.current_class = 0
        self._xy = np.empty((0, 2))
        self._labels = np.empty(0, dtype=np.int64)

    # -- state -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._xy)

    @property
    def xy(self) -> np.ndarray:
        return self._xy.copy()

    @property
    def labels(self) -> np.ndarray:
        return self._labels.copy()

    def class_names(self) -> tuple[str, ...]:
        used = int(self._labels.max()) + 1 if len(self._labels) else 0
        return tuple(str(k) for k in range(max(2, used)))

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if mode != self.mode:
            self.mode = mode
            self.clear()

    def set_n_classes(self, k: int) -> None:
        k = int(min(max(k, 2), MAX_CLASSES))
        self.n_classes = k
        keep = self._labels < k
        if not keep.all():
            self._xy, self._labels = self._xy[keep], self._labels[keep]
            self.changed.emit()
        if self.current_class >= k:
            self.set_current_class(0)

    def set_current_class(self, k: int) -> None:
        k = int(k) % self.n_classes
        if k != self.current_class:
            self.current_class = k
            self.currentClassChanged.emit(k)

    # -- edits -----------------------------------------------------------------------------
    def add(self, x: float, y: float, label: int | None = None) -> None:
        label = self.current_class if label is None else int(label) % self.n_classes
        self._xy = np.vstack([self._xy, [[float(x), float(y)]]])
        self._labels = np.append(self._labels, label if self.mode == "classes" else 0)
        self.changed.emit()

    def erase_near(self, x: float, y: float, rx: float, ry: float) -> int:
        """Remove the points inside the ellipse of half-axes (rx, ry) around (x, y); returns how many."""
        if not len(self._xy) or rx <= 0 or ry <= 0:
            return 0
        d = ((self._xy[:, 0] - x) / rx) ** 2 + ((self._xy[:, 1] - y) / ry) ** 2
        keep = d > 1.0
        removed = int((~keep).sum())
        if removed:
            self._xy, self._labels = self._xy[keep], self._labels[keep]
            self.changed.emit()
        return removed

    def clear(self) -> None:
        self._xy = np.empty((0, 2))
        self._labels = np.empty(0, dtype=np.int64)
        self.changed.emit()

    def load(self, X, labels=None, targets=None) -> None:
        """Replace the points (e.g. from an experiment's "points" section)."""
        X = np.asarray(X, dtype=np.float64)
        if labels is not None:
            self.mode = "classes"
            self._xy = X[:, :2].copy()
            self._labels = np.asarray(labels, dtype=np.int64).copy()
            if len(self._labels):
                self.n_classes = int(min(max(self.n_classes, self._labels.max() + 1), MAX_CLASSES))
        else:
            self.mode = "regression"
            t = np.asarray(targets, dtype=np.float64).reshape(-1)
            self._xy = np.column_stack([X[:, 0], t])
            self._labels = np.zeros(len(t), dtype=np.int64)
        self.changed.emit()

    # -- as data ---------------------------------------------------------------------------
    def ready(self) -> str:
        """"" when the points make a dataset, else what is missing."""
        if len(self._xy) < 2:
            return "draw at least two points"
        return ""

    def to_dataset(self) -> Dataset:
        if self.mode == "classes":
            return Dataset(self._xy.copy(), labels=self._labels.copy(), class_names=self.class_names(),
                           name="drawn points")
        return Dataset(self._xy[:, :1].copy(), targets=self._xy[:, 1:].copy(), name="drawn points")

    def section_points(self) -> dict:
        """Arguments of choice.points_section."""
        if self.mode == "classes":
            return dict(X=self._xy, labels=self._labels, classes=self.class_names())
        return dict(X=self._xy[:, :1], targets=self._xy[:, 1])


class PointDrawingTool(QObject):
    """Adds drawing to any pyqtgraph PlotItem (the panel's preview or the main window's decision view).

    The tool shows the panel's drawn points on `plot_item` and, while active (the panel's Draw page is
    open, or `set_active(True)`), turns clicks into points. Coordinates are the plot's data (raw) units.
    """

    def __init__(self, plot_item: pg.PlotItem, panel=None, points: PointSet | None = None):
        super().__init__(plot_item)
        self.plot_item = plot_item
        self.view_box = plot_item.getViewBox()
        self.points = points if points is not None else panel.points
        self.eraser = False
        self._active = False
        self._erasing = False
        self._press = None  # (screen pos, button, modifiers)
        self._menu_was_enabled = self.view_box.menuEnabled()
        self.scatter = pg.ScatterPlotItem(size=11, pxMode=True)
        self.scatter.setZValue(50)
        plot_item.addItem(self.scatter)
        self.points.changed.connect(self._redraw)
        self._scene = plot_item.scene()
        if self._scene is not None:
            self._scene.installEventFilter(self)
        if panel is not None:
            panel.register_tool(self)
        self._redraw()

    # -- public ----------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """While active, clicks on the plot add/erase points (and the view's context menu is off)."""
        active = bool(active)
        if active == self._active:
            return
        self._active = active
        if active:
            self._menu_was_enabled = self.view_box.menuEnabled()
            self.view_box.setMenuEnabled(False)
        else:
            self.view_box.setMenuEnabled(self._menu_was_enabled)
            self._erasing = False
        self.scatter.setVisible(active or len(self.points) > 0)

    def is_active(self) -> bool:
        return self._active

    def set_eraser(self, on: bool) -> None:
        self.eraser = bool(on)

    def detach(self) -> None:
        """Remove the overlay and the mouse handling from the plot."""
        self.set_active(False)
        if self._scene is not None:
            self._scene.removeEventFilter(self)
            self._scene = None
        try:
            self.points.changed.disconnect(self._redraw)
        except (RuntimeError, TypeError):
            pass
        self.plot_item.removeItem(self.scatter)

    def refresh(self) -> None:
        """Put the overlay back after the host cleared its plot (PlotItem.clear() removes every item)."""
        if self.scatter not in self.plot_item.items:
            self.plot_item.addItem(self.scatter)
        self._redraw()

    def view_to_scene(self, x: float, y: float) -> QPointF:
        return self.view_box.mapViewToScene(QPointF(x, y))

    # -- drawing ---------------------------------------------------------------------------
    @Slot()
    def _redraw(self) -> None:
        if self.scatter not in self.plot_item.items:  # the host cleared its plot since
            self.plot_item.addItem(self.scatter)
        xy, labels = self.points.xy, self.points.labels
        if self.points.mode == "classes":
            brushes = [pg.mkBrush(class_colour(k)) for k in labels]
            self.scatter.setData(xy[:, 0], xy[:, 1], symbol="o", brush=brushes, pen=pg.mkPen("#000", width=1))
        else:
            self.scatter.setData(xy[:, 0], xy[:, 1], symbol="d", brush=pg.mkBrush(class_colour(5)),
                                 pen=pg.mkPen("#000", width=1))
        self.scatter.setVisible(self._active or len(xy) > 0)

    # -- mouse -----------------------------------------------------------------------------
    def _inside(self, scene_pos) -> bool:
        return self.view_box.sceneBoundingRect().contains(scene_pos)

    def _erase_at(self, scene_pos) -> None:
        p = self.view_box.mapSceneToView(scene_pos)
        px, py = self.view_box.viewPixelSize()
        self.points.erase_near(p.x(), p.y(), ERASE_RADIUS_PX * px, ERASE_RADIUS_PX * py)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if not self._active:
            return False
        try:
            kind = event.type()
            if kind == QEvent.GraphicsSceneMousePress:
                if not self._inside(event.scenePos()):
                    return False
                alt = bool(event.modifiers() & Qt.AltModifier)
                if event.button() == Qt.LeftButton and (alt or self.eraser):
                    self._erasing = True
                    self._erase_at(event.scenePos())
                    event.accept()
                    return True
                if event.button() in (Qt.LeftButton, Qt.RightButton):
                    self._press = (event.screenPos(), event.button(), event.modifiers(), event.scenePos())
                return False
            if kind == QEvent.GraphicsSceneMouseMove:
                if self._erasing:
                    self._erase_at(event.scenePos())
                    event.accept()
                    return True
                return False
            if kind == QEvent.GraphicsSceneMouseRelease:
                if self._erasing:
                    self._erasing = False
                    event.accept()
                    return True
                press, self._press = self._press, None
                if press is None or event.button() != press[1]:
                    return False
                moved = event.screenPos() - press[0]
                if abs(moved.x()) + abs(moved.y()) > CLICK_SLOP_PX:
                    return False  # that was a pan / zoom drag
                self._click(event.scenePos(), press[1], press[2])
                return False  # let pyqtgraph finish its own press/release bookkeeping
        except RuntimeError:  # the plot was deleted under us
            return False
        return False

    def _click(self, scene_pos, button, modifiers) -> None:
        p = self.view_box.mapSceneToView(scene_pos)
        label = None
        if button == Qt.RightButton or modifiers & Qt.ShiftModifier:
            label = (self.points.current_class + 1) % self.points.n_classes
        self.points.add(p.x(), p.y(), label)
