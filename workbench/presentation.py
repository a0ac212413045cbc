"""Presentation mode (F5): full screen, text readable from the back row, the lecture's three views.

Entering saves the window's exact layout (saveState, saveGeometry, window state) and the
application font; the smallest text becomes at least MIN_PIXELS at 720 screen lines and grows
with the screen (`presentation_pixels`); widgets, plot axes, ticks, legends and the designer's
labels follow; curves are drawn thicker. Only the decision view, the loss and the network stay;
every other dock is hidden and can be brought back from View ▸. Leaving restores what was saved.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QApplication

from .designer.view import set_font_scale
from .settings import LAYOUT_VERSION

#: the smallest text, in pixels, on a 720-line screen
MIN_PIXELS = 18
#: the docks presentation mode keeps (the decision view is the centre)
KEPT = ("LossDock", "NetworkDesignerDock")
#: the designer's smallest label, in px at scale 1 (7.5 pt at 96 dpi)
DESIGNER_SMALLEST_PX = 10.0
#: how much thicker the plot lines are
LINE_SCALE = 2.0
#: when the layout is restored a second time, after the normal fonts have shrunk every minimum size
RESTORE_MS = 100


def presentation_pixels(screen_height: int) -> int:
    """The smallest text size in px for a screen `screen_height` lines tall (≥ MIN_PIXELS, grows with it)."""
    return max(MIN_PIXELS, round(MIN_PIXELS * screen_height / 720))


def _plot_items(window):
    return [view.plot_widget.getPlotItem() for view in window.plot_views().values() if hasattr(view, "plot_widget")]


class Presentation:
    """F5: enter or leave presentation mode on `window`; `active` says which."""

    def __init__(self, window):
        self.window = window
        self.active = False
        self._saved = None
        self._pens = {}  # curve → its pen before presentation mode

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        w, app = self.window, QApplication.instance()
        self._saved = (w.saveState(LAYOUT_VERSION), w.saveGeometry(), w.windowState(), QFont(app.font()))
        self.active = True
        px = presentation_pixels(w.screen().geometry().height())
        font = QFont(app.font())
        font.setPixelSize(px)
        self._apply(font, px / DESIGNER_SMALLEST_PX)
        self._thicken()
        for name, dock in w.docks.items():
            dock.setVisible(name in KEPT)
        w.showFullScreen()

    def leave(self) -> None:
        if not self.active:
            return
        w = self.window
        state, geometry, window_state, font = self._saved
        self.active = False
        self._apply(font, 1.0)
        for curve, pen in self._pens.items():
            curve.setPen(pen)
        self._pens = {}
        w.setWindowState(window_state)
        self._restore(geometry, state)
        # again once the normal fonts have reached every widget (their minimum sizes shrink then)
        QTimer.singleShot(RESTORE_MS, lambda: self._restore(geometry, state))

    def _restore(self, geometry, state) -> None:
        if not self.active:
            self.window.restoreGeometry(geometry)
            self.window.restoreState(state, LAYOUT_VERSION)

    def _apply(self, font: QFont, designer_scale: float) -> None:
        """`font` for the widgets, the plots' axes and legends; the designer at `designer_scale`."""
        QApplication.instance().setFont(font)
        set_font_scale(designer_scale)
        self.window.designer.view.rebuild()
        px = QFontInfo(font).pixelSize()
        for item in _plot_items(self.window):
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setStyle(tickFont=font)
                axis.label.setFont(font)
                axis.setLabel(axis.labelText, units=axis.labelUnits, **{"font-size": f"{px}px"})
            legend = item.legend
            if legend is not None:
                for _sample, label in legend.items:
                    label.setText(label.text, size=f"{px}px")

    def _thicken(self) -> None:
        """Every curve's pen LINE_SCALE × as wide (a cosmetic pen of width 0 counts as 1)."""
        for item in _plot_items(self.window):
            for curve in item.listDataItems():
                pen = pg.mkPen(curve.opts.get("pen"))
                self._pens[curve] = pg.mkPen(pen)
                pen.setWidthF(max(pen.widthF(), 1.0) * LINE_SCALE)
                curve.setPen(pen)


