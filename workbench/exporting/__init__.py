"""Writing plots to files: PNG at any size or DPI, SVG from the plot items' data, composed figures.

Weights, history and experiments are written by `engine.io`. Every write is atomic, so a
failed export never leaves half a file behind.

    PNG   the widget repainted at scale s (dpi / 96, or the largest s that fits W×H, centred
          on the background), optionally with a title band above and without the legend
    SVG   `svg.plot_svg`: vectors written from the curves, markers, images and axes themselves
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRegion
from PySide6.QtWidgets import QWidget

from engine.io.atomic import atomic_open

from .svg import plot_svg

SCREEN_DPI = 96.0
MAX_PIXELS = 8192  # per side: a 300 dpi A4 page is 3508 px high
TITLE_FRACTION = 0.07  # of the image height, for the optional title band
FIGURE_LOGICAL_HEIGHT = 720  # a figure's panels are laid out in 720 px, scaled to the height asked for


def plot_widget_of(widget: QWidget) -> QWidget:
    """The pyqtgraph PlotWidget inside a view (views keep it as `plot_widget`)."""
    return getattr(widget, "plot_widget", widget)


def _canvas(width: int, height: int, dpi: float, ratio: float = 1.0) -> QImage:
    """A white image of width × height physical px; painters on it work in px / `ratio`, so lines,
    markers and text all grow by `ratio` (Qt's cosmetic 1 px pens would not grow by a plain scale)."""
    if not (1 <= width <= MAX_PIXELS and 1 <= height <= MAX_PIXELS):
        raise ValueError(f"an image of {width} × {height} px is outside 1..{MAX_PIXELS} px per side")
    image = QImage(width, height, QImage.Format_ARGB32)
    image.fill(QColor("white"))
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.setDevicePixelRatio(ratio)
    return image


def paint_widget(painter: QPainter, widget: QWidget, target: QRectF) -> None:
    """Repaint `widget` into `target` at one uniform scale, centred (vectors stay sharp)."""
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    s = min(target.width() / w, target.height() / h)
    painter.save()
    painter.translate(target.x() + (target.width() - s * w) / 2, target.y() + (target.height() - s * h) / 2)
    painter.scale(s, s)
    QWidget.render(widget, painter, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)  # not QGraphicsView.render
    painter.restore()


def paint_title(painter: QPainter, title: str, band: QRectF) -> None:
    font = QFont()
    font.setPixelSize(max(8, int(band.height() * 0.6)))
    painter.save()
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(band, Qt.AlignCenter, title)
    painter.restore()


def render_widget(widget: QWidget, size: tuple[int, int] | None = None, dpi: float | None = None,
                  title: str | None = None, legend: bool = True) -> QImage:
    """The plot as an image: at `size` (W, H) px, or at `dpi` (on-screen size × dpi/96), else as on screen."""
    plot_widget = plot_widget_of(widget)
    dpi = float(dpi) if dpi else SCREEN_DPI
    if size is None:
        s = dpi / SCREEN_DPI
        band = round(TITLE_FRACTION * plot_widget.height() * s) if title else 0
        size = (round(plot_widget.width() * s), round(plot_widget.height() * s) + band)
    band = round(TITLE_FRACTION * size[1]) if title else 0
    ratio = max(1.0, min(size[0] / plot_widget.width(), (size[1] - band) / plot_widget.height()))
    image = _canvas(int(size[0]), int(size[1]), dpi, ratio)
    size, band = (size[0] / ratio, size[1] / ratio), band / ratio  # logical px from here
    legend_item = getattr(getattr(plot_widget, "getPlotItem", lambda: None)(), "legend", None)
    hidden = legend_item is not None and not legend and legend_item.isVisible()
    if hidden:
        legend_item.setVisible(False)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.Antialiasing)
        if title:
            paint_title(painter, title, QRectF(0, 0, size[0], band))
        paint_widget(painter, plot_widget, QRectF(0, band, size[0], size[1] - band))
    finally:
        painter.end()
        if hidden:
            legend_item.setVisible(True)
    return image


def save_image(image: QImage, path) -> None:
    """Write a QImage as PNG atomically (a temporary name, then a rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part.png")
    if not image.save(str(tmp), "PNG"):
        tmp.unlink(missing_ok=True)
        raise OSError(f"could not write {path}")
    tmp.replace(path)


def export_plot(widget: QWidget, path, size: tuple[int, int] | None = None, dpi: float | None = None,
                title: str | None = None, legend: bool = True) -> None:
    """A plot widget as PNG (`render_widget`) or SVG (`svg.plot_svg`, at on-screen size)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        save_image(render_widget(widget, size, dpi, title, legend), path)
    elif suffix == ".svg":
        text = plot_svg(plot_widget_of(widget), title or path.stem)
        with atomic_open(path, "wb") as f:
            f.write(text.encode("utf-8"))
    else:
        raise ValueError(f"plots export as .png or .svg, not {suffix or 'no extension'}")


def compose_figure(decision: QWidget, loss: QWidget, network: QWidget | None, size: tuple[int, int] = (1920, 1080),
                   title: str | None = None, caption: str | None = None) -> QImage:
    """One slide: the decision view on the left, the loss curve and the network diagram on the right."""
    ratio = max(1.0, int(size[1]) / FIGURE_LOGICAL_HEIGHT)
    image = _canvas(int(size[0]), int(size[1]), SCREEN_DPI, ratio)
    width, height = int(size[0]) / ratio, int(size[1]) / ratio
    band = round(TITLE_FRACTION * height) if title else 0
    foot = round(0.05 * height) if caption else 0
    body = QRectF(0, band, width, height - band - foot)
    left = QRectF(body.x(), body.y(), body.width() * 0.55, body.height())
    right_x, right_w = left.right(), body.width() - left.width()
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.Antialiasing)
        if title:
            paint_title(painter, title, QRectF(0, 0, width, band))
        paint_widget(painter, plot_widget_of(decision), left)
        if network is None:
            paint_widget(painter, plot_widget_of(loss), QRectF(right_x, body.y(), right_w, body.height()))
        else:
            paint_widget(painter, plot_widget_of(loss), QRectF(right_x, body.y(), right_w, body.height() / 2))
            paint_widget(painter, network, QRectF(right_x, body.center().y(), right_w, body.height() / 2))
        if caption:
            paint_title(painter, caption, QRectF(0, height - foot, width, foot))
    finally:
        painter.end()
    return image
