"""The rough edges a lecturer hit (issue 14): each defect, the thing a student would see."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFontMetrics

from engine.data.toys import BUILTIN
from engine.io.experiment import Experiment, default_experiment, examples
from engine.training.history import Event
from tests.workbench.gui_support import make_window, wait_snapshot
from tests.workbench.test_bounded_curves import _snapshot
from workbench.plots.curves import AccuracyView, History, LossView, log_tick_labels
from workbench.plots.decision import aspect_ratio
from workbench.session import Session


def _regression(seed=0):
    exp = default_experiment().to_dict()
    exp["dataset"] = {"builtin": "sine", "samples": 60, "noise": 0.05, "test_fraction": 0.25}
    exp["network"] = {"sizes": [1, 8, 1], "activations": ["tanh", "identity"]}
    exp["training"]["divergence"] = "l2"
    return Session(Experiment.from_dict(exp))


def test_decision_view_keeps_its_aspect_ratio_when_resized(qtbot, window):
    from workbench.plots.decision import DecisionView

    view = DecisionView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    view.set_run(window.panels["DecisionView"].run)
    vb = view.plot.getViewBox()
    for width, height in ((760, 300), (460, 700)):  # within the 800×800 offscreen screen
        view.resize(width, height)
        qtbot.waitUntil(lambda w=width, h=height: view.plot_widget.height() > h - 40
                        and view.plot_widget.width() == max(w, view.minimumSizeHint().width()))
        sx, sy = vb.viewPixelSize()
        assert abs(sx / sy - 1) < 1e-6  # a unit of x1 is as long as a unit of x2: spirals stay round
    assert aspect_ratio((2.0, 2.5)) == 1.0  # comparable extents: equal scales
    assert aspect_ratio((10.0, 1000.0)) == 100.0  # mm against g: a square picture


def test_legends_sit_outside_the_data(qtbot, window):
    for name in ("decision", "loss", "accuracy"):
        item = window.plot_views()[name].plot_widget.getPlotItem()
        qtbot.waitUntil(lambda item=item: item.legend.items and item.legend.sceneBoundingRect().width() > 0)
        legend, data = item.legend.sceneBoundingRect(), item.getViewBox().sceneBoundingRect().adjusted(1, 1, -1, -1)
        assert not legend.intersects(data), name


def test_setting_change_labels_never_overprint_and_sit_on_a_card(qtbot):
    history = History()
    events = tuple(Event(step, name, value) for step, name, value in (
        (100, "divergence", "cross_entropy"), (100, "label_smoothing", 0.0), (104, "learning_rate", 0.5),
        (108, "batch_size", 20), (300, "learning_rate", 0.05)))
    history.update(_snapshot(0, 400, events))
    view = LossView(history)
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    view.refresh()
    view._marked = None
    view.refresh()  # laid out at the final size
    labels = [m.label for m in view._markers]
    assert len(labels) == 4
    rects = [label.sceneBoundingRect() for label in labels]
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            assert not rects[a].intersects(rects[b]), (labels[a].toPlainText(), labels[b].toPlainText())
    assert all(label.fill.color().alpha() > 200 for label in labels)  # readable over the band


def test_log_axis_labels_share_one_style():
    assert log_tick_labels(np.log10([1e-5, 1e-4, 2e-4])) == ["10⁻⁵", "10⁻⁴", "2·10⁻⁴"]  # not "0.0001"
    assert log_tick_labels(np.log10([0.01, 0.5, 2, 50])) == ["0.01", "0.5", "2", "50"]


def test_after_reset_the_plots_leave_the_old_ranges(qtbot, window):
    w = window
    w.step_iteration()
    w.run_training()
    wait_snapshot(qtbot, w, lambda s: s.iteration > 3000)
    w.pause()
    loss = w.plot_views()["loss"]
    qtbot.waitUntil(lambda: loss.plot.getViewBox().viewRange()[0][1] > 1000)
    w.reset_run()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 0)
    for name in ("loss", "accuracy", "gradient-norms"):
        view = w.plot_views()[name]
        view.refresh()
        assert view.plot.getViewBox().viewRange()[0][1] < 10, name


def test_greyed_accuracy_of_a_regression_has_an_empty_range(qtbot):
    history = History()
    snap = _snapshot(0, 100)
    t = np.array([50.0, 100.0])
    snap.evaluations = type(snap.iterations)(start=0, end=2, columns={
        "step": t, "epoch": t / 10, "train_loss": t * 0 + 1, "train_accuracy": t * np.nan,
        "test_loss": t * 0 + 1, "test_accuracy": t * np.nan})
    history.update(snap)
    view = AccuracyView(history)
    qtbot.addWidget(view)
    view.refresh()
    (x0, x1), _ = view.plot.getViewBox().viewRange()
    assert x1 < 10  # not 100.2 … 100.8 around a lone evaluation without accuracy


def test_regression_view_axis_has_no_si_scale_label(qtbot, settings):
    w = make_window(qtbot, settings, _regression())
    for side in ("left", "bottom"):
        axis = w.decision.plot.getAxis(side)
        assert not axis.autoSIPrefix
        axis.setRange(0, 8e126)
        assert "x1e" not in axis.labelString()
    w.shutdown_worker()


def test_spirals_k_description_reads_as_a_sentence():
    text = BUILTIN["spirals_k"].description
    assert text[0].isupper() and "`" not in text and "one per class" in text


def test_dataset_tab_describes_an_opened_file(qtbot, window):
    page = window.data_panel.builtin
    assert page.description_label.text() == BUILTIN["spirals"].description
    assert window.open_path(str(examples()["sine_regression"]))
    qtbot.waitUntil(lambda: page.description_label.text() == BUILTIN["sine"].description)


def test_use_this_dataset_is_above_the_preview(qtbot, window):
    panel = window.data_panel
    panel.builtin.combo.setCurrentIndex(panel.builtin.combo.findData("spirals_k"))
    qtbot.waitUntil(lambda: "classes" in panel.builtin.param_spins)
    assert panel.apply_button.mapTo(panel, panel.apply_button.rect().topLeft()).y() < \
        panel.preview.mapTo(panel, panel.preview.rect().topLeft()).y()


def test_layer_heatmaps_count_units_from_one(qtbot, window):
    layer = window.inspector.layer
    layer.weight_map.set_data(np.ones((3, 4), np.float32))
    ticks = layer.weight_map.plot.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks][:2] == ["1", "2"]


def test_layer_table_headers_are_not_cut(qtbot, window):
    layer = window.inspector.layer
    window.docks["InspectorDock"].show()
    window.docks["InspectorDock"].raise_()
    window.step_iteration()
    qtbot.waitUntil(lambda: layer.table.rowCount() > 0)
    header = layer.table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    for col in range(layer.table.columnCount()):
        text = layer.table.horizontalHeaderItem(col).text()
        widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        assert header.sectionSize(col) >= widest, text


def test_value_note_says_one_update(qtbot, window):
    from workbench.inspector.notation import plural

    assert plural(1, "update") == "1 update" and plural(2, "update") == "2 updates" and plural(0, "update") == "0 updates"


def test_sample_caption_counts_iterations_as_the_status_bar(qtbot, window):
    w = window
    w.docks["InspectorDock"].show()
    w.docks["InspectorDock"].raise_()
    w.step_phase()
    snap = wait_snapshot(qtbot, w, lambda s: s.mid_iteration)
    weight = w.inspector.weight
    qtbot.waitUntil(lambda: "in progress" in weight.sample_label.text())
    assert f"iteration {snap.iteration};" in weight.sample_label.text()
    assert w.status_labels["iteration"].text() == f"iteration {snap.iteration}"


def test_loss_axis_title_is_never_cut_off(qtbot):
    """A short loss plot (1280×720) shows the title that fits along its axis; a tall one the formula."""
    view = LossView(History())
    qtbot.addWidget(view)
    axis = view.plot.getAxis("left")
    view.show()
    for height, font in ((700, None), (170, None), (700, "27px"), (260, "27px")):
        if font:
            axis.setLabel(axis.labelText, **{"font-size": font})  # as presentation mode does
        view.resize(420, height)
        qtbot.waitUntil(lambda h=height: abs(view.height() - h) <= 1 and abs(axis.size().height() - h) < 120)
        text = " ".join(axis.label.toPlainText().split())  # HTML folds the double space
        assert text in [" ".join(t.split()) for t in axis.titles], (height, font)
        assert axis.label.boundingRect().width() <= axis.size().height(), (height, font)
        if height == 700 and font is None:
            assert text == "loss (1/T) Σ Div(y, d)"
        if height == 170:
            assert text != "loss (1/T) Σ Div(y, d)"
