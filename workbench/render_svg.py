"""Render an SVG file to PNG with Qt's SVG renderer: `python -m workbench.render_svg IN.svg OUT.png [SCALE]`.

The engine writes plots as SVG (it never imports Qt); this turns them into PNG where the GUI
packages are installed (the `sweep` command calls it in a subprocess).
"""

from __future__ import annotations

import os
import sys


def render(svg_path: str, png_path: str, scale: float = 2.0) -> bool:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(svg_path)
    if not renderer.isValid():
        return False
    size = renderer.defaultSize() * scale
    image = QImage(size, QImage.Format_ARGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.save(png_path, "PNG")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (2, 3):
        print("usage: python -m workbench.render_svg IN.svg OUT.png [SCALE]", file=sys.stderr)
        sys.exit(2)
    sys.exit(0 if render(args[0], args[1], float(args[2]) if len(args) == 3 else 2.0) else 1)
