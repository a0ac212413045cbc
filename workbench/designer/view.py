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
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QFontMetricsF, QKeySequence, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMenu,
    QToolTip,
)

from engine.core import activations as activations_module
from engine.core.network import Network

from .model import NetworkEditor

POSITIVE = QColor("#2166ac")
NEGATIVE = QColor("#b35806")
SELECTION = QColor("#111111")
MAX_SHOWN, HEAD, TAIL = 16, 12, 3
LEVELS = 5                      # magnitude bins per sign
# Thickness comes from parallel 1-px strands: Qt's raster engine strokes 1-px antialiased lines
# on a fast path, while a wider (or round-capped) pen costs 10-100× more per edge.
STRANDS = ((0.0,), (0.0,), (0.0,), (-0.55, 0.55), (-1.0, 0.0, 1.0))
ALPHAS = (60, 105, 160, 190, 225)
BIAS_LEVELS = 8                 # fill colours per sign
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 96, 96, 70, 26


def shown_units(n: int) -> np.ndarray:
    """The units of an n-unit layer that are drawn: all of them, or the first HEAD and last TAIL."""
    return np.arange(n) if n <= MAX_SHOWN else np.r_[0:HEAD, n - TAIL:n]


def _mix(c: QColor, t: float) -> QColor:
    """`c` blended with white: t = 0 white, t = 1 the full colour."""
    return QColor(round(255 + (c.red() - 255) * t), round(255 + (c.green() - 255) * t),
                  round(255 + (c.blue() - 255) * t))


def _sub(n: int) -> str:
    return f"<sub>{n}</sub>"


#: how much larger the designer's text is than normal (presentation mode sets it; see set_font_scale)
_FONT_SCALE = {"scale": 1.0}


def set_font_scale(scale: float) -> None:
    """Every designer label at `scale` × its normal size (rebuild the view to apply)."""
    _FONT_SCALE["scale"] = float(scale)


def scaled_font(points: float, bold: bool = False) -> QFont:
    """A font of `points` pt times the designer's font scale (enlarged, nothing under the 7.5 pt labels)."""
    scale = _FONT_SCALE["scale"]
    font = QFont()
    font.setPointSizeF((points if scale == 1.0 else max(points, 7.5)) * scale)
    font.setBold(bold)
    return font


class _Button(QGraphicsRectItem):
    """A small clickable label in the scene (layer header controls)."""

    def __init__(self, text: str, tip: str, callback, bold=False, parent=None):
        super().__init__(parent)
        self.label = QGraphicsSimpleTextItem(text, self)
        self.label.setFont(scaled_font(8.5, bold))
        r = self.label.boundingRect()
        self.setRect(QRectF(0, 0, r.width() + 8, r.height() + 2))
        self.label.setPos(4, 1)
        self.setToolTip(tip)
        self.callback = callback
        self.enabled = True
        self.setAcceptHoverEvents(True)
        self.setPen(QPen(QColor("#9a9a9a"), 0.8))
        self.setBrush(QBrush(QColor("#f4f4f4")))
        self.setCursor(Qt.PointingHandCursor)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        self.label.setBrush(QColor("#222222" if on else "#b0b0b0"))

    def hoverEnterEvent(self, event):
        if self.enabled:
            self.setBrush(QBrush(QColor("#dde8f3")))

    def hoverLeaveEvent(self, event):
        self.setBrush(QBrush(QColor("#f4f4f4")))

    def mousePressEvent(self, event):
        event.accept()
        if self.enabled and event.button() == Qt.LeftButton:
            self.callback()


class _EdgeLayer(QGraphicsItem):
    """Every drawn edge: one path per (sign, |w| bin), painted with that bin's pen.

    A QGraphicsPathItem with a wide pen derives its bounding rect from the stroked outline of
    its path, which costs more than painting it; this item's bounds are simply the scene's.
    """

    def __init__(self, pens, rect: QRectF):
        super().__init__()
        self.pens = pens
        self.paths = [QPainterPath() for _ in pens]
        self.rect = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self.rect

    def set_paths(self, paths) -> None:
        self.paths = paths
        self.update()

    def paint(self, painter, option, widget=None):
        for pen, path in zip(self.pens, self.paths):
            if not path.isEmpty():
                painter.setPen(pen)
                painter.drawPath(path)


class NetworkView(QGraphicsView):
    """Draws `editor.network`; header controls and keys edit it through the editor.

    Signals: weightSelected(k, i, j), unitSelected(k, j) (k = 0: input x_j), layerSelected(c).
    """

    weightSelected = Signal(int, int, int)
    unitSelected = Signal(int, int)
    layerSelected = Signal(int)

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
        self.selected_layer: int | None = None
        self.selection: tuple | None = None     # ("weight", k, i, j) or ("unit", k, j)
        self._menu: QMenu | None = None
        self._make_actions()
        self._bias_brushes = [QBrush(_mix(NEGATIVE if s < 0 else POSITIVE, abs(s) / BIAS_LEVELS))
                              for s in range(-BIAS_LEVELS, BIAS_LEVELS + 1)]
        # groups: (dense layer?, sign, |w| bin); edges of a bundled layer are single strands
        # opaque colours pre-blended with the white background: antialiased translucent
        # lines cost twice as much to paint in Qt's raster engine (3 ms vs 6 ms a frame)
        self._edge_pens = [QPen(_mix(c, a / 255), 1.0, Qt.SolidLine, Qt.FlatCap)
                           for _ in range(2) for c in (POSITIVE, NEGATIVE) for a in ALPHAS]
        editor.networkChanged.connect(self._on_network)
        self.rebuild()

    # -- actions (keyboard) ----------------------------------------------------------------
    def _make_actions(self) -> None:
        def act(text, keys, slot):
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.action_more_units = act("Add a unit", ["+", "="], lambda: self._units(+1))
        self.action_fewer_units = act("Remove a unit", ["-"], lambda: self._units(-1))
        self.action_layer_after = act("Add layer after", ["Insert", "Ctrl+Right"], lambda: self._add(after=True))
        self.action_layer_before = act("Add layer before", ["Shift+Insert", "Ctrl+Left"],
                                       lambda: self._add(after=False))
        self.action_remove_layer = act("Remove layer", ["Delete", "Backspace"], self._remove)
        self.action_activation = act("Choose activation…", ["A"], self._activation_popup)
        self.action_next_layer = act("Next layer", ["Right"], lambda: self._move_selection(+1))
        self.action_previous_layer = act("Previous layer", ["Left"], lambda: self._move_selection(-1))

    def _units(self, delta: int) -> None:
        c = self.selected_layer
        if c is None:
            self.editor.editRefused.emit("select a layer first (click its header)")
        elif c == 0:
            self.editor.editRefused.emit("the inputs follow the dataset's features")
        else:
            self.editor.change_units(c, delta)

    def _add(self, after: bool) -> None:
        c = self.selected_layer if self.selected_layer is not None else self.network.N
        position = c + 1 if after else c
        position = min(max(position, 1), self.network.N)  # nothing goes before the inputs or after the output
        if self.editor.add_layer(position):
            self.select_layer(position)

    def _remove(self) -> None:
        c = self.selected_layer
        if c is None or not 1 <= c < self.network.N:
            self.editor.editRefused.emit("select a hidden layer to remove (click its header)")
        elif self.editor.remove_layer(c):
            self.select_layer(min(c, self.network.N - 1) if self.network.N > 1 else None)

    def _move_selection(self, step: int) -> None:
        c = 0 if self.selected_layer is None else self.selected_layer + step
        self.select_layer(min(max(c, 0), self.network.N))

    def _activation_popup(self) -> None:
        if self.selected_layer:
            self.popup_activation_menu(self.selected_layer)

    def activation_menu(self, k: int) -> QMenu:
        """A menu of the activations layer k may have (softmax only on the output layer)."""
        menu = QMenu(self)
        current = self.network.activation_names[k - 1]
        for name, act in activations_module.ACTIVATIONS.items():
            if act.is_vector and k < self.network.N:
                continue
            a = menu.addAction(name)
            a.setCheckable(True)
            a.setChecked(name == current)
            a.setToolTip(getattr(act, "formula", name))
            a.triggered.connect(lambda _=False, n=name: self.editor.set_activation(k, n))
        menu.setToolTipsVisible(True)
        return menu

    def popup_activation_menu(self, k: int) -> QMenu:
        """Open (without blocking) the activation menu under layer k's header."""
        self.select_layer(k)
        if self._menu is not None:
            self._menu.close()
            self._menu.deleteLater()
        self._menu = self.activation_menu(k)
        item = self._headers[k]["activation"]
        self._menu.popup(self.viewport().mapToGlobal(self.mapFromScene(item.sceneBoundingRect().bottomLeft())))
        return self._menu

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

    def header_button(self, c: int, name: str) -> _Button:
        """Header control of column c: 'more', 'fewer', 'before', 'after', 'remove', 'activation'."""
        return self._headers[c][name]

    @staticmethod
    def _margin_top() -> float:
        """The header band (three rows of labels and buttons) grows with the text."""
        return MARGIN_TOP + 35 * (_FONT_SCALE["scale"] - 1.0)

    @staticmethod
    def _margin_bottom() -> float:
        return MARGIN_BOTTOM + 14 * (_FONT_SCALE["scale"] - 1.0)

    def _layout(self) -> None:
        net = self.network
        w, h = max(self.viewport().width(), 320), max(self.viewport().height(), 200)
        self.scene().setSceneRect(0, 0, w, h)
        span = w - MARGIN_LEFT - MARGIN_RIGHT
        self._xs = [MARGIN_LEFT + span * c / net.N for c in range(net.N + 1)]
        top, bottom = self._margin_top(), h - self._margin_bottom()
        self._cols = []  # (shown unit indices, their y)
        slots_max = max(len(shown_units(n)) + (n > MAX_SHOWN) for n in net.sizes)
        spacing = min(46.0, (bottom - top) / max(slots_max, 1))
        self._radius = float(np.clip(spacing * 0.34, 4.0, 13.0))
        self._ellipsis_y = []
        for n in net.sizes:
            units = shown_units(n)
            slots = np.arange(len(units), dtype=float)
            if n > MAX_SHOWN:
                slots[HEAD:] += 1  # a slot for the "… more" label
            count = len(units) + (n > MAX_SHOWN)
            y0 = (top + bottom) / 2 - spacing * (count - 1) / 2
            self._cols.append((units, y0 + spacing * slots))
            self._ellipsis_y.append(y0 + spacing * HEAD if n > MAX_SHOWN else None)
        # every drawn edge, layer by layer: endpoints, indices, flat-vector positions
        x0, y0, x1, y1, ks, iis, jjs, idx, starts = [], [], [], [], [], [], [], [], []
        offsets = net.layout.offsets()
        for k in range(1, net.N + 1):
            (ui, yi), (uj, yj) = self._cols[k - 1], self._cols[k]
            I, J = np.meshgrid(np.arange(len(ui)), np.arange(len(uj)), indexing="ij")
            I, J = I.ravel(), J.ravel()
            starts.append(sum(map(len, ks)))
            x0.append(np.full(I.size, self._xs[k - 1] + self._radius))
            x1.append(np.full(I.size, self._xs[k] - self._radius))
            y0.append(yi[I])
            y1.append(yj[J])
            ks.append(np.full(I.size, k))
            iis.append(ui[I])
            jjs.append(uj[J])
            idx.append(offsets[2 * k - 2] + ui[I] * net.sizes[k] + uj[J])
        cat = np.concatenate
        self._ex0, self._ey0, self._ex1, self._ey1 = cat(x0), cat(y0), cat(x1), cat(y1)
        self._ek, self._ei, self._ej, self._edge_idx = cat(ks), cat(iis), cat(jjs), cat(idx)
        self._layer_starts = np.array(starts)
        bundled = [max(net.sizes[k - 1], net.sizes[k]) > MAX_SHOWN for k in range(1, net.N + 1)]
        self._bundled_code = (2 * LEVELS * np.array(bundled, np.intp))[self._ek - 1]
        E = self._edge_idx.size
        # per-frame buffers, reused
        self._w = np.empty(E, net.dtype)
        self._absw = np.empty(E, net.dtype)
        self._scale = np.empty(E, net.dtype)
        self._code = np.empty(E, dtype=np.intp)
        self._px = np.empty(2 * E)
        self._py = np.empty(2 * E)
        self._bias_idx = cat([offsets[2 * k - 1] + self._cols[k][0] for k in range(1, net.N + 1)])
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
        self.rebuild()

    def rebuild(self) -> None:
        """Lay out and create every item, then draw the network's current weights."""
        scene = self.scene()
        scene.clear()
        net = self.network
        self._layout()
        self._bands()
        self._edges = _EdgeLayer(self._edge_pens, scene.sceneRect())
        self._edges.setZValue(1)
        scene.addItem(self._edges)
        self._selection_item = QGraphicsPathItem()
        self._selection_item.setPen(QPen(SELECTION, 1.0, Qt.SolidLine, Qt.FlatCap))
        self._selection_item.setZValue(4)
        scene.addItem(self._selection_item)
        self._unit_items = []
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
                if c > 0:
                    self._unit_items.append(e)
                if 0 < c < net.N and r >= 7:
                    t = QGraphicsSimpleTextItem(str(j + 1))
                    t.setFont(font if j < 99 else small_font)
                    t.setBrush(QColor("#222222"))
                    br = t.boundingRect()
                    t.setPos(x - br.width() / 2, y - br.height() / 2)
                    t.setZValue(3)
                    scene.addItem(t)
                if c == 0 or c == net.N:
                    names = self.editor.feature_names if c == 0 else self.editor.output_names
                    text = names[j] if j < len(names) else f"{j + 1}"
                    t = QGraphicsSimpleTextItem(self._elide(text, label_font, MARGIN_LEFT - r - 10))
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
        self._make_headers()
        self.select_layer(self.selected_layer, emit=False)
        params = self.parameters if self.parameters.shape == (net.layout.size,) else net.parameters
        self.update_weights(params, self.gradient)
        self._draw_selection()

    @staticmethod
    def _elide(text: str, font: QFont, width: float) -> str:
        return QFontMetricsF(font).elidedText(text, Qt.ElideMiddle, width)

    def _bands(self) -> None:
        """One grey band per layer whose edges are only partly drawn (a compact column on either side)."""
        net = self.network
        for k in range(1, net.N + 1):
            if net.sizes[k - 1] <= MAX_SHOWN and net.sizes[k] <= MAX_SHOWN:
                continue
            (_, ya), (_, yb) = self._cols[k - 1], self._cols[k]
            xa, xb = self._xs[k - 1] + self._radius, self._xs[k] - self._radius
            poly = QPolygonF([QPointF(xa, ya[0]), QPointF(xb, yb[0]), QPointF(xb, yb[-1]), QPointF(xa, ya[-1])])
            band = QGraphicsPolygonItem(poly)
            band.setPen(QPen(Qt.NoPen))
            band.setBrush(QBrush(QColor(120, 120, 120, 28)))
            band.setZValue(0)
            self.scene().addItem(band)
            shown = len(self._cols[k - 1][0]) * len(self._cols[k][0])
            t = QGraphicsSimpleTextItem(f"W({k}): {net.sizes[k - 1]}×{net.sizes[k]} = "
                                        f"{net.sizes[k - 1] * net.sizes[k]:,} weights, {shown} drawn")
            t.setFont(scaled_font(7.5))
            t.setBrush(QColor("#666666"))
            br = t.boundingRect()
            t.setPos((xa + xb) / 2 - br.width() / 2, self.scene().sceneRect().height() - self._margin_bottom() + 6)
            self.scene().addItem(t)

    def _make_headers(self) -> None:
        net = self.network
        self._headers = []
        for c in range(net.N + 1):
            x = self._xs[c]
            header: dict = {}
            frame = QGraphicsRectItem()
            frame.setZValue(5)
            self.scene().addItem(frame)
            header["frame"] = frame
            if c == 0:
                title = f"inputs · {net.sizes[0]}"
            elif c == net.N:
                title = f"output {c} · {net.sizes[c]}"
            else:
                title = f"layer {c} · {net.sizes[c]}"
            t = _Button(title, "Select this layer (keys: + − Insert Delete A, ← →)",
                        lambda c=c: self.select_layer(c), bold=True, parent=frame)
            t.setPen(QPen(Qt.NoPen))
            header["title"] = t
            row2 = []
            if c > 0:
                act = _Button(f"{net.activation_names[c - 1]} ▾", "Choose this layer's activation (A)",
                              lambda c=c: self.popup_activation_menu(c), parent=frame)
                header["activation"] = act
                row2.append(act)
            row3 = []
            specs = []
            if 0 < c < net.N:
                specs += [("fewer", "−", "Remove a unit (−)", lambda c=c: self.editor.change_units(c, -1)),
                          ("more", "+", "Add a unit (+)", lambda c=c: self.editor.change_units(c, +1))]
            if c > 0:
                specs.append(("before", "◂+", "Add a hidden layer before this one (Shift+Insert)",
                              lambda c=c: self._click_add(c)))
            if c < net.N:
                specs.append(("after", "+▸", "Add a hidden layer after this one (Insert)",
                              lambda c=c: self._click_add(c + 1)))
            if 0 < c < net.N:
                specs.append(("remove", "✕", "Remove this layer (Delete)", lambda c=c: self._click_remove(c)))
            for name, text, tip, cb in specs:
                b = _Button(text, tip, cb, parent=frame)
                header[name] = b
                row3.append(b)
            # stack the three rows, centred on the column
            y = 4.0
            for row in ([t], row2, row3):
                if not row:
                    continue
                width = sum(b.rect().width() for b in row) + 3 * (len(row) - 1)
                bx = x - width / 2
                if c == 0:
                    bx = max(bx, 4)
                bx = min(bx, self.scene().sceneRect().width() - width - 4)
                for b in row:
                    b.setPos(bx, y)
                    bx += b.rect().width() + 3
                y += max(b.rect().height() for b in row) + 3
            frame.setRect(frame.childrenBoundingRect().adjusted(-2, -2, 2, 2))
            self._headers.append(header)

    def _click_add(self, position: int) -> None:
        if self.editor.add_layer(position):
            self.select_layer(position)

    def _click_remove(self, k: int) -> None:
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
        if self._w.dtype != parameters.dtype:  # float32 runs: buffers follow the vector's dtype
            self._w, self._absw, self._scale = (np.empty(self._w.size, parameters.dtype) for _ in range(3))
            self._b = np.empty(self._b.size, parameters.dtype)
        w, absw, scale, code = self._w, self._absw, self._scale, self._code
        E = w.size
        if E:
            np.take(parameters, self._edge_idx, out=w)
            np.abs(w, out=absw)
            # |w| relative to the largest drawn |w| of its layer
            layer_max = np.maximum.reduceat(absw, self._layer_starts)
            np.maximum(layer_max, 1e-300, out=layer_max)
            counts = np.diff(np.r_[self._layer_starts, E])
            scale[:] = np.repeat(layer_max, counts)
            np.divide(absw, scale, out=scale)
            np.multiply(scale, LEVELS, out=scale)
            np.minimum(scale, LEVELS - 1, out=scale)
            code[:] = scale  # truncates to the bin 0..LEVELS-1
            code[w < 0] += LEVELS
            code += self._bundled_code
            order = np.argsort(code, kind="stable")
            bins = np.bincount(code, minlength=4 * LEVELS)
            px, py = self._px, self._py
            px[0::2] = self._ex0[order]
            px[1::2] = self._ex1[order]
            py[0::2] = self._ey0[order]
            py[1::2] = self._ey1[order]
            paths, start = [], 0
            for level, count in enumerate(bins):
                end = start + 2 * count
                if not count:
                    paths.append(QPainterPath())
                elif level >= 2 * LEVELS or len(STRANDS[level % LEVELS]) == 1:
                    paths.append(pg.arrayToQPath(px[start:end], py[start:end], connect="pairs"))
                else:  # a few strong edges: parallel strands
                    offsets = STRANDS[level % LEVELS]
                    xs = np.tile(px[start:end], len(offsets))
                    ys = np.concatenate([py[start:end] + o for o in offsets])
                    paths.append(pg.arrayToQPath(xs, ys, connect="pairs"))
                start = end
            self._edges.set_paths(paths)
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
        if self._edge_idx.size == 0:
            return None
        px, py = p.x(), p.y()
        dx, dy = self._ex1 - self._ex0, self._ey1 - self._ey0
        t = np.clip(((px - self._ex0) * dx + (py - self._ey0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        d = np.hypot(self._ex0 + t * dx - px, self._ey0 + t * dy - py)
        n = int(np.argmin(d))
        if d[n] > tolerance:
            return None
        return int(self._ek[n]), int(self._ei[n]), int(self._ej[n])

    def _control_at(self, pos) -> bool:
        item = self.itemAt(pos)
        while item is not None:
            if isinstance(item, _Button):
                return True
            item = item.parentItem()
        return False

    def mousePressEvent(self, event):
        pos = event.position().toPoint()
        if event.button() != Qt.LeftButton or self._control_at(pos):
            return super().mousePressEvent(event)
        self.setFocus(Qt.MouseFocusReason)
        p = self.mapToScene(pos)
        unit = self.unit_at(p)
        if unit is not None:
            self.select_unit(*unit)
            return
        edge = self.edge_at(p)
        if edge is not None:
            self.select_layer(edge[0])
            self.select_weight(*edge)
            return
        super().mousePressEvent(event)

    def _value(self, vector, index) -> str:
        return "—" if vector is None else f"{vector[index]:+.4g}"

    def tooltip_at(self, p: QPointF) -> str | None:
        net = self.network
        unit = self.unit_at(p)
        if unit is not None:
            c, j = unit
            if c == 0:
                name = self.editor.feature_names[j] if j < len(self.editor.feature_names) else ""
                text = f"input x{_sub(j + 1)} = y{_sub(j + 1)}<sup>(0)</sup> {name}"
            else:
                where = net.layout.bias_index(c, j)
                text = (f"unit {j + 1} of layer {c} ({net.activation_names[c - 1]})<br>"
                        f"b{_sub(j + 1)}<sup>({c})</sup> = {self._value(self.parameters, where)}")
                if self.gradient is not None:
                    text += f"<br>∂Div/∂b{_sub(j + 1)}<sup>({c})</sup> = {self._value(self.gradient, where)}"
            tr = self.trace
            if tr is not None and len(tr.y) == net.N + 1 and tr.y[c].shape[1] == net.sizes[c] \
                    and 0 <= self.sample < tr.y[c].shape[0] and (c == 0 or tr.computed >= c):
                if c > 0:
                    text += f"<br>z{_sub(j + 1)}<sup>({c})</sup> = {tr.z[c][self.sample, j]:+.4g}"
                text += f"<br>y{_sub(j + 1)}<sup>({c})</sup> = {tr.y[c][self.sample, j]:+.4g}" \
                        f" (sample {self.sample})"
            return text
        edge = self.edge_at(p)
        if edge is not None:
            k, i, j = edge
            where = net.layout.weight_index(k, i, j)
            s = f"<sub>{i + 1},{j + 1}</sub>"
            return (f"w{s}<sup>({k})</sup> = {self._value(self.parameters, where)}<br>"
                    f"∂Div/∂w{s}<sup>({k})</sup> = {self._value(self.gradient, where)}<br>"
                    f"<small>from unit {i + 1} of layer {k - 1} to unit {j + 1} of layer {k}</small>")
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
