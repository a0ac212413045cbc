"""The application's identity for the desktop: its id (desktop file, AppStream, icon name) and
its window/taskbar icon, found in the checkout's resources/icons/ or an install's
share/backprop-workbench/icons/ (pyproject's data-files), like the bundled data."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from engine.data.resources import resource_dir

#: reverse-DNS id: <APP_ID>.desktop, <APP_ID>.metainfo.xml, icon <APP_ID>.svg/.png (packaging/)
APP_ID = "org.backpropworkbench.BackpropWorkbench"
#: the PNG sizes rendered from the SVG (packaging/render_icons.py), hicolor layout
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The icon: every PNG size plus the SVG; a null QIcon if the files are not there."""
    hicolor = resource_dir("icons") / "hicolor"
    icon = QIcon()
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon
