"""The designer, dataset panel and inspector inside the real main window (issues 5, 6, 7)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from engine.run import build
from tests.workbench.gui_support import wait_snapshot
from workbench.datapanel.panel import TAB_DRAW


def worker_read(w, fn):
    """Read the worker's live objects the legal way: in its thread, between iterations."""
    return w.worker.call(fn)


def paused(qtbot, w):
    w.pause()
    return wait_snapshot(qtbot, w, lambda s: s.state == "paused")


def undo_key(qtbot, w, redo=False):
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow() or True)
    mods = Qt.ControlModifier | (Qt.ShiftModifier if redo else Qt.NoModifier)
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_Z, mods)


def test_add_layer_trains_on_and_undo_restores(qtbot, window):
    w = window
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    w.run_training()
    wait_snapshot(qtbot, w, lambda s: s.state == "running" and s.iteration > 50)
    before_sizes = worker_read(w, lambda run: run.network.sizes)
    ed = w.designer.editor
    assert ed.add_layer(1, units=3)  # as the toolbar's "Add layer" does
    new_sizes = worker_read(w, lambda run: run.network.sizes)
    assert new_sizes == (before_sizes[0], 3, *before_sizes[1:])
    old_net = w.undo_stack.command(w.undo_stack.index() - 1).old  # weights at the edit
    run_id = w.controller.run_id
    snap = wait_snapshot(qtbot, w, lambda s: s.run_id == run_id and s.state == "running" and s.iteration > 20)
    assert np.isfinite(snap.loss)  # training continued on the new network
    assert w.session.experiment.network.sizes == new_sizes
    undo_key(qtbot, w)
    qtbot.waitUntil(lambda: w.controller.run_id == run_id + 1)
    w.pause()
    theta, sizes = worker_read(w, lambda run: (run.network.parameters.copy(), run.network.sizes))
    assert sizes == before_sizes
    # the run restarted from exactly the weights at the edit (it may have trained since: compare the start)
    first = w.designer.editor.network
    assert first.sizes == before_sizes
    np.testing.assert_array_equal(first.parameters, old_net.parameters)


def test_select_weight_edit_and_undo(qtbot, window):
    w = window
    w.docks["InspectorDock"].show()
    w.docks["InspectorDock"].raise_()
    w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 1 and s.probes.get("inspector") is not None)
    view = w.designer.view
    p = view.mapFromScene(view.edge_point(2, 1, 0, 0.1))  # near its start: edges cross in the middle
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=p)
    assert view.selection[0] == "weight"
    k, i, j = view.selection[1:]
    assert view.edge_at(view.mapToScene(p)) == (k, i, j)
    assert w.inspector.selection() == (k, i, j)  # the inspector shows the clicked weight
    old = worker_read(w, lambda run: float(run.network.W[k][i, j]))
    qtbot.waitUntil(lambda: w.inspector.weight_value(k, i, j) == old)
    loss_text = w.status_labels["loss"].text()
    w.inspector.weightEdited.emit(k, i, j, old + 1.5)  # as the value box does when edited
    qtbot.waitUntil(lambda: worker_read(w, lambda run: float(run.network.W[k][i, j])) == old + 1.5)
    snap = wait_snapshot(qtbot, w, lambda s: s.edited_loss is not None)
    assert w.status_labels["loss"].text() != loss_text
    qtbot.waitUntil(lambda: w.inspector.weight_value(k, i, j) == old + 1.5)
    np.testing.assert_array_equal(view.parameters, snap.parameters)  # the designer got the frame
    undo_key(qtbot, w)
    qtbot.waitUntil(lambda: worker_read(w, lambda run: float(run.network.W[k][i, j])) == old)


def test_inspector_step_bar_is_bit_identical_to_headless(qtbot, window):
    w = window
    w.docks["InspectorDock"].show()
    wait_snapshot(qtbot, w, lambda s: s.state == "paused" and s.probes.get("inspector") is not None)
    bar = w.inspector.step_bar
    N = len(w.controller.view_run.network.sizes) - 1
    phases = 2 * N + 2
    for _ in range(2 * phases):
        label = bar.next_label.text()
        button = next(b for b in (bar.forward_button, bar.backward_button, bar.update_button) if b.isEnabled())
        button.click()
        # the phase label advances (consecutive labels always differ)
        snap = wait_snapshot(qtbot, w, lambda s, label=label: w.inspector.state is s.probes.get("inspector")
                             and bar.next_label.text() != label)
    assert snap.iteration == 2 and not snap.mid_iteration
    headless = build(w.session.experiment)
    headless.trainer.run(steps=2)
    theta = worker_read(w, lambda run: run.network.parameters.copy())
    np.testing.assert_array_equal(theta, headless.network.parameters)


def test_other_dataset_same_sizes_swaps_data_keeping_weights(qtbot, window):
    w = window
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    x_before = worker_read(w, lambda run: run.trainer.x.copy())
    theta = worker_read(w, lambda run: run.network.parameters.copy())
    w.data_panel.choose_builtin("moons")
    w.data_panel.apply()
    qtbot.waitUntil(lambda: worker_read(w, lambda run: run.dataset.name) == "moons")
    x_after, theta_after = worker_read(w, lambda run: (run.trainer.x.copy(), run.network.parameters.copy()))
    assert x_after.shape != x_before.shape or not np.array_equal(x_after, x_before)
    np.testing.assert_array_equal(theta_after, theta)
    w.run_training()
    run_id = w.controller.run_id
    wait_snapshot(qtbot, w, lambda s: s.run_id == run_id and s.iteration > 20)


def test_dataset_with_more_classes_asks_resizes_and_undoes(qtbot, window):
    w = window
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    sizes = worker_read(w, lambda run: run.network.sizes)
    theta = worker_read(w, lambda run: run.network.parameters.copy())
    w.data_panel.choose_builtin("blobs", classes=3) if "classes" in w.data_panel.param_spins else None
    w.data_panel.choose_builtin("blobs")
    choice = w.data_panel.apply()
    assert choice.n_outputs != sizes[-1]
    assert w.banner.isVisible() and "re-initialised" in w.banner.label.text()  # told first
    assert worker_read(w, lambda run: run.network.sizes) == sizes  # nothing done yet
    w.banner.accept_button.click()
    qtbot.waitUntil(lambda: worker_read(w, lambda run: run.network.sizes[-1]) == choice.n_outputs)
    assert w.designer.editor.network.sizes[-1] == choice.n_outputs
    assert w.session.experiment.training.divergence == "cross_entropy"
    undo_key(qtbot, w)
    qtbot.waitUntil(lambda: worker_read(w, lambda run: run.network.sizes) == sizes)
    np.testing.assert_array_equal(worker_read(w, lambda run: run.network.parameters.copy()), theta)
    assert w.session.experiment.training.divergence == "bce"
    assert "spirals" in w.data_panel.current_choice.summary()


def test_digits_slice_view_with_caption(qtbot, window):
    w = window
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    w.data_panel.choose_bundled("digits")
    w.banner.accept_button.click()
    qtbot.waitUntil(lambda: worker_read(w, lambda run: run.network.sizes[0]) == 64)
    title = w.decision.plot.titleLabel.text
    assert "held at" in title or "mean" in title
    w.data_panel.axis_picker.set_slice_axes(3, 5)
    assert w.decision._grid.axes == (3, 5)
    wait_snapshot(qtbot, w, lambda s: s.parameters.size == w.designer.editor.network.layout.size)
    qtbot.waitUntil(lambda: w.decision._drawn_params is not None)


def test_draw_three_points_in_central_view(qtbot, window):
    w = window
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    w.docks["DatasetDock"].show()
    w.docks["DatasetDock"].raise_()
    w.data_panel.tabs.setCurrentIndex(TAB_DRAW)
    tool = w.draw_tool
    assert tool.is_active()
    plot = w.decision.plot_widget
    for x, y, mod in ((-0.5, -0.5, Qt.NoModifier), (0.5, 0.5, Qt.ShiftModifier), (0.5, -0.5, Qt.NoModifier)):
        pos = plot.mapFromScene(tool.view_to_scene(x, y))
        QTest.mousePress(plot.viewport(), Qt.LeftButton, mod, QPoint(pos.x(), pos.y()))
        QTest.mouseRelease(plot.viewport(), Qt.LeftButton, mod, QPoint(pos.x(), pos.y()))
    assert len(w.data_panel.points) == 3
    w.data_panel.apply()
    qtbot.waitUntil(lambda: worker_read(w, lambda run: run.dataset.n_samples) == 3)
    assert "points" in w.session.experiment.to_dict()["dataset"]


def test_units_are_numbered_from_one_in_designer_and_inspector(qtbot, window):
    """Signals and APIs stay 0-based (W[i, j]); both panels show w_ij^(k) with i, j from 1."""
    w = window
    w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 1 and s.probes.get("inspector") is not None)
    w.designer.view.select_weight(2, 0, 3)  # engine indices: W^(2)[0, 3]
    assert w.inspector.selection() == (2, 0, 3)
    weight = w.inspector.weight
    assert "<sub>1,4</sub><sup>(2)</sup>" in weight.title_label.text()
    assert "from unit 1 of layer 1 to unit 4 of layer 2" in weight.title_label.text()
    assert (weight.i_spin.value(), weight.j_spin.value()) == (1, 4)
    weight.j_spin.setValue(2)  # the picker is 1-based too
    assert w.inspector.selection() == (2, 0, 1)
    assert w.designer.view.selection == ("weight", 2, 0, 1)
    view = w.designer.view
    tip = view.tooltip_at(view.edge_point(2, 0, 1, 0.1))
    assert tip is not None and "12" in tip.replace(",", "").replace("₁", "1").replace("₂", "2")
    w.inspector.select_unit(3, 0)
    assert "Unit j = 1 of layer k = 3" in weight.unit_box.title()
