"""Legends below a curve plot follow its width: in a narrow dock they wrap instead of being cut off."""

from workbench.plots.curves import History, LossView


def _shown(qtbot, width):
    view = LossView(History())
    qtbot.addWidget(view)
    view.resize(width, 320)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_legend_below_a_narrow_plot_wraps_and_stays_inside(qtbot):
    view = _shown(qtbot, 260)
    legend = view.plot.legend
    qtbot.waitUntil(lambda: legend.columnCount < 3)
    right = legend.mapRectToScene(legend.boundingRect()).right()
    assert right <= view.plot_widget.viewport().width() + 1


def test_legend_below_a_wide_plot_keeps_one_row(qtbot):
    view = _shown(qtbot, 900)
    legend = view.plot.legend
    qtbot.waitUntil(lambda: view.plot.geometry().width() > 800)
    assert legend.columnCount == 3
