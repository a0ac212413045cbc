"""The network drawn as columns of units, editable by point-and-click, with live weights.

Column c = 0..N holds the units of layer c (c = 0: the inputs x). Edge (k, i, j) is the
weight w_ij^(k) from unit i of column k−1 to unit j of column k; its colour is the sign of
w (blue #2166ac > 0, orange #b35806 < 0: a colour-blind-safe diverging pair), its width
and opacity grow with |w| / max|w| of its layer. A unit's fill shows its bias b_j^(k) on
the same colour scale.

Few graphics items: the edges of the whole network are sorted into 2 signs × LEVELS
magnitude bins and each bin is one QGraphicsPathItem (built with pyqtgraph's
arrayToQPath, connect='pairs'); a layer with more than MAX_SHOWN units shows a sample
(the first HEAD and the last TAIL units) with a "… 240 more" label, and the edges it
hides are drawn as one grey band. Hit tests (click, hover) are vectorised over the drawn
edges, not done by items.

Indices in signals are the engine's: layer k = 1..N (0 = inputs), units i, j from 0.
Text on screen numbers units from 1 as the lecture does.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMenu,
    QToolTip,
)

from engine.core.network import Network
from engine.data.features import FEATURES

from .actions import EditingActions
from .deferred import BuiltWhenNeeded
from .edges import EdgeGeometry
from .feature_column import ON, add_feature_items, editor_slots, ghost_at
from .headers import build_headers
from .items import (
    ALPHAS,
    BIAS_LEVELS,
    HEAD,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MAX_MAP_RADIUS,
    MAX_RADIUS,
    MAX_SHOWN,
    NEGATIVE,
    POSITIVE,
    SELECTION,
    Button,
    EdgeLayer,
    add_bands,
    edge_paths,
    font_scale,
    mix,
    scaled_font,
    set_font_scale,
    shown_units,
    sub,
)
from .maps import UnitMapItems, UnitMapsMixin, scale_text
from .model import NetworkEditor
from .tooltips import edge_tooltip, unit_tooltip

__all__ = ["NetworkView", "set_font_scale"]


class NetworkView(BuiltWhenNeeded, EditingActions, UnitMapsMixin, QGraphicsView):
    """Draws `editor.network`; header controls and keys edit it through the editor.

    Signals: weightSelected(k, i, j), unitSelected(k, j) (k = 0: input x_j), layerSelected(c).
    """

    weightSelected = Signal(int, int, int)
    unitMapRequested = Signal(int, int)
    mapsChanged = Signal()
    unitSelected = Signal(int, int)
    layerSelected = Signal(int)

    @staticmethod
    def _margin_bottom() -> float:
        return MARGIN_BOTTOM + 14 * (font_scale() - 1.0)

    def __init__(self, editor: NetworkEditor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.MinimalViewportUpdate)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setMinimumSize(320, 220)
        self.network: Network = editor.network
        self.parameters = editor.network.parameters
        self.gradient: np.ndarray | None = None
        self.trace = None
        self.sample = 0
        self.maps_wanted = True        # the user's toggle (View ▸ Unit maps)
        self.maps_available = False    # the data has 2 inputs (the panel says so)
        self.unit_maps = None          # the latest probe payload
        self.map_items: UnitMapItems | None = None
        self.selected_layer: int | None = None
        self.selection: tuple | None = None     # ("weight", k, i, j) or ("unit", k, j)
        self.open_menu: QMenu | None = None
        self.make_actions()
        self._bias_brushes = [QBrush(mix(NEGATIVE if s < 0 else POSITIVE, abs(s) / BIAS_LEVELS))
                              for s in range(-BIAS_LEVELS, BIAS_LEVELS + 1)]
        # groups: (dense layer?, sign, |w| bin); edges of a bundled layer are single strands
        # opaque colours pre-blended with the white background: antialiased translucent
        # lines cost twice as much to paint in Qt's raster engine (3 ms vs 6 ms a frame)
        self._edge_pens = [QPen(mix(c, a / 255), 1.0, Qt.SolidLine, Qt.FlatCap)
                           for _ in range(2) for c in (POSITIVE, NEGATIVE) for a in ALPHAS]
        editor.networkChanged.connect(self._on_network)
        self.rebuild()

    # -- selection -------------------------------------------------------------------------
    def select_layer(self, c: int | None, emit: bool = True) -> None:
        self.selected_layer = c
        for col, header in enumerate(self._headers):
            bold = col == c
            header["frame"].setPen(QPen(SELECTION if bold else QColor(0, 0, 0, 0), 1.2))
        if c is not None and emit:
            self.layerSelected.emit(c)

    def select_weight(self, k: int, i: int, j: int, emit: bool = True) -> None:
        self.selection = ("weight", k, i, j)
        self._draw_selection()
        if emit:
            self.weightSelected.emit(k, i, j)

    def select_unit(self, k: int, j: int, emit: bool = True) -> None:
        self.selection = ("unit", k, j)
        self.select_layer(k)
        self._draw_selection()
        if emit:
            self.unitSelected.emit(k, j)

    def clear_selection(self) -> None:
        self.selection = None
        self._draw_selection()

    def _draw_selection(self) -> None:
        path = QPainterPath()
        s = self.selection
        if s and s[0] == "weight":
            a, b = self.unit_pos(s[1] - 1, s[2]), self.unit_pos(s[1], s[3])
            if a is not None and b is not None:
                for o in (-1.2, -0.4, 0.4, 1.2):  # 1-px strands: see STRANDS
                    path.moveTo(a + QPointF(self._radius, o))
                    path.lineTo(b + QPointF(-self._radius, o))
        elif s and s[0] == "unit":
            p = self.unit_pos(s[1], s[2])
            if p is not None:
                for r in (self._radius + 2.5, self._radius + 3.3, self._radius + 4.1):
                    path.addEllipse(p, r, r)
        self._selection_item.setPath(path)

    # -- geometry --------------------------------------------------------------------------
    def column_x(self, c: int) -> float:
        return self._xs[c]

    def unit_pos(self, c: int, j: int) -> QPointF | None:
        """Scene (= viewport) position of unit j of column c, or None if it is not drawn."""
        if not 0 <= c < len(self._cols):
            return None
        units, ys = self._cols[c]
        where = np.flatnonzero(units == j)
        return QPointF(self._xs[c], ys[where[0]]) if where.size else None

    def edge_point(self, k: int, i: int, j: int, t: float = 0.5) -> QPointF | None:
        """Scene (= viewport) point a fraction t along the drawn edge w_ij^(k), or None if it is not drawn."""
        a, b = self.unit_pos(k - 1, i), self.unit_pos(k, j)
        if a is None or b is None:
            return None
        a, b = a + QPointF(self._radius, 0), b - QPointF(self._radius, 0)  # edges run rim to rim
        return a + (b - a) * t

    def edge_midpoint(self, k: int, i: int, j: int) -> QPointF | None:
        """Scene (= viewport) position of the middle of edge w_ij^(k), or None if it is not drawn."""
        return self.edge_point(k, i, j, 0.5)

    def header_button(self, c: int, name: str) -> Button:
        """Header control of column c: 'more', 'fewer', 'before', 'after', 'remove', 'activation'."""
        return self._headers[c][name]

    def _margins(self, font: QFont) -> tuple[float, float]:
        """Left / right margins: room for the input and output names (elided), never more than MARGIN_*."""
        metrics = QFontMetricsF(font)

        def need(names, cap):
            widest = max((metrics.horizontalAdvance(str(n)) for n in names), default=0.0)
            return float(np.clip(widest + MAX_RADIUS + 14, 48.0, cap))
        toggles = [f"{ON} {FEATURES[n].label}  " for n in self.editor.available_features]  # + the button's padding
        return (need(list(self.editor.feature_names) + toggles, MARGIN_LEFT),
                need(self.editor.output_names, MARGIN_RIGHT))


    def _layout(self) -> None:
        """Columns' x, the headers (they may wrap), then the units below them."""
        net = self.network
        w, h = max(self.viewport().width(), 320), max(self.viewport().height(), 200)
        self.scene().setSceneRect(0, 0, w, h)
        self.margin_left, self.margin_right = self._margins(scaled_font(8.5))
        span = w - self.margin_left - self.margin_right
        self._xs = [self.margin_left + span * c / net.N for c in range(net.N + 1)]
        self._headers, header_bottom = build_headers(self, self._xs, w)
        bundled = any(n > MAX_SHOWN for n in net.sizes)
        bottom = h - (self._margin_bottom() if bundled else 8 + 4 * font_scale())  # the bands' labels need room
        self._input_slots = editor_slots(self.editor, self.network)
        top = header_bottom + 4  # the first unit's centre is half a spacing lower: below the headers
        for compact in (False, True):
            slots_max = max([len(shown_units(n)) + (n > MAX_SHOWN) for n in net.sizes]
                            + [len(self._input_slots or ())])
            spacing = min(46.0, (bottom - top) / max(slots_max, 1))
            if compact or not self._input_slots or spacing >= QFontMetricsF(scaled_font(8.5)).height() + 2:
                break
            # no room for a line per unused feature: only the inputs in use (the header's menu has them all)
            self._input_slots = [slot for slot in self._input_slots if slot[0] != "off"]
        if self.maps_active:  # a map needs room: larger units
            self._radius = float(np.clip(spacing * 0.44, 4.0, MAX_MAP_RADIUS))
        else:
            self._radius = float(np.clip(spacing * 0.34, 4.0, MAX_RADIUS))
        self._cols = []  # (shown unit indices, their y)
        self._ellipsis_y = []
        line = QFontMetricsF(scaled_font(8.5)).height() + 2
        for c, n in enumerate(net.sizes):
            count = len(self._input_slots) if c == 0 and self._input_slots else len(shown_units(n)) + (n > MAX_SHOWN)
            step = spacing
            if c in (0, net.N) and spacing < line:  # labelled columns: a line per label if the column has room
                step = max(spacing, min(line, (bottom - top) / max(count, 1)))
            if c == 0 and self._input_slots:  # every slot of the input column, used or not
                y0 = (top + bottom) / 2 - step * (count - 1) / 2
                self._slot_ys = y0 + step * np.arange(count)
                used = np.array([s[0] != "off" for s in self._input_slots])
                self._cols.append((np.array([s[1] for s in self._input_slots if s[0] != "off"]), self._slot_ys[used]))
                self._ellipsis_y.append(None)
                continue
            units = shown_units(n)
            slots = np.arange(len(units), dtype=float)
            if n > MAX_SHOWN:
                slots[HEAD:] += 1  # a slot for the "… more" label
            y0 = (top + bottom) / 2 - step * (count - 1) / 2
            self._cols.append((units, y0 + step * slots))
            self._ellipsis_y.append(y0 + step * HEAD if n > MAX_SHOWN else None)
        self.edges = EdgeGeometry(net, self._cols, self._xs, self._radius)
        self._bias_idx = np.concatenate([net.layout.offsets()[2 * k - 1] + self._cols[k][0] for k in range(1, net.N + 1)])
        self._b = np.empty(self._bias_idx.size, net.dtype)
        self._bias_level = np.full(self._bias_idx.size, -1, dtype=np.intp)

    # -- building the scene ----------------------------------------------------------------
    def _on_network(self, network: Network) -> None:
        old = self.network
        self.network = network
        if self.selected_layer is not None and self.selected_layer > network.N:
            self.selected_layer = network.N
        if old.sizes != network.sizes:
            self.selection = None
            self.gradient = None
            self.trace = None
        self.parameters = network.parameters  # the edited network's weights until the next frame
        if not self._deferred and self._scene_key() == self._built_for:  # same drawing, other weights (new seed, Reset, a note)
            self._draw_state()
        else:
            self.rebuild()
        self.mapsChanged.emit()  # a layer may have grown past MAX_MAP_UNITS

    def _scene_key(self) -> tuple:
        """Everything the scene's items are laid out and labelled from, weights aside."""
        net, editor = self.network, self.editor
        return (net.sizes, net.dtype, tuple(net.activation_names), tuple(editor.feature_names), tuple(editor.output_names),
                tuple(editor.available_features), editor.raw_inputs, tuple(editor.input_features),
                self.maps_active, font_scale(), self.viewport().size().toTuple())

    def build(self) -> None:
        """Lay out and create every item, then draw the network's current weights (`rebuild()`: when needed)."""
        self._deferred = False
        self._built_for = self._scene_key()
        scene = self.scene()
        scene.clear()
        net = self.network
        self._layout()
        add_bands(scene, net, self._cols, self._xs, self._radius, self._margin_bottom())
        self.edge_layer = EdgeLayer(self._edge_pens, scene.sceneRect())
        self.edge_layer.setZValue(1)
        scene.addItem(self.edge_layer)
        self._selection_item = QGraphicsPathItem()
        self._selection_item.setPen(QPen(SELECTION, 1.0, Qt.SolidLine, Qt.FlatCap))
        self._selection_item.setZValue(4)
        scene.addItem(self._selection_item)
        self._unit_items, circles = [], {}
        unit_points = max(6.0, min(8.5, self._radius * 0.75))
        font, small_font = scaled_font(unit_points), scaled_font(unit_points * 0.8)
        label_font = scaled_font(8.5)
        r = self._radius
        for c, (units, ys) in enumerate(self._cols):
            x = self._xs[c]
            for j, y in zip(units, ys):
                e = QGraphicsEllipseItem(x - r, y - r, 2 * r, 2 * r)
                e.setPen(QPen(QColor("#444444"), 1.0))
                e.setBrush(QBrush(QColor("#e6e6e6")))
                e.setZValue(2)
                scene.addItem(e)
                circles[(c, int(j))] = e
                if c > 0:
                    self._unit_items.append(e)
                if 0 < c < net.N and r >= 7 and not self.maps_active:
                    t = QGraphicsSimpleTextItem(str(j + 1))
                    t.setFont(font if j < 99 else small_font)
                    t.setBrush(QColor("#222222"))
                    br = t.boundingRect()
                    t.setPos(x - br.width() / 2, y - br.height() / 2)
                    t.setZValue(3)
                    scene.addItem(t)
                if (c == 0 and not (self._input_slots and j >= self.editor.raw_inputs)) or c == net.N:
                    names = self.editor.feature_names if c == 0 else self.editor.output_names
                    text = names[j] if j < len(names) else f"{j + 1}"
                    room = (self.margin_left if c == 0 else self.margin_right) - r - 10
                    t = QGraphicsSimpleTextItem(self._elide(text, label_font, room))
                    t.setFont(label_font)
                    br = t.boundingRect()
                    t.setPos(x - r - 6 - br.width() if c == 0 else x + r + 6, y - br.height() / 2)
                    t.setZValue(3)
                    scene.addItem(t)
            if self._ellipsis_y[c] is not None:
                t = QGraphicsSimpleTextItem(f"… {net.sizes[c] - len(units)} more")
                t.setFont(label_font)
                t.setBrush(QColor("#555555"))
                br = t.boundingRect()
                back = QGraphicsRectItem(br.adjusted(-3, -1, 3, 1))
                back.setPen(QPen(QColor("#bbbbbb"), 0.6))
                back.setBrush(QBrush(QColor(255, 255, 255, 235)))
                back.setZValue(3)
                t.setParentItem(back)
                back.setPos(x - br.width() / 2, self._ellipsis_y[c] - br.height() / 2)
                scene.addItem(back)
        self._ghosts = [] if not self._input_slots else add_feature_items(
            self, self._input_slots, self._slot_ys, self._xs[0], r, label_font)
        self._circles = circles  # every unit's item kept wrapped (an input's, too: a click walks up to it)
        self.map_items = UnitMapItems(circles, r, {n: c for _, n, c in self._ghosts}) if self.maps_active else None
        if self.map_items is not None:
            self.map_items.show(self.unit_maps, net.sizes)
        self._draw_state()

    def _draw_state(self) -> None:
        """On the scene's items: the selected layer, the current weights (the network's own when the
        vector is another network's) and the selection."""
        self.select_layer(self.selected_layer, emit=False)
        net = self.network
        params = self.parameters if self.parameters.shape == (net.layout.size,) else net.parameters
        self.update_weights(params, self.gradient)
        self._draw_selection()

    @staticmethod
    def _elide(text: str, font: QFont, width: float) -> str:
        return QFontMetricsF(font).elidedText(text, Qt.ElideMiddle, width)

    def click_add(self, position: int) -> None:
        if self.editor.add_layer(position):
            self.select_layer(position)

    def click_remove(self, k: int) -> None:
        if self.editor.remove_layer(k):
            self.select_layer(min(k, self.network.N - 1) if self.network.N > 1 else None)

    # -- live weights ----------------------------------------------------------------------
    def update_weights(self, parameters: np.ndarray, gradient: np.ndarray | None = None) -> bool:
        """Redraw edges and unit fills from the flat parameter vector (engine.core.network.Layout).

        Called at the GUI frame rate; reuses its buffers. A vector of another network's
        length (a frame from before an edit) is ignored and False returned.
        """
        net = self.network
        if parameters.shape != (net.layout.size,):
            return False
        self.parameters = parameters
        self.editor.set_live_parameters(parameters)
        self.gradient = gradient if gradient is not None and gradient.shape == parameters.shape else None
        if self._b.dtype != parameters.dtype:  # float32 runs: buffers follow the vector's dtype
            self._b = np.empty(self._b.size, parameters.dtype)
        if self.edges.size:
            self.edge_layer.set_paths(edge_paths(*self.edges.sorted_segments(parameters)))
        if self.map_items is not None:  # the units show their maps, not their bias
            return True
        # unit fills: bias on a diverging scale relative to the largest drawn |b|
        b = self._b
        np.take(parameters, self._bias_idx, out=b)
        bmax = np.abs(b).max() if b.size else 0.0
        level = np.rint(b / bmax * BIAS_LEVELS).astype(np.intp) if bmax > 0 else np.zeros(b.size, np.intp)
        level += BIAS_LEVELS
        for n in np.flatnonzero(level != self._bias_level):
            self._unit_items[n].setBrush(self._bias_brushes[level[n]])
        self._bias_level[:] = level
        return True

    def set_trace(self, trace, sample: int = 0) -> None:
        """A forward trace (engine.core.network.Trace) whose sample `sample` the unit tooltips show."""
        self.trace, self.sample = trace, sample

    # -- hit tests, clicks, tooltips -------------------------------------------------------
    def unit_at(self, p: QPointF) -> tuple[int, int] | None:
        best = None
        for c, (units, ys) in enumerate(self._cols):
            if abs(p.x() - self._xs[c]) > self._radius + 2:
                continue
            d = np.abs(ys - p.y())
            n = int(np.argmin(d))
            if d[n] <= self._radius + 2 and np.hypot(p.x() - self._xs[c], d[n]) <= self._radius + 2:
                best = (c, int(units[n]))
        return best

    def edge_at(self, p: QPointF, tolerance: float = 4.0) -> tuple[int, int, int] | None:
        return self.edges.nearest(p.x(), p.y(), tolerance)

    def _control_at(self, pos) -> bool:
        item = self.itemAt(pos)
        while item is not None:
            if isinstance(item, Button):
                return True
            item = item.parentItem()
        return False

    def mousePressEvent(self, event):
        pos = event.position().toPoint()
        if event.button() != Qt.LeftButton or self._control_at(pos):
            return super().mousePressEvent(event)
        self.setFocus(Qt.MouseFocusReason)
        p = self.mapToScene(pos)
        ghost = ghost_at(self._ghosts, p, self._radius)
        if ghost is not None:
            self.editor.toggle_feature(ghost)
            return
        unit = self.unit_at(p)
        if unit is not None:
            self.select_unit(*unit)
            if self.maps_active:  # an input's map too: x1, x2 or a derived feature over the plane
                self.unitMapRequested.emit(*unit)
            return
        edge = self.edge_at(p)
        if edge is not None:
            self.select_layer(edge[0])
            self.select_weight(*edge)
            return
        super().mousePressEvent(event)

    def tooltip_at(self, p: QPointF) -> str | None:
        ghost = ghost_at(self._ghosts, p, self._radius)
        if ghost is not None:
            return f"{FEATURES[ghost].label}: not an input now — click to add it (Ctrl+Z undoes)"
        unit = self.unit_at(p)
        if unit is not None:
            text = unit_tooltip(self.network, self.editor.feature_names, self.parameters, self.gradient,
                                self.trace, self.sample, *unit)
            if unit[0] == 0 and self.map_items is not None and self.map_items.ranges:
                text += ("<br><br>picture: this input over the plane (x₁ →, x₂ ↑), orange − · white 0 · blue +"
                         "<br><small>click: this map large</small>")
            elif self.map_items is not None and self.map_items.ranges:
                k, j = unit
                act = self.network.activation_names[k - 1]
                text += (f"<br><br>picture: y{sub(j + 1)}<sup>({k})</sup> over the input plane (x₁ →, x₂ ↑, "
                         f"as the decision view)<br>{scale_text(act, *self.map_items.ranges[k - 1])}"
                         "<br><small>click: this map large</small>")
            return text
        edge = self.edge_at(p)
        if edge is not None:
            return edge_tooltip(self.network, self.parameters, self.gradient, *edge)
        return None

    def viewportEvent(self, event):
        if event.type() == QEvent.ToolTip:
            pos = event.pos()
            if not self._control_at(pos):
                text = self.tooltip_at(self.mapToScene(pos))
                if text:
                    QToolTip.showText(event.globalPos(), text, self.viewport())
                else:
                    QToolTip.hideText()
                    event.ignore()
                return True
        return super().viewportEvent(event)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.rebuild()
