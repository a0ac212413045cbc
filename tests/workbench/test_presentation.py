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



def _texts_in_plots(window):
    """(what, px) of every text the plots draw: ticks, axis labels, legend entries, setting-change labels."""
    import pyqtgraph as pg

    out = []
    for name, view in window.plot_views().items():
        if not hasattr(view, "plot_widget") or not view.isVisible():
            continue
        item = view.plot_widget.getPlotItem()
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            out.append((f"{name} {side} ticks", QFontInfo(axis.style["tickFont"]).pixelSize()))
            out.append((f"{name} {side} label", QFontInfo(axis.label.font()).pixelSize()))
        for _sample, label in item.legend.items:
            out.append((f"{name} legend {label.text}", int(str(label.opts["size"]).rstrip("px"))))
        for line in item.items:
            if isinstance(line, pg.InfiniteLine) and line.label is not None:
                out.append((f"{name} marker", QFontInfo(line.label.textItem.font()).pixelSize()))
    return out


def test_presentation_smallest_text_is_measured_everywhere(qtbot, window):
    """Widgets, dock titles, plots (ticks, labels, legends, markers), the designer and the key legend."""
    w = window
    w.controller.change_settings({"learning_rate": 0.05})  # a setting-change marker on the loss plot
    qtbot.waitUntil(lambda: len(w.history.events) >= 1 or w.last_snapshot is not None)
    w.presentation.enter()
    px = presentation_pixels(w.screen().geometry().height())
    assert px >= MIN_PIXELS
    qtbot.waitUntil(lambda: w.presentation.keys.isVisible())
    qtbot.waitUntil(lambda: _smallest_widget_text(w) >= MIN_PIXELS)
    titles = {n: QFontInfo(d.font()).pixelSize() for n, d in w.docks.items() if d.isVisible()}
    assert min(titles.values()) >= MIN_PIXELS
    # the title is painted in the dock's own font only when it differs from the application's
    assert all(d.font() != QApplication.font("QDockWidget") for d in w.docks.values() if d.isVisible())
    small = [(what, size) for what, size in _texts_in_plots(w) if size < MIN_PIXELS]
    assert not small
    assert _smallest_designer_text(w) >= MIN_PIXELS - 1
    assert QFontInfo(w.presentation.keys.font()).pixelSize() >= MIN_PIXELS
    w.presentation.leave()
    qtbot.waitUntil(lambda: all(QFontInfo(d.font()).pixelSize() < MIN_PIXELS for d in w.docks.values()))


def test_presentation_key_legend_fades(qtbot, window, monkeypatch):
    import workbench.presentation_style as style

    monkeypatch.setattr(style, "LEGEND_MS", 50)
    monkeypatch.setattr(style, "FADE_MS", 50)
    w = window
    w.presentation.enter()
    keys = w.presentation.keys
    qtbot.waitUntil(keys.isVisible)
    for key in ("Space", "→", "Shift+→", "F5"):
        assert key in keys.text()
    qtbot.waitUntil(lambda: not keys.isVisible(), timeout=3000)
    w.presentation.leave()
    w.presentation.enter()  # every entry shows it again
    qtbot.waitUntil(keys.isVisible)
    w.presentation.leave()
    assert not keys.isVisible()


def test_presentation_slim_bar_replaces_the_controls_dock(qtbot, window):
    w = window
    w.presentation.enter()
    bar = w.presentation.bar
    assert bar.isVisible() and not w.docks["RunControlsDock"].isVisible()
    menu = {a.text() for a in bar.panels_menu.actions()}
    assert menu == {d.toggleViewAction().text() for d in w.docks.values()}  # any dock can come back
    bar.lr.setValue(0.025)  # an edit in the bar is the controls' edit: applied and undoable
    assert w.controls.lr_spin.value() == 0.025
    qtbot.waitUntil(lambda: w.session.settings()["learning_rate"] == 0.025)
    w.controls.set_learning_rate(0.5)
    assert bar.lr.value() == 0.5  # and the bar follows the controls (undo, a loaded file)
    bar.speed.setValue(bar.speed.minimum())
    assert w.controls.speed.value() == bar.speed.minimum()
    assert bar.speed_label.text() == w.controls.speed_label.text() != "max"
    w.presentation.leave()
    assert not bar.isVisible() and w.docks["RunControlsDock"].isVisible()
    assert bar not in w.findChildren(type(bar)) or w.toolBarArea(bar) == Qt.NoToolBarArea


def test_presentation_high_contrast_lines_and_markers_are_restored(qtbot, window):
    import pyqtgraph as pg

    from workbench.palette import high_contrast
    from workbench.presentation_style import LINE_SCALE, MARKER_SCALE

    w = window
    loss = w.plot_views()["loss"].plot_widget.getPlotItem()
    mean = w.plot_views()["loss"].train_mean
    points = [i for i in w.decision.plot.listDataItems() if i.opts.get("symbol") == "o"][0]
    before = (pg.mkPen(mean.opts["pen"]).widthF(), pg.mkPen(mean.opts["pen"]).color().name(), points.opts["symbolSize"])
    w.presentation.enter()
    pen = pg.mkPen(mean.opts["pen"])
    assert pen.widthF() == before[0] * LINE_SCALE
    assert pen.color().name() == high_contrast(before[1]).name()
    assert points.opts["symbolSize"] == before[2] * MARKER_SCALE
    assert loss.getAxis("left").pen().widthF() >= 2
    w.controller.reset()  # a rebuilt decision view is restyled too
    qtbot.waitUntil(lambda: any(i.opts.get("symbolSize") == before[2] * MARKER_SCALE
                                for i in w.decision.plot.listDataItems() if i.opts.get("symbol") == "o"))
    w.presentation.leave()
    pen = pg.mkPen(mean.opts["pen"])
    assert (pen.widthF(), pen.color().name()) == before[:2]
    assert all(i.opts["symbolSize"] == before[2] for i in w.decision.plot.listDataItems()
               if isinstance(i, pg.PlotDataItem) and i.opts.get("symbol") == "o")


def test_high_contrast_keeps_hue_and_darkens_pale_colours():
    from PySide6.QtGui import QColor

    from workbench.palette import CLASS_COLOURS, high_contrast

    for colour in CLASS_COLOURS[:7]:
        c, h = QColor(colour), high_contrast(colour)
        assert abs(c.hslHueF() - h.hslHueF()) < 0.02 and h.lightnessF() <= 0.43 and h.saturationF() >= 0.89
    assert high_contrast(QColor(0, 114, 178, 70)).alpha() >= 170


def test_presentation_leaving_restores_the_layout_exactly(qtbot, window):
    w = window
    # the offscreen test screen is 800×800: with the tabbed left docks closed the window fits it
    # (restoreGeometry moves a window larger than its screen, so only a fitting one restores exactly)
    for name in ("RunControlsDock", "DatasetDock", "InspectorDock"):
        w.docks[name].close()
    screen = w.screen().availableGeometry()
    qtbot.waitUntil(lambda: w.minimumSize().width() < screen.width() - 40)
    w.setGeometry(screen.x() + 10, screen.y() + 40, screen.width() - 40, screen.height() - 60)  # frame on screen
    qtbot.waitUntil(lambda: w.width() == screen.width() - 40)
    state, geometry = w.saveState(LAYOUT_VERSION), w.geometry()
    docks = {n: (d.isVisible(), d.geometry()) for n, d in w.docks.items()}
    for _ in range(2):  # twice: the second entry must not leave anything of the first behind
        w.presentation.enter()
        qtbot.waitUntil(lambda: w.geometry() == w.screen().geometry())  # in presentation: full screen
        w.presentation.leave()
        qtbot.waitUntil(lambda: w.saveState(LAYOUT_VERSION) == state, timeout=3000)
        qtbot.waitUntil(lambda: w.geometry() == geometry, timeout=3000)
        assert {n: (d.isVisible(), d.geometry()) for n, d in w.docks.items()} == docks


def test_presentation_nothing_is_cut_at_the_edges(qtbot, window):
    """Styled labels follow the font; the key card stays inside; legends, ticks and titles fit their plots."""
    from PySide6.QtGui import QFontMetrics

    w = window
    w.presentation.enter()
    keys = w.presentation.keys
    qtbot.waitUntil(keys.isVisible)
    styled = [x for x in w.findChildren(QWidget) if x.styleSheet() and x is not keys]
    assert styled and all(QFontInfo(x.font()).pixelSize() >= MIN_PIXELS for x in styled), \
        [type(x).__name__ for x in styled if QFontInfo(x.font()).pixelSize() < MIN_PIXELS]
    card, room = keys.geometry(), keys.parentWidget().rect()
    hint = keys.sizeHint()  # what its rows need
    assert room.contains(card) and hint.width() <= keys.width() + 1 and hint.height() <= keys.height() + 1
    qtbot.waitUntil(lambda: w.geometry() == w.screen().geometry())  # the full-screen layout
    for name in ("loss", "decision"):
        item = w.plot_views()[name].plot_widget.getPlotItem()
        widget = w.plot_views()[name].plot_widget
        qtbot.waitUntil(lambda item=item, widget=widget: item.legend.mapRectToScene(item.legend.boundingRect()).right()
                        <= widget.viewport().width() + 1)  # the legend's every entry inside its plot
        font = item.getAxis("left").style["tickFont"]
        half = QFontMetrics(font).height() / 2
        view = item.getViewBox().sceneBoundingRect()
        assert view.top() >= half and view.right() <= widget.viewport().width() - half  # end ticks not cut
    loss = w.plot_views()["loss"].plot_widget.getPlotItem()
    bottom, left = loss.getAxis("bottom"), loss.getAxis("left")
    line = QFontMetrics(bottom.style["tickFont"]).height()
    assert bottom.height() >= line + bottom.label.boundingRect().height()  # ticks and "iteration t" apart
    assert left.width() >= QFontMetrics(left.style["tickFont"]).horizontalAdvance("0.25") + left.label.boundingRect().height()
    w.presentation.leave()
    assert all(QFontInfo(x.font()).pixelSize() < MIN_PIXELS for x in styled if x is not keys)
