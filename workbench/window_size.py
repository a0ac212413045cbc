"""The window's first size: from the screen's available geometry, so it fits 1280×720 and grows beyond.

The window takes FILL of the available area (what the desktop's panels leave), centred, less a
title-bar allowance, and never more than the area itself: nothing falls off the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect

#: the share of the available width and height the window takes at first start
FILL = 0.94
#: the window manager's title bar and frame, which the client geometry does not include
FRAME = 32


def initial_geometry(available: QRect) -> QRect:
    """The client rectangle for a first start on a screen whose available area is `available`."""
    width = int(available.width() * FILL)
    height = min(int(available.height() * FILL), available.height() - FRAME)
    left = available.x() + (available.width() - width) // 2
    top = available.y() + FRAME + (available.height() - FRAME - height) // 2
    return QRect(left, top, width, height)


def place_on_screen(window) -> None:
    """Size and centre `window` on its screen (before any saved geometry is restored)."""
    screen = window.screen()
    if screen is not None:
        window.setGeometry(initial_geometry(screen.availableGeometry()))
