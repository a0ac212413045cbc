"""Presentation mode: F5 toggles it; large text everywhere, the three lecture views; leaving restores the layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem, QWidget

from workbench.presentation import KEPT, MIN_PIXELS, presentation_pixels
from workbench.settings import LAYOUT_VERSION


def _smallest_widget_text(window) -> int:
    widgets = [w for w in window.findChildren(QWidget) if w.isVisible()]
    return min(QFontInfo(w.font()).pixelSize() for w in widgets)


def _smallest_designer_text(window) -> int:
    items = [i for i in window.designer.view.scene().items() if isinstance(i, QGraphicsSimpleTextItem) and i.text()]
    return min(QFontInfo(i.font()).pixelSize() for i in items if i.font().pointSizeF() >= 0)


def test_presentation_pixels_grow_with_the_screen():
    assert presentation_pixels(720) == MIN_PIXELS and presentation_pixels(600) == MIN_PIXELS
    assert presentation_pixels(1080) == 27 and presentation_pixels(2160) > presentation_pixels(1080)


def test_presentation_mode_toggles_with_f5_and_restores_the_layout(qtbot, window):
    w = window
    font = QApplication.instance().font()
    visible = {n for n, d in w.docks.items() if d.isVisible()}
    state, tick = w.saveState(LAYOUT_VERSION), w.plot_views()["loss"].plot_widget.getPlotItem().getAxis("left").style["tickFont"]
    assert _smallest_widget_text(w) < MIN_PIXELS  # normal mode: ordinary sizes
    w.activateWindow()
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_F5)
    assert w.presentation.active and w.isFullScreen()
    assert sorted(n for n, d in w.docks.items() if d.isVisible()) == sorted(KEPT)
    qtbot.waitUntil(lambda: _smallest_widget_text(w) >= MIN_PIXELS)  # the application font reaches every widget
    assert _smallest_designer_text(w) >= MIN_PIXELS - 1  # point sizes round to whole pixels
    for view in w.plot_views().values():
        item = view.plot_widget.getPlotItem()
        assert QFontInfo(item.getAxis("bottom").style["tickFont"]).pixelSize() >= MIN_PIXELS
    assert w.docks["InspectorDock"].toggleViewAction().isEnabled()  # any dock can come back
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_F5)
    assert not w.presentation.active and not w.isFullScreen()
    # the docks as before (byte-equal state needs a screen larger than the window's minimum; the
    # offscreen test screen, 800×800, is smaller, so the dock sizes may differ here)
    qtbot.waitUntil(lambda: {n for n, d in w.docks.items() if d.isVisible()} == visible)
    assert len(w.saveState(LAYOUT_VERSION)) == len(state)
    assert QApplication.instance().font() == font
    assert w.plot_views()["loss"].plot_widget.getPlotItem().getAxis("left").style["tickFont"] == tick or tick is None
    qtbot.waitUntil(lambda: _smallest_widget_text(w) < MIN_PIXELS)


def test_presentation_flag_starts_in_presentation_mode(monkeypatch):
    import workbench.app
    from workbench.__main__ import main

    seen = []
    monkeypatch.setattr(workbench.app, "run_gui", lambda path=None, presentation=False: seen.append((path, presentation)) or 0)
    assert main(["--presentation", "exp.json"]) == 0 and main(["exp.json"]) == 0
    assert seen == [("exp.json", True), ("exp.json", False)]

