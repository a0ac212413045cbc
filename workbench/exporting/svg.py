"""A pyqtgraph plot as plain SVG, written from its items' data (not from a QPainter recording).

QSvgGenerator over `widget.render()` records what Qt paints: the scatter plots' cached
pixmap atlas (each marker repeated as tiny glyphs), images as 16-bit data librsvg shows black,
and curve paths that inherit a fill. Here every item is written as what it is, in scene
(= widget pixel) coordinates, so every renderer draws the same picture:

    curve (PlotCurveItem)      <path fill="none">, one sub-path per finite run (or per pair)
    markers (ScatterPlotItem)  one <path> per point: pyqtgraph's own symbol outline, scaled
    image (ImageItem)          <image> holding its rendered RGBA as an embedded PNG
    filled area (FillBetween)  <path> with the brush's colour and opacity, no stroke
    axes (AxisItem)            the lines and texts pyqtgraph's own draw specs place
    legend, title, labels      a box, the samples, <text>

Plot contents are clipped to the view box as on screen.
"""

from __future__ import annotations

import base64
import html

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsTextItem


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if np.isfinite(v) else "0"


def _colour(c: QColor) -> str:
    return f"#{c.red():02x}{c.green():02x}{c.blue():02x}"


def _stroke(pen) -> str:
    if pen is None or pen.style() == Qt.NoPen:
        return 'stroke="none"'
    c = pen.color()
    width = pen.widthF() or 1.0
    dash = ' stroke-dasharray="4,2"' if pen.style() == Qt.DashLine else ""
    alpha = f' stroke-opacity="{c.alphaF():.3f}"' if c.alpha() < 255 else ""
    return f'stroke="{_colour(c)}" stroke-width="{_num(width)}"{alpha}{dash}'


def _fill(brush) -> str:
    if brush is None or brush.style() == Qt.NoBrush:
        return 'fill="none"'
    c = brush.color()
    alpha = f' fill-opacity="{c.alphaF():.3f}"' if c.alpha() < 255 else ""
    return f'fill="{_colour(c)}"{alpha}'


def _matrix(t: QTransform) -> str:
    return f'matrix({" ".join(_num(v) if abs(v) > 1e-4 else "0" for v in (t.m11(), t.m12(), t.m21(), t.m22()))} ' \
           f'{t.dx():.3f} {t.dy():.3f})'


def path_data(path: QPainterPath, transform: QTransform | None = None) -> str:
    """SVG path data of a QPainterPath (lines and cubic curves), mapped by `transform`."""
    if transform is not None:
        path = transform.map(path)
    out, i, n = [], 0, path.elementCount()
    while i < n:
        e = path.elementAt(i)
        if e.type == QPainterPath.ElementType.MoveToElement:
            out.append(f"M{_num(e.x)} {_num(e.y)}")
        elif e.type == QPainterPath.ElementType.LineToElement:
            out.append(f"L{_num(e.x)} {_num(e.y)}")
        else:  # CurveTo followed by two CurveToData elements
            c1, c2 = path.elementAt(i + 1), path.elementAt(i + 2)
            out.append(f"C{_num(e.x)} {_num(e.y)} {_num(c1.x)} {_num(c1.y)} {_num(c2.x)} {_num(c2.y)}")
            i += 2
        i += 1
    return "".join(out)


def _png_base64(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.convertToFormat(QImage.Format_ARGB32).save(buffer, "PNG")
    return base64.b64encode(bytes(data)).decode("ascii")


class SvgWriter:
    """Collects SVG elements for one plot widget, in its pixel coordinates."""

    def __init__(self, widget):
        self.widget = widget
        self.width, self.height = widget.width(), widget.height()
        self.parts: list[str] = []
        self._clip = 0

    # -- texts -------------------------------------------------------------------------------
    def text(self, text: str, x: float, y: float, font, colour: QColor, anchor: str = "start",
             transform: QTransform | None = None) -> None:
        if not text.strip():
            return
        size = font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72
        t = f' transform="{_matrix(transform)}"' if transform is not None else ""
        weight = ' font-weight="bold"' if font.bold() else ""
        self.parts.append(f'<text x="{_num(x)}" y="{_num(y)}" font-family="{html.escape(font.family())}, sans-serif" '
                          f'font-size="{_num(size)}"{weight} fill="{_colour(colour)}" text-anchor="{anchor}"{t}>'
                          f'{html.escape(text)}</text>')

    def text_item(self, item: QGraphicsTextItem) -> None:
        """A QGraphicsTextItem (labels, titles): its plain text centred where Qt lays it out."""
        if not item.isVisible() or not item.toPlainText().strip():
            return
        rect, font = item.boundingRect(), item.font()
        m = QFontMetricsF(font)
        baseline = rect.center().y() + (m.ascent() - m.descent()) / 2
        self.text(item.toPlainText(), rect.center().x(), baseline, font, item.defaultTextColor(), "middle",
                  item.sceneTransform())

    # -- items ------------------------------------------------------------------------------
    def axis(self, axis: pg.AxisItem) -> None:
        if not axis.isVisible():
            return
        image = QImage(1, 1, QImage.Format_ARGB32)
        painter = QPainter(image)
        try:
            if axis.style["tickFont"]:
                painter.setFont(axis.style["tickFont"])
            font = painter.font()
            specs = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        if specs is None:
            return
        t = axis.sceneTransform()
        (pen, p1, p2), ticks, texts = specs
        for pen_k, a, b in [(pen, p1, p2), *ticks]:
            a, b = t.map(QPointF(a)), t.map(QPointF(b))
            self.parts.append(f'<line x1="{_num(a.x())}" y1="{_num(a.y())}" x2="{_num(b.x())}" y2="{_num(b.y())}" '
                              f'{_stroke(pen_k)}/>')
        m = QFontMetricsF(font)
        colour = axis.textPen().color()
        for rect, flags, text in texts:
            r = t.mapRect(QRectF(rect))
            flags = int(flags)
            if flags & int(Qt.AlignRight):
                x, anchor = r.right(), "end"
            elif flags & int(Qt.AlignHCenter):
                x, anchor = r.center().x(), "middle"
            else:
                x, anchor = r.left(), "start"
            if flags & int(Qt.AlignTop):
                y = r.top() + m.ascent()
            elif flags & int(Qt.AlignBottom):
                y = r.bottom() - m.descent()
            else:
                y = r.center().y() + (m.ascent() - m.descent()) / 2
            self.text(text, x, y, font, colour, anchor)
        if axis.label.isVisible() and axis.labelText:
            self.text_item(axis.label)

    def curve(self, item: pg.PlotCurveItem) -> None:
        x, y = item.xData, item.yData
        if x is None or not len(x) or item.opts["pen"] is None:
            return
        pen = pg.mkPen(item.opts["pen"])
        if pen.style() == Qt.NoPen:
            return
        pts = self._map(item, x, y)
        good = np.isfinite(pts).all(axis=1)
        d = []
        if item.opts.get("connect") == "pairs":
            for i in range(0, len(pts) - 1, 2):
                if good[i] and good[i + 1]:
                    d.append(f"M{_num(pts[i, 0])} {_num(pts[i, 1])}L{_num(pts[i + 1, 0])} {_num(pts[i + 1, 1])}")
        else:
            start = True
            for (px, py), ok in zip(pts, good):
                if not ok:
                    start = True
                    continue
                d.append(f"{'M' if start else 'L'}{_num(px)} {_num(py)}")
                start = False
        if d:
            self.parts.append(f'<path class="curve" d="{"".join(d)}" fill="none" {_stroke(pen)} stroke-linejoin="round"/>')

    @staticmethod
    def _map(item, x, y) -> np.ndarray:
        t = item.sceneTransform()
        x, y = np.asarray(x, float), np.asarray(y, float)
        return np.stack([t.m11() * x + t.m21() * y + t.dx(), t.m12() * x + t.m22() * y + t.dy()], axis=1)

    def scatter(self, item: pg.ScatterPlotItem) -> None:
        data = item.data
        if not len(data):
            return
        pts = self._map(item, data["x"], data["y"])
        symbols, sizes, pens, brushes = item._style(["symbol", "size", "pen", "brush"])
        for (px, py), symbol, size, pen, brush, visible in zip(pts, symbols, sizes, pens, brushes, data["visible"]):
            if not visible or not np.isfinite([px, py]).all():
                continue
            shape = Symbols[symbol] if isinstance(symbol, str) else symbol
            t = QTransform().translate(px, py).scale(size, size)
            self.parts.append(f'<path class="marker" d="{path_data(shape, t)}" {_fill(brush)} {_stroke(pen)}/>')

    def image(self, item: pg.ImageItem) -> None:
        if item.image is None:
            return
        if item.qimage is None:
            item.render()
        if item.qimage is None:
            return
        w, h = item.qimage.width(), item.qimage.height()
        self.parts.append(f'<image class="heatmap" width="{w}" height="{h}" preserveAspectRatio="none" transform="'
                          f'{_matrix(item.sceneTransform())}" style="image-rendering:optimizeSpeed;image-rendering:pixelated" '
                          f'href="data:image/png;base64,{_png_base64(item.qimage)}"/>')

    def filled(self, item) -> None:
        self.parts.append(f'<path d="{path_data(item.path(), item.sceneTransform())}" {_fill(item.brush())} '
                          f'stroke="none"/>')

    def infinite_line(self, item: pg.InfiniteLine) -> None:
        vb = item.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        if item.angle % 180 == 90:
            a, b = QPointF(item.value(), y0), QPointF(item.value(), y1)
        else:
            a, b = QPointF(x0, item.value()), QPointF(x1, item.value())
        t = vb.childGroup.sceneTransform()
        a, b = t.map(a), t.map(b)
        self.parts.append(f'<line x1="{_num(a.x())}" y1="{_num(a.y())}" x2="{_num(b.x())}" y2="{_num(b.y())}" '
                          f'{_stroke(item.pen)}/>')

    def legend(self, legend: pg.LegendItem) -> None:
        if not legend.isVisible() or not legend.items:
            return
        r = legend.sceneBoundingRect()
        self.parts.append(f'<rect x="{_num(r.x())}" y="{_num(r.y())}" width="{_num(r.width())}" '
                          f'height="{_num(r.height())}" {_fill(legend.opts["brush"])} {_stroke(legend.opts["pen"])}/>')
        for sample, label in legend.items:
            if not sample.isVisible():
                continue
            t = sample.sceneTransform()
            source = sample.item
            opts = source.opts
            if not isinstance(source, pg.ScatterPlotItem) and opts.get("pen") is not None:
                a, b = t.map(QPointF(0, 11)), t.map(QPointF(20, 11))
                self.parts.append(f'<line x1="{_num(a.x())}" y1="{_num(a.y())}" x2="{_num(b.x())}" '
                                  f'y2="{_num(b.y())}" {_stroke(pg.mkPen(opts["pen"]))}/>')
            symbol = opts.get("symbol")
            if symbol is not None:
                sopts = source.scatter.opts if isinstance(source, pg.PlotDataItem) else opts
                c = t.map(QPointF(10, 10))
                shape = Symbols[symbol] if isinstance(symbol, str) else symbol
                st = QTransform().translate(c.x(), c.y()).scale(sopts["size"], sopts["size"])
                self.parts.append(f'<path class="legend-marker" d="{path_data(shape, st)}" {_fill(pg.mkBrush(sopts["brush"]))} '
                                  f'{_stroke(pg.mkPen(sopts["pen"]))}/>')
            self.text_item(label.item)

    # -- the whole plot ---------------------------------------------------------------------
    def view_items(self, vb: pg.ViewBox) -> None:
        r = vb.sceneBoundingRect()
        self._clip += 1
        self.parts.append(f'<defs><clipPath id="view{self._clip}"><rect x="{_num(r.x())}" y="{_num(r.y())}" '
                          f'width="{_num(r.width())}" height="{_num(r.height())}"/></clipPath></defs>')
        self.parts.append(f'<g clip-path="url(#view{self._clip})">')
        for item in sorted(vb.addedItems, key=lambda i: i.zValue()):
            if not item.isVisible():
                continue
            if isinstance(item, pg.PlotDataItem):
                self.curve(item.curve) if item.curve.isVisible() else None
                self.scatter(item.scatter) if item.scatter.isVisible() else None
            elif isinstance(item, pg.PlotCurveItem):
                self.curve(item)
            elif isinstance(item, pg.ScatterPlotItem):
                self.scatter(item)
            elif isinstance(item, pg.ImageItem):
                self.image(item)
            elif isinstance(item, pg.FillBetweenItem):
                self.filled(item)
            elif isinstance(item, pg.InfiniteLine):
                self.infinite_line(item)
        self.parts.append("</g>")

    def plot(self, plot: pg.PlotItem) -> None:
        for name in ("left", "bottom", "right", "top"):
            if plot.getAxis(name).isVisible():
                self.axis(plot.getAxis(name))
        self.view_items(plot.getViewBox())
        if plot.titleLabel.isVisible():
            self.text_item(plot.titleLabel.item)
        if plot.legend is not None:
            self.legend(plot.legend)

    def document(self, title: str = "") -> str:
        background = self.widget.backgroundBrush().color() if hasattr(self.widget, "backgroundBrush") \
            else QColor("white")
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}">')
        title = f"<title>{html.escape(title)}</title>" if title else ""
        back = f'<rect width="{self.width}" height="{self.height}" fill="{_colour(background)}"/>'
        return "\n".join([head, title, back, *self.parts, "</svg>", ""])


def plot_svg(plot_widget: pg.PlotWidget, title: str = "") -> str:
    """The SVG text of a PlotWidget at its on-screen size."""
    writer = SvgWriter(plot_widget)
    writer.plot(plot_widget.getPlotItem())
    return writer.document(title)
