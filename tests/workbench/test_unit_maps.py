"""Unit maps: the probe computes y_j^(k) over the plane in the worker; the designer draws them in its units."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine import Network
from engine.analysis.unit_maps import unit_maps
from engine.io.experiment import default_experiment
from engine.run import build
from tests.workbench.gui_support import wait_snapshot
from workbench.designer import DesignerPanel
from workbench.designer.maps import LUT, MAX_MAP_UNITS, map_pixels
from workbench.panels.unit_maps import UnitMapProbe, grid_for
from workbench.worker import commands as wc


@pytest.fixture
def run():
    return build(default_experiment())


def test_unit_map_probe_computes_every_layer_from_the_live_network(run):
    probe = UnitMapProbe()
    probe.configure(grid_for(run.data))
    run.trainer.run(steps=5)
    payload = probe.compute(run.trainer, paused=True)
    assert payload.sizes == run.network.sizes and payload.iteration == 5
    expected = unit_maps(run.trainer.network, probe.grid)
    for got, want in zip(payload.maps, expected):
        np.testing.assert_array_equal(got, want)
        assert not got.flags.writeable
    before = run.trainer.network.parameters.copy()
    probe.compute(run.trainer, paused=False)
    np.testing.assert_array_equal(run.trainer.network.parameters, before)  # it only reads


def test_unit_map_probe_refuses_a_grid_of_another_run_and_costs_nothing_when_off(run):
    probe = UnitMapProbe()
    assert probe.compute(run.trainer, True) is None  # no grid yet
    probe.configure(grid_for(run.data.with_features(("x1^2",))))  # n_0 = 3: not this trainer's
    assert probe.compute(run.trainer, True) is None
    probe.configure(grid_for(run.data))
    probe.enabled = False
    assert probe.compute(run.trainer, True) is None


def test_unit_map_colours_run_from_negative_through_white_to_positive():
    values = np.array([[[-1.0], [0.0]], [[1.0], [0.5]]])  # (G=2, G, n=1); row 0 is the lowest x2
    px = map_pixels(values, -1.0, 1.0)
    assert px.shape == (1, 2, 2, 4)
    np.testing.assert_array_equal(px[0, 1, 0], LUT[0])     # bottom-left: −1 → orange end
    np.testing.assert_array_equal(px[0, 0, 0], LUT[256])   # top-left: +1 → blue end
    assert tuple(px[0, 1, 1, :3]) == (255, 255, 255)       # 0 → white


@pytest.fixture
def panel(qtbot, run):
    p = DesignerPanel(run.network.copy(), ["x1", "x2"], ["P(1)"], "binary")
    qtbot.addWidget(p)
    p.resize(900, 500)
    p.show()
    qtbot.waitExposed(p)
    return p


def _payload(run):
    probe = UnitMapProbe()
    probe.configure(grid_for(run.data))
    return probe.compute(run.trainer, True)


def test_unit_maps_are_drawn_in_every_hidden_and_output_unit_and_explained_on_hover(panel, run):
    view = panel.view
    assert view.map_items is None and not panel.maps_action.isEnabled()  # no 2-D data said yet
    view.set_maps(available=True)
    assert view.map_items is not None and panel.maps_action.isEnabled() and panel.maps_action.isChecked()
    assert view.show_unit_maps(_payload(run))
    drawn = {(c, int(j)) for c in range(run.network.N + 1) for j in view._cols[c][0]}  # inputs too
    assert set(view.map_items.items) == drawn
    size = round(2 * view._radius)  # the 24×24 map, scaled once to the unit
    assert all(item.isVisible() and item.pixmap().width() == size for item in view.map_items.items.values())
    tip = view.tooltip_at(view.unit_pos(1, 2))
    assert "over the input plane" in tip and "colour:" in tip and "tanh" in tip
    assert "click" in tip
    assert "this input over the plane" in view.tooltip_at(view.unit_pos(0, 1))
    assert set(view.map_items.previews) == {"x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"}  # unused features
    assert all(p.isVisible() and p.opacity() < 1 for p in view.map_items.previews.values())
    x1 = view.map_items.items[(0, 0)].pixmap().toImage()
    mid = size // 2
    assert x1.pixelColor(1, mid).red() > x1.pixelColor(size - 2, mid).red()  # x1 grows to the right: orange → blue


def test_unit_map_toggle_and_automatic_off_above_the_documented_width(panel, run):
    view = panel.view
    view.set_maps(available=True)
    panel.maps_action.trigger()  # off
    assert not view.maps_wanted and view.map_items is None
    panel.maps_action.trigger()  # on again
    assert view.map_items is not None
    view.select_layer(1)
    panel.editor.set_units(1, MAX_MAP_UNITS + 1)
    assert not view.maps_active and view.map_items is None
    assert not panel.maps_action.isEnabled() and f"more than {MAX_MAP_UNITS}" in panel.maps_action.toolTip()
    panel.editor.undo()
    assert view.map_items is not None


def test_clicking_a_unit_with_maps_asks_for_its_map_large(qtbot, panel, run):
    view = panel.view
    view.set_maps(available=True)
    view.show_unit_maps(_payload(run))
    with qtbot.waitSignal(view.unitMapRequested) as blocker:
        QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(view.unit_pos(2, 3)))
    assert blocker.args == [2, 3]


def test_unit_maps_live_in_the_window_and_a_click_shows_one_large(qtbot, window):
    view = window.designer.view
    assert view.maps_active
    qtbot.waitUntil(lambda: view.unit_maps is not None and bool(view.map_items.ranges), timeout=10_000)
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(view.unit_pos(1, 0)))
    popup = window.panels["NetworkDesignerDock"].map_window
    qtbot.waitUntil(popup.isVisible)
    wait_snapshot(qtbot, window, lambda s: s.probes.get("unit-maps") is not None)
    qtbot.waitUntil(lambda: popup.image.image is not None, timeout=10_000)
    assert popup.image.image.shape == (120, 120) and "layer 1" in popup.caption.text()
    decision = window.panels["DecisionView"].widget
    assert abs(popup.width() - decision.width()) <= 2 and abs(popup.height() - decision.height()) <= 2
    # training: the thumbnails follow the weights. While running, the designer draws in its turn of the
    # frame cycle (a loaded machine may take many seconds to get there); once paused every panel
    # redraws, so the maps of the trained weights must arrive whatever the machine's load.
    first = view.unit_maps
    window.controller.send(wc.Start())
    wait_snapshot(qtbot, window, lambda s: s.state == "running" and s.iteration > 0, timeout=20_000)
    window.controller.send(wc.Pause())
    trained = wait_snapshot(qtbot, window, lambda s: s.state != "running", timeout=20_000).iteration
    qtbot.waitUntil(lambda: view.unit_maps is not first and view.unit_maps.iteration == trained, timeout=20_000)
    popup.close()


def test_unit_maps_are_off_for_data_that_is_not_two_dimensional(qtbot):
    net = Network.create([3, 4, 1], ["tanh", "sigmoid"], seed=0)
    p = DesignerPanel(net, ["a", "b", "c"], ["P(1)"], "binary")
    qtbot.addWidget(p)
    p.view.set_maps(available=False)
    assert p.view.map_items is None and "2-D inputs only" in p.maps_action.toolTip()
    assert p.view.tooltip_at(p.view.unit_pos(1, 0)) is not None  # plain tooltip still


def test_unit_map_probe_in_the_worker_keeps_training_bit_identical():
    from workbench.session import Session
    from workbench.worker.core import TrainingCore

    run = Session().build()
    probe = UnitMapProbe()
    probe.configure(grid_for(run.data))
    core = TrainingCore(run, probes=[probe])
    core.handle(wc.WantProbe(probe.name, True))
    core.handle(wc.Start())
    while core.run.trainer.iteration < 60:
        core.work(budget=0.002)
        core.publish(force=True)
    core.handle(wc.Pause())
    final = core.run.trainer
    ref = Session().build().trainer
    ref.run(steps=final.iteration)
    assert np.array_equal(final.network.parameters, ref.network.parameters)
    assert final._rng.bit_generator.state == ref._rng.bit_generator.state
    maps = core.latest().probes[probe.name]
    assert maps.iteration == final.iteration  # paused: computed at once for the last state


def test_unit_map_of_a_diverged_network_is_white_not_an_error():
    values = np.array([[[np.nan], [np.inf]], [[-np.inf], [1.0]]])
    px = map_pixels(values, *(-np.inf, np.inf))
    assert px.shape == (1, 2, 2, 4) and tuple(px[0, 1, 0, :3]) == (255, 255, 255)


def test_unit_map_window_draws_with_the_examples_and_closes_when_its_unit_is_gone(qtbot, run):
    from workbench.panels.unit_map_window import RESOLUTION, UnitMapWindow

    popup = UnitMapWindow()
    qtbot.addWidget(popup)
    popup.set_data(run.data)
    assert len(popup.points.data) == run.data.n_train
    popup.show_unit(2, 7)
    assert popup.draw(run.network, run.network.parameters)
    assert popup.image.image.shape == (RESOLUTION, RESOLUTION) and "unit 8 of hidden layer 2" in popup.caption.text()
    assert not popup.draw(run.network, run.network.parameters)  # the same θ: nothing to do
    smaller = Network.create([2, 8, 1], ["tanh", "sigmoid"], seed=0)
    assert not popup.draw(smaller, smaller.parameters) and not popup.isVisible()


def test_clicking_an_input_unit_with_maps_asks_for_its_map_large(qtbot, panel, run):
    view = panel.view
    view.set_maps(available=True)
    view.show_unit_maps(_payload(run))
    assert "click: this map large" in view.tooltip_at(view.unit_pos(0, 1))
    with qtbot.waitSignal(view.unitMapRequested) as blocker:
        QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(view.unit_pos(0, 1)))
    assert blocker.args == [0, 1]
    view.set_maps(wanted=False)  # maps off: a click on an input only selects it
    with qtbot.assertNotEmitted(view.unitMapRequested):
        QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(view.unit_pos(0, 1)))


@pytest.mark.parametrize("feature, j, label", [(None, 0, "x1"), (None, 1, "x2"), ("x1*x2", 2, "x₁·x₂")])
def test_unit_map_window_shows_an_input_or_a_derived_feature_large(qtbot, run, feature, j, label):
    from workbench.panels.unit_map_window import RESOLUTION, UnitMapWindow

    data = run.data.with_features((feature,)) if feature else run.data
    net = Network.create([data.n_inputs, 4, 1], ["tanh", "sigmoid"], seed=0)
    popup = UnitMapWindow()
    qtbot.addWidget(popup)
    popup.set_data(data)
    popup.show_unit(0, j)
    assert popup.draw(net, None)  # an input needs no weights
    image = popup.image.image
    assert image.shape == (RESOLUTION, RESOLUTION)
    x, y = popup.grid.points[:, 0].reshape(image.shape), popup.grid.points[:, 1].reshape(image.shape)
    np.testing.assert_array_equal(image, [x, y, x * y][j])  # y_j^(0) over the plane, as the network sees it
    lo, hi = popup.image.levels
    assert lo == -hi and hi == pytest.approx(np.abs(image).max())  # its own symmetric scale, as the thumbnail
    assert f"<b>{label}</b>" in popup.caption.text() and f"input {j + 1}" in popup.caption.text()
    assert not popup.draw(net, None)  # drawn once: the plane does not change while training
    if feature:  # the feature taken off: its unit is gone, the window closes
        smaller = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=0)
        assert not popup.draw(smaller, smaller.parameters) and not popup.isVisible()


def test_unit_maps_toggle_has_a_key_of_its_own_in_its_tip_and_the_view_menu(qtbot, window):
    from PySide6.QtGui import QAction, QKeySequence

    action = window.designer.maps_action
    key = action.shortcut()
    assert not key.isEmpty() and key.toString(QKeySequence.NativeText) in action.toolTip()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions()  # the menu shows the key beside "Unit maps"
    others = [a for a in window.findChildren(QAction) if a is not action]
    assert all(key not in a.shortcuts() for a in others), [a.text() for a in others if key in a.shortcuts()]
    view = window.designer.view
    assert view.maps_active
    window.activateWindow()
    qtbot.keyClick(view, Qt.Key_M, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not view.maps_active)
    assert view.map_items is None and not action.isChecked()
    qtbot.keyClick(window.decision.plot_widget, Qt.Key_M, Qt.ControlModifier)  # from anywhere in the window
    qtbot.waitUntil(lambda: view.maps_active)


def test_clicking_an_input_unit_keeps_every_unit_map_alive(qtbot, panel, run):
    import gc

    import shiboken6

    view = panel.view
    view.set_maps(available=True)
    view.show_unit_maps(_payload(run))
    for j in (0, 1):  # the click walks from the map up to the input's circle: a fresh wrapper of it
        QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(view.unit_pos(0, j)))
        gc.collect()
    assert all(shiboken6.isValid(item) for item in view.map_items.items.values())
    assert view.show_unit_maps(_payload(run))  # the next frame paints them (no "already deleted")
