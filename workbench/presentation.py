"""Presentation mode (F5): full screen, text readable from the back row, the lecture's three views.

Entering saves the window's exact layout (saveState, saveGeometry, window state) and the
application font; the smallest text becomes at least MIN_PIXELS at 720 screen lines and grows
with the screen (`presentation_pixels`); widgets, dock titles, plot axes, ticks, legends,
setting-change labels and the designer's labels follow. The plots take presentation_style's
high-contrast look (thicker lines, larger markers); the run controls shrink to a slim bar
(η, speed, a Panels ▾ menu beside the Run toolbar); only the decision view, the loss and the
network stay, every other dock can be brought back (View ▸ or Panels ▾). A key legend fades
out after a few seconds. Leaving restores what was saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QApplication, QWidget

from .designer.view import set_font_scale
from .presentation_bar import SlimBar
from .presentation_style import KeyLegend, Restyler, plot_items
from .settings import LAYOUT_VERSION

#: the smallest text, in pixels, on a 720-line screen
MIN_PIXELS = 18
#: the docks presentation mode keeps (the decision view is the centre)
KEPT = ("LossDock", "NetworkDesignerDock")
#: the designer's smallest label, in px at scale 1 (7.5 pt at 96 dpi)
DESIGNER_SMALLEST_PX = 10.0
#: the network's share of the screen height and the loss plot's of its width
NETWORK_HEIGHT, LOSS_WIDTH = 0.36, 0.3
#: how often, and how long apart, leaving retries the layout until it holds
RESTORE_TRIES, RESTORE_MS = 20, 100


def presentation_pixels(screen_height: int) -> int:
    """The smallest text size in px for a screen `screen_height` lines tall (≥ MIN_PIXELS, grows with it)."""
    return max(MIN_PIXELS, round(MIN_PIXELS * screen_height / 720))


class Presentation:
    """F5: enter or leave presentation mode on `window`; `active` says which."""

    def __init__(self, window):
        self.window = window
        self.active = False
        self._saved = None
        self.style = Restyler()
        self.bar = None  # the SlimBar, built at the first entry
        self.keys = None  # the KeyLegend
        self.font = None
        window.panels["DecisionView"].after_rebuild.append(self._restyle)
        self._retry = QTimer(window, singleShot=True)  # the window's: it dies with the window
        self._retry.timeout.connect(lambda: self._restore(*self._again))
        self._again = None

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        w, app = self.window, QApplication.instance()
        self._saved = (w.saveState(LAYOUT_VERSION), w.saveGeometry(), w.windowState(), QFont(app.font()), w.geometry())
        self.active = True
        px = presentation_pixels(w.screen().geometry().height())
        self.font = QFont(app.font())
        self.font.setPixelSize(px)
        if self.bar is None:
            self.bar = SlimBar(w)
            self.keys = KeyLegend(w.centralWidget())
        w.addToolBar(self.bar)  # removed again on leaving: the saved layout never holds it
        self.bar.show()
        self._apply(self.font, px / DESIGNER_SMALLEST_PX)
        self._restyle()
        for name, dock in w.docks.items():
            dock.setVisible(name in KEPT)
        screen = w.screen().geometry()
        w.setGeometry(screen)  # also where no window manager honours full screen
        w.showFullScreen()
        QTimer.singleShot(0, self._arrange)  # once the full-screen geometry is in place

    def _arrange(self) -> None:
        """The decision view gets most of the screen (the network below it, the loss beside); the key legend."""
        if not self.active:
            return
        w, screen = self.window, self.window.screen().geometry()
        w.resizeDocks([w.docks["NetworkDesignerDock"]], [int(NETWORK_HEIGHT * screen.height())], Qt.Vertical)
        w.resizeDocks([w.docks["LossDock"]], [int(LOSS_WIDTH * screen.width())], Qt.Horizontal)
        self.keys.show_for_a_while()

    def leave(self) -> None:
        if not self.active:
            return
        w = self.window
        state, geometry, window_state, font, self._rect = self._saved
        self.active = False
        self.keys.dismiss()
        w.removeToolBar(self.bar)
        self._apply(font, 1.0)
        self.style.restore()
        w.setWindowState(window_state)
        self._restore(geometry, state, RESTORE_TRIES)

    def _restore(self, geometry, state, tries: int) -> None:
        """Geometry and docks as saved; again (RESTORE_MS later, at most `tries` times) until they
        hold: the normal fonts reach every widget only gradually, and until then the larger
        minimum sizes of presentation mode keep the window and docks from shrinking."""
        w = self.window
        if self.active:
            return
        w.restoreGeometry(geometry)
        w.restoreState(state, LAYOUT_VERSION)
        if tries and (w.geometry() != self._rect or w.saveState(LAYOUT_VERSION) != state):
            self._again = (geometry, state, tries - 1)
            self._retry.start(RESTORE_MS)

    def _restyle(self) -> None:
        """The high-contrast look on every plot item not restyled yet (e.g. after the view was rebuilt)."""
        if self.active:
            self.style.apply(plot_items(self.window), self.font)

    def _apply(self, font: QFont, designer_scale: float) -> None:
        """`font` for the widgets, dock titles, plots' axes and legends; the designer at `designer_scale`."""
        QApplication.instance().setFont(font)
        set_font_scale(designer_scale)
        self.window.designer.view.rebuild()
        px = QFontInfo(font).pixelSize()
        # a dock paints its title in the font it was created with unless its own font differs
        # from the application's: one pixel larger makes the title follow (and its bar grow)
        title = QFont(font)
        title.setPixelSize(px + 1)
        for dock in self.window.docks.values():
            dock.setFont(title if self.active else QFont())
            dock.layout().invalidate()
        for item in plot_items(self.window):
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setStyle(tickFont=font)
                axis.label.setFont(font)
                axis.setLabel(axis.labelText, units=axis.labelUnits, **{"font-size": f"{px}px"})
            legend = item.legend
            if legend is not None:
                for _sample, label in legend.items:
                    label.setText(label.text, size=f"{px}px")
                if hasattr(legend, "fit"):  # a legend below its plot: its columns for the new text widths
                    legend.fit()
        for widget in self.window.findChildren(QWidget):
            if widget.styleSheet():  # a widget with a style sheet keeps the font it was polished with
                widget.setStyleSheet(widget.styleSheet())
