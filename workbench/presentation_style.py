"""Presentation mode's look: what survives a washed-out projector and reads from the back row.

`Restyler` changes the plots' items in place and remembers every original, so leaving
presentation mode puts back exactly what was there:

- curves: pens LINE_SCALE × as wide, in `palette.high_contrast` colours (full saturation, no
  pale tint, translucent bands made at least 170/255 opaque);
- markers (the data points, the test curve's dots): MARKER_SCALE × as large, their outlines
  thicker and their fills high-contrast;
- axes: black, thicker lines and tick marks; those of a fixed size (the curve plots') as large as
  their text needs (`axis_room`), so ticks and titles in the presentation font are not cut;
- setting-change labels on the loss plot: the presentation font;
- every plot: room for half a line of the larger text at its top and right edges (`edge_margins`).

`KeyLegend` is the small card of the lecture keys (Space, →, Shift+→, Ctrl+M, F5) that fades out.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEasingCurve, QEvent, QPropertyAnimation, Qt, QTimer
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QGraphicsOpacityEffect, QLabel, QWidget

from .designer.panel import MAPS_KEY
from .palette import high_contrast
from .plots.axes import edge_margins

#: how much thicker the plot lines are
LINE_SCALE = 2.0
#: how much larger the scatter markers are
MARKER_SCALE = 1.6
#: the least opacity (of 255) of a translucent band
BAND_ALPHA = 110
#: the axes' line width in presentation mode
AXIS_WIDTH = 2
#: the text size (px) the plots' tick spacing is made for (Qt's 9 pt at 96 dpi)
BASE_PIXELS = 12
#: the key legend: shown this long (ms), then faded out over FADE_MS
LEGEND_MS = 4000
FADE_MS = 1200
#: the lecture keys and what they do
KEYS = (("Space", "run / pause"), ("→", "one step"), ("Shift+→", "one phase"), (MAPS_KEY, "unit maps"),
        ("F5", "leave presentation"))
KEYS_TEXT = "     ".join(f"{key}  {what}" for key, what in KEYS)
SEPARATOR = "&nbsp;" * 5
#: the card's padding (px) and its least distance from the parent's edges
CARD_PADDING, CARD_EDGE = (16, 8), 16


def _pen(pen, scale: float = LINE_SCALE):
    """A high-contrast copy of `pen`, `scale` × as wide (a cosmetic width 0 counts as 1)."""
    pen = pg.mkPen(pen)
    if pen.style() == Qt.NoPen:
        return pen
    colour = pen.color()
    # a translucent band stays lighter than the curves over it, just not too pale to see
    pen.setColor(high_contrast(colour) if colour.alpha() >= 128 else high_contrast(colour, BAND_ALPHA))
    pen.setWidthF(max(pen.widthF(), 1.0) * scale)
    return pen


def _brush(brush):
    if brush is None:
        return None
    brush = pg.mkBrush(brush)
    if brush.style() == Qt.NoBrush:
        return brush
    return pg.mkBrush(high_contrast(brush.color(), min_alpha=220))


def axis_room(font: QFont) -> tuple[int, int]:
    """(left axis width, bottom axis height) in px that hold tick labels ("2·10⁻⁴", "0.25") and the axis
    title in `font`: what an axis of a fixed size needs (its tick marks and gaps included)."""
    metrics = QFontMetrics(font)
    return metrics.horizontalAdvance("2·10⁻⁴") + metrics.height() + 16, 2 * metrics.height() + 14


def plot_items(window) -> list:
    """The PlotItem of every plot view of the window."""
    return [v.plot_widget.getPlotItem() for v in window.plot_views().values() if hasattr(v, "plot_widget")]


class Restyler:
    """Presentation styling of the plots; `restore()` puts every changed item back as it was."""

    def __init__(self):
        self._saved: dict = {}  # item → a function that restores it

    @property
    def styled(self) -> int:
        return len(self._saved)

    def apply(self, plots, font: QFont) -> None:
        """Style every item of `plots` not styled yet (items added later: call again)."""
        for plot in plots:
            if plot.layout not in self._saved:
                margins = plot.layout.getContentsMargins()
                self._saved[plot.layout] = lambda lay=plot.layout, m=margins: lay.setContentsMargins(*m)
                plot.layout.setContentsMargins(*edge_margins(font))
            for item in plot.listDataItems():
                if item not in self._saved:
                    self._style_data(item)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                if axis not in self._saved:
                    self._style_axis(axis, name, font)
            for item in plot.items:
                label = getattr(item, "label", None)
                if isinstance(item, pg.InfiniteLine) and label is not None and item not in self._saved:
                    old = label.textItem.font()
                    self._saved[item] = lambda t=label, f=old: t.setFont(f)
                    label.setFont(font)

    def _style_axis(self, axis, name: str, font: QFont) -> None:
        """Black and thicker; an axis of a fixed size (the curve plots') made as large as its text needs."""
        pen, text_pen, density = axis.pen(), axis.textPen(), axis._tickDensity
        fixed = axis.fixedWidth if name == "left" else axis.fixedHeight
        resize = axis.setWidth if name == "left" else axis.setHeight
        self._saved[axis] = lambda a=axis, p=pen, t=text_pen, f=fixed, r=resize, d=density: (
            a.setPen(p), a.setTextPen(t), r(f), a.setTickDensity(d))
        axis.setPen(pg.mkPen("k", width=AXIS_WIDTH))
        axis.setTextPen(pg.mkPen("k"))
        # ticks as far apart as the text is larger: "2000 4000" do not run into one another
        axis.setTickDensity(density * min(1.0, BASE_PIXELS / max(QFontInfo(font).pixelSize(), 1)))
        if fixed is not None:
            resize(max(fixed, axis_room(font)[0 if name == "left" else 1]))

    def _style_data(self, item) -> None:
        if isinstance(item, pg.PlotDataItem):
            o = item.opts
            pen, size, symbol_pen, symbol_brush = o.get("pen"), o.get("symbolSize"), o.get("symbolPen"), o.get("symbolBrush")

            def restore(i=item, p=pen, s=size, sp=symbol_pen, sb=symbol_brush):
                i.setPen(p)
                if i.opts.get("symbol") is not None:
                    i.setSymbolSize(s)
                    i.setSymbolPen(sp)
                    i.setSymbolBrush(sb)

            self._saved[item] = restore
            if pen is not None:
                item.setPen(_pen(pen))
            if o.get("symbol") is not None:
                item.setSymbolSize(size * MARKER_SCALE)
                item.setSymbolPen(_pen(symbol_pen, 1.8) if symbol_pen is not None else None)
                item.setSymbolBrush(_brush(symbol_brush))
        elif hasattr(item, "setPen") and hasattr(item, "opts"):
            pen = item.opts.get("pen")
            self._saved[item] = lambda i=item, p=pen: i.setPen(p)
            item.setPen(_pen(pen))

    def restore(self) -> None:
        for restore in self._saved.values():
            restore()
        self._saved = {}


class KeyLegend(QLabel):
    """The lecture keys on a dark card at the bottom of `parent`, fading out after LEGEND_MS; where one row
    does not fit the parent the card has two (never a key cut off at the edge)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("PresentationKeys")
        self.setTextFormat(Qt.RichText)
        self.setAlignment(Qt.AlignCenter)
        self.setContentsMargins(CARD_PADDING[0], CARD_PADDING[1], CARD_PADDING[0], CARD_PADDING[1])
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setStyleSheet("#PresentationKeys { background: rgba(20, 20, 20, 215); color: white; border-radius: 8px; }")
        self._rows([KEYS])
        self.effect = QGraphicsOpacityEffect(self)
        self.setGraphicsEffect(self.effect)
        self.fade = QPropertyAnimation(self.effect, b"opacity", self)
        self.fade.setEasingCurve(QEasingCurve.InQuad)
        self.fade.finished.connect(self.hide)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._fade_out)
        parent.installEventFilter(self)
        self.hide()

    def _rows(self, rows) -> None:
        self.setText("<br>".join(SEPARATOR.join(f"<b>{key}</b>&nbsp;&nbsp;{what}" for key, what in row) for row in rows))

    def _row_width(self, row) -> float:
        bold = QFont(self.font())
        bold.setBold(True)
        keys, text = QFontMetrics(bold), QFontMetrics(self.font())
        return (sum(keys.horizontalAdvance(key) + text.horizontalAdvance(f"  {what}") for key, what in row)
                + text.horizontalAdvance(" " * 5) * (len(row) - 1) + 2 * CARD_PADDING[0] + 12)

    def show_for_a_while(self) -> None:
        """Show at full opacity, bottom centre of the parent (inside it); fade out after LEGEND_MS."""
        self.fade.stop()
        self.effect.setOpacity(1.0)
        self.setFont(self.parentWidget().font())
        self._place()
        self.show()
        self.raise_()
        self.timer.start(LEGEND_MS)

    def _place(self) -> None:
        parent = self.parentWidget()
        room = parent.width() - 2 * CARD_EDGE
        for count in range(1, len(KEYS) + 1):  # the fewest rows that fit
            per = -(-len(KEYS) // count)
            rows = [KEYS[i:i + per] for i in range(0, len(KEYS), per)]
            if max(self._row_width(r) for r in rows) <= room:
                break
        self._rows(rows)
        width = int(max(80, min(room, max(self._row_width(r) for r in rows))))
        height = len(rows) * QFontMetrics(self.font()).lineSpacing() + 2 * CARD_PADDING[1] + 6
        self.setFixedSize(width, height)
        self.move(max(0, (parent.width() - self.width()) // 2), max(0, parent.height() - self.height() - 24))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if obj is self.parentWidget() and event.type() == QEvent.Resize:
            self._place()  # the parent settles into the full-screen layout after the card is shown
        return False

    def _fade_out(self) -> None:
        self.fade.setDuration(FADE_MS)
        self.fade.setStartValue(1.0)
        self.fade.setEndValue(0.0)
        self.fade.start()

    def dismiss(self) -> None:
        self.timer.stop()
        self.fade.stop()
        self.hide()
