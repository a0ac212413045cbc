"""Writing plots to files (PNG / SVG); weights and history are written by `engine.io`.

All writes are atomic, so a failed export never leaves half a file behind.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from engine.io.atomic import atomic_open


def export_plot(widget: QWidget, path) -> None:
    """A plot widget as PNG (pixel-exact grab of the widget) or SVG (vector, QSvgGenerator)."""
    path = Path(path)
    suffix = path.suffix.lower()
    plot_widget = getattr(widget, "plot_widget", widget)
    if suffix == ".png":
        image = plot_widget.grab().toImage()
        tmp = path.with_name(path.name + ".part.png")
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"could not write {path}")
        tmp.replace(path)
    elif suffix == ".svg":
        # QSvgGenerator renders the widget's scene as vectors; pyqtgraph's SVGExporter chokes
        # on the path syntax of current Qt SVG output (ValueError in its coordinate fix-up)
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
        from PySide6.QtGui import QPainter
        from PySide6.QtSvg import QSvgGenerator

        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        size = plot_widget.size()
        generator.setSize(QSize(size.width(), size.height()))
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle(path.stem)
        generator.setDescription("Backprop Workbench plot")
        painter = QPainter(generator)
        try:
            plot_widget.render(painter)
        finally:
            painter.end()
        buffer.close()
        with atomic_open(path, "wb") as f:
            f.write(bytes(data))
    else:
        raise ValueError(f"plots export as .png or .svg, not {suffix or 'no extension'}")
