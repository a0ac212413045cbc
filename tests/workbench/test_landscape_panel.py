"""The loss-landscape dock: its payload arrives via the probe, equals the engine's, keeps training bit-identical;
its controls (axes, span, resolution, slice), the path with its real loss, the slice's curvature, a click that moves θ."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis.directions import filter_normalized, named_direction
from engine.analysis.landscape import landscape, line_slice, projected_gradient
from engine.analysis.training_loss import TrainingLoss
from tests.workbench.gui_support import wait_snapshot
from workbench.panels.landscape import LandscapePayload, LandscapeProbe
from workbench.session import Session
from workbench.worker import TrainingCore
from workbench.worker import commands as c


def open_dock(qtbot, window, name="LandscapeDock"):
    dock = window.docks[name]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: window.panels[name].view.isVisible())
    return window.panels[name]


def test_landscape_payload_arrives_and_equals_the_engine(qtbot, window):
    panel = open_dock(qtbot, window)
    for _ in range(2):
        window.step_iteration()
    snap = wait_snapshot(qtbot, window, lambda s: s.iteration == 2 and getattr(s.probes.get("landscape"), "iteration", -1) == 2)
    payload = snap.probes["landscape"]
    qtbot.waitUntil(lambda: panel.view.payload is payload)
    trainer = Session().build().trainer
    for _ in range(2):
        trainer.step()
    loss = TrainingLoss.of_trainer(trainer)
    theta = trainer.network.parameters
    e1, e2 = filter_normalized(loss.layout, theta, 0), filter_normalized(loss.layout, theta, 1)
    ref = landscape(loss, theta, e1, e2, 1.0, 31)
    assert np.array_equal(payload.surface.loss, ref.loss)
    assert np.allclose(payload.gradient, projected_gradient(e1, e2, loss.gradient(theta)[1]))
    assert panel.view.lines.xData is not None and len(panel.view.labels) > 0


@pytest.mark.parametrize("choice", ["pca", "hessian"])
def test_landscape_direction_choice_reaches_the_probe(qtbot, window, choice):
    panel = open_dock(qtbot, window)
    for _ in range(4):
        window.step_iteration()
    wait_snapshot(qtbot, window, lambda s: s.iteration == 4)
    panel.view.combo.setCurrentIndex(panel.view.combo.findData(choice))
    snap = wait_snapshot(qtbot, window, lambda s: getattr(s.probes.get("landscape"), "directions", "") == choice)
    payload = snap.probes["landscape"]
    assert payload.note == "" and payload.surface.loss.shape == (31, 31)
    assert not np.allclose(payload.surface.e1, filter_normalized(TrainingLoss.of_trainer(Session().build().trainer).layout,
                                                                 Session().build().trainer.network.parameters, 0))


def test_landscape_probe_keeps_training_bit_identical():
    probe = LandscapeProbe()
    probe.interval = 0.0
    core = TrainingCore(Session().build(), probes=[probe])
    core.handle(c.WantProbe("landscape", True))
    core.handle(c.Start())
    while core.run.trainer.iteration < 40:
        core.work(budget=0.002)
        core.publish(force=True)
    core.handle(c.Pause())
    while core.probes.pending:
        core.work_probes()
    final = core.run.trainer
    ref = Session().build().trainer
    for _ in range(final.iteration):
        ref.step()
    assert not final.mid_iteration
    assert np.array_equal(final.network.parameters, ref.network.parameters)
    assert final._rng.bit_generator.state == ref._rng.bit_generator.state
    assert isinstance(core.latest().probes["landscape"], LandscapePayload)


def test_landscape_dock_open_while_training_is_bit_identical_to_headless(qtbot, window):
    panel = open_dock(qtbot, window)
    window.toggle_run()
    wait_snapshot(qtbot, window, lambda s: s.state == "running" and s.iteration >= 30 and "landscape" in s.probes)
    window.pause()
    snap = wait_snapshot(qtbot, window, lambda s: s.state == "paused" and not s.mid_iteration)
    qtbot.waitUntil(lambda: panel.view.payload is not None)
    ref = Session().build().trainer
    for _ in range(snap.iteration):
        ref.step()
    np.testing.assert_array_equal(snap.parameters, ref.network.parameters)


# -- the controls, the path, the slice, the move (issue 11 part 2) ---------------------------------
def landscape_payload(qtbot, window, predicate, timeout=30_000):
    snap = wait_snapshot(qtbot, window, lambda s: s.probes.get("landscape") is not None and predicate(s.probes["landscape"]),
                         timeout=timeout)
    return snap.probes["landscape"]


def test_landscape_span_and_resolution_apply_at_once_or_are_refused_with_a_reason(qtbot, window):
    panel = open_dock(qtbot, window)
    controls = panel.view.controls
    controls.resolution.setValue(41)
    controls.span.setValue(0.5)
    payload = landscape_payload(qtbot, window, lambda p: p.surface.loss.shape == (41, 41) and p.surface.a[-1] == 0.5)
    qtbot.waitUntil(lambda: panel.view.payload is payload)
    controls.resolution.setValue(1)
    assert controls.message.isVisibleTo(panel.view) and "whole number from 2" in controls.message.text()
    assert controls.resolution.value() == 41 and controls.request.resolution == 41  # back to what is shown
    controls.span.setValue(0.0)
    assert "span must be" in controls.message.text() and controls.span.value() == 0.5
    assert controls.seconds_per_point == pytest.approx(payload.plane_seconds / 41**2) and payload.plane_seconds > 0
    controls.resolution.setValue(1000)
    assert "too slow to follow training" in controls.message.text() and controls.request.resolution == 41
    assert "as the last plane went" in controls.message.text()  # judged by the time the 41×41 plane took
    controls.resolution.setValue(21)
    assert controls.message.isHidden()
    landscape_payload(qtbot, window, lambda p: p.surface.loss.shape == (21, 21))
    for widget in (controls.combo, controls.span, controls.resolution, controls.slice, controls.first, controls.take_first):
        assert widget.toolTip()


def test_landscape_two_parameters_from_the_designer_selection(qtbot, window):
    panel = open_dock(qtbot, window)
    controls = panel.view.controls
    assert not controls.take_first.isEnabled()
    window.designer.view.weightSelected.emit(2, 0, 1)  # w_1,2^(2) clicked in the designer
    assert controls.take_first.isEnabled() and "w₁,₂⁽²⁾" in controls.take_first.toolTip()
    controls.take_first.click()
    window.inspector.selectionChanged.emit(1, 1, 0)  # the inspector's selection counts too
    assert controls.selected == "W1[1,0]"
    window.designer.view.unitSelected.emit(1, 3)  # unit 4 of layer 1: its bias b_4^(1)
    controls.take_second.click()
    assert controls.combo.currentData() == "parameters" and controls.request.names == ("W2[0,1]", "b1[3]")
    payload = landscape_payload(qtbot, window, lambda p: p.axes is not None and p.axes.names == ("W2[0,1]", "b1[3]"))
    trainer = Session().build().trainer
    loss = TrainingLoss.of_trainer(trainer)
    e1, e2 = named_direction(loss.layout, "W2[0,1]"), named_direction(loss.layout, "b1[3]")
    assert np.array_equal(payload.surface.e1, e1) and np.array_equal(payload.surface.e2, e2)
    ref = landscape(loss, trainer.network.parameters, e1, e2, 1.0, 31)
    assert np.allclose(payload.surface.loss, ref.loss, rtol=1e-12)
    qtbot.waitUntil(lambda: panel.view.payload is payload)
    assert "Δw₁,₂⁽²⁾" in panel.view.plot.getAxis("bottom").labelText
    controls.take_second.click()  # b_4^(1) along e₂ again: nothing changes
    window.designer.view.weightSelected.emit(2, 0, 1)
    controls.take_second.click()  # the same parameter on both axes: refused
    assert "two different" in controls.message.text() and controls.request.names == ("W2[0,1]", "b1[3]")


def test_landscape_path_strip_and_slice_show_the_real_loss_and_the_curvature(qtbot, window):
    panel = open_dock(qtbot, window)
    landscape_payload(qtbot, window, lambda p: p.iteration == 0)  # the path starts at θ_0
    for _ in range(6):
        window.step_iteration()
    panel.view.combo.setCurrentIndex(panel.view.combo.findData("pca"))
    payload = landscape_payload(qtbot, window, lambda p: p.iteration == 6 and p.directions == "pca")
    path = payload.path
    assert path.iterations.tolist() == [0, 1, 2, 3, 4, 5, 6]
    trainer = Session().build().trainer
    thetas = [trainer.network.parameters.copy()]
    for _ in range(6):
        trainer.step()
        thetas.append(trainer.network.parameters.copy())
    loss = TrainingLoss.of_trainer(trainer)
    assert np.allclose(path.real_loss, [loss.value(t) for t in thetas], rtol=1e-12)
    assert np.allclose(path.coordinates[-1], 0.0)  # the path ends at θ, the plane's centre
    assert np.abs(path.coordinates).max() == pytest.approx(0.8)  # PCA axes: the path fills 80 % of the span
    cut = line_slice(loss, thetas[-1], payload.surface.e1, 1.0, 101)
    assert np.allclose(payload.slice.loss, cut.loss) and payload.slice.curvature == pytest.approx(cut.curvature)
    qtbot.waitUntil(lambda: panel.view.payload is payload)
    x, y = panel.view.strip.real.getData()
    assert np.array_equal(x, path.iterations) and np.allclose(10 ** y, path.real_loss)  # a log axis
    assert "PC₁ explains" in panel.view.caption.text() and "Orange: the path" in panel.view.caption.text()
    second = payload.slice.curvature * float(payload.slice.direction @ payload.slice.direction)
    assert f"d²L/dα² = vᵀHv = {second:.4g}" in panel.view.slice_caption.text()
    panel.view.controls.slice.setCurrentIndex(panel.view.controls.slice.findData("descent"))
    along = landscape_payload(qtbot, window, lambda p: p.request.slice_along == "descent")
    g = loss.gradient(thetas[-1])[1]
    assert along.slice.direction @ g < 0 and np.isclose(np.linalg.norm(along.slice.direction),
                                                         np.linalg.norm(along.surface.e1))


def test_landscape_click_moves_theta_there_undoably_and_trains_from_there(qtbot, window):
    from PySide6.QtCore import QPointF, Qt

    from engine.analysis.landscape import plane_coordinates

    panel = open_dock(qtbot, window)
    payload = landscape_payload(qtbot, window, lambda p: p.iteration == 0)
    qtbot.waitUntil(lambda: panel.view.payload is payload)
    scene_point = panel.view.plot.vb.mapViewToScene(QPointF(0.5, -0.25))
    stack = window.controller.undo_stack
    before = stack.count()
    qtbot.mouseClick(panel.view.plot_widget.viewport(), Qt.LeftButton, pos=panel.view.plot_widget.mapFromScene(scene_point))
    qtbot.waitUntil(lambda: stack.count() == before + 1)
    command = stack.command(before)
    assert command.text().startswith("move θ on the landscape") and np.array_equal(command.old, payload.theta)
    target = command.new
    a, b = plane_coordinates(payload.surface.e1, payload.surface.e2, target - payload.theta)[0]
    assert abs(a - 0.5) < 0.05 and abs(b + 0.25) < 0.05  # where the click was, on the plane
    assert np.allclose(payload.theta + a * payload.surface.e1 + b * payload.surface.e2, target, rtol=0, atol=1e-12)
    wait_snapshot(qtbot, window, lambda s: np.array_equal(s.parameters, target), timeout=20_000)
    stack.undo()
    wait_snapshot(qtbot, window, lambda s: np.array_equal(s.parameters, payload.theta), timeout=20_000)
    stack.redo()
    wait_snapshot(qtbot, window, lambda s: np.array_equal(s.parameters, target), timeout=20_000)
    window.step_iteration()  # train from there
    snap = wait_snapshot(qtbot, window, lambda s: s.iteration == 1, timeout=20_000)
    trainer = Session().build().trainer
    trainer.network.parameters[...] = target
    trainer.step()
    np.testing.assert_array_equal(snap.parameters, trainer.network.parameters)
    assert not np.array_equal(snap.parameters, target)


def test_landscape_probe_path_stays_bounded_over_a_long_run():
    probe = LandscapeProbe()
    core = TrainingCore(Session().build(), probes=[probe])
    core.handle(c.Start())
    while core.run.trainer.iteration < 3000:
        core.work(budget=0.01)
    points = probe.record.points()
    assert len(points) < probe.record.capacity and points[0].iteration <= 2 * probe.record.stride
    assert points[-1].iteration > 3000 - 2 * probe.record.stride


def test_pacing_keeps_a_probe_to_its_share_and_never_restarts_one_in_flight():
    from workbench.worker.pacing import Pacing

    pacing = Pacing(base=1.0, share=0.2)

    def work():
        for _ in range(3):
            yield 0.5
        return "done"

    assert pacing.interval == 1.0
    run = pacing.run(work())
    next(run)
    assert pacing.interval == float("inf")  # in flight: never replaced by a due start
    while True:
        try:
            next(run)
        except StopIteration as stop:
            assert stop.value == "done"
            break
    assert pacing.interval == max(1.0, pacing.cost / 0.2)
    pacing.cost = 2.0
    assert pacing.interval == pytest.approx(10.0)  # a 2 s computation starts at most every 10 s
    dropped = pacing.run(work())
    next(dropped)
    del dropped  # the panel closed: no longer in flight
    assert pacing.interval == pytest.approx(10.0)
    pacing.restart()
    assert pacing.interval == 0.0  # a new request is due at once


def test_landscape_move_while_training_goes_on_from_there_and_undo_pauses(qtbot, window):
    panel = open_dock(qtbot, window)
    window.toggle_run()
    landscape_payload(qtbot, window, lambda p: p.iteration > 0)
    # while training newer planes keep coming: take the one the view shows (a move is relative to it)
    qtbot.waitUntil(lambda: panel.view.payload is not None and panel.view.payload.iteration > 0, timeout=30_000)
    payload = panel.view.payload
    stack = window.controller.undo_stack
    before = stack.count()
    assert panel.move_to(0.3, -0.2)
    command = stack.command(before)
    assert np.array_equal(command.new, payload.theta + 0.3 * payload.surface.e1 - 0.2 * payload.surface.e2)
    moved = wait_snapshot(qtbot, window, lambda s: s.state == "running", timeout=20_000).iteration
    wait_snapshot(qtbot, window, lambda s: s.state == "running" and s.iteration > moved + 5, timeout=20_000)
    stack.undo()  # while training: it pauses and goes back to θ before the move
    wait_snapshot(qtbot, window, lambda s: s.state == "paused" and np.array_equal(s.parameters, command.old), timeout=20_000)


def test_landscape_while_training_draws_a_plane_over_two_frames(qtbot, window):
    """A frame holds the GUI thread ~20–30 ms, not ~50: the map first, the strip and slice in the panel's next frame."""
    from dataclasses import replace
    from types import SimpleNamespace

    panel = open_dock(qtbot, window)
    window.step_iteration()
    first = landscape_payload(qtbot, window, lambda p: p.iteration == 1)
    qtbot.waitUntil(lambda: panel.view.payload is first)
    newer = replace(first, slice=None)  # a new plane (another object) whose slice differs: visible in the curve

    def slice_drawn() -> bool:
        x = panel.view.slice.curve.getData()[0]
        return x is not None and len(x) > 0

    assert first.slice is not None and slice_drawn()
    snap = SimpleNamespace(probes={"landscape": newer})
    assert panel.has_news(snap)
    panel.show(snap, paint=True)
    assert panel.view.payload is newer and slice_drawn()  # the map only
    assert panel.has_news(snap)  # the rest is still to draw
    panel.show(snap, paint=True)
    assert not slice_drawn() and not panel.has_news(snap)


def test_plane_map_reuses_its_level_labels_and_hides_the_unused(qtbot):
    """Each plane relabels the same TextItems (creating and removing eight cost ~5 ms a frame);
    labels of levels a plane does not cross are hidden, and `labels` are the shown ones."""
    import pyqtgraph as pg

    from engine.analysis.landscape import Landscape
    from workbench.panels.landscape_view import PlaneMap

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plane = PlaneMap(widget.getPlotItem())
    a = np.linspace(-1.0, 1.0, 31)

    def surface(loss):
        return Landscape(a, a, loss, np.zeros(2), np.zeros(2), float(loss[15, 15]))

    bowl = 1.0 + a[:, None] ** 2 + 2 * a[None, :] ** 2
    plane.draw(surface(bowl), np.array([0.1, 0.2]), None)
    first = list(plane.labels)
    assert len(first) > 2 and all(label.isVisible() for label in first)
    texts = [label.textItem.toPlainText() for label in first]
    plane.draw(surface(2 * bowl), np.array([0.1, 0.2]), None)
    assert all(any(label is old for old in first) for label in plane.labels)  # the same items, relabelled
    assert [label.textItem.toPlainText() for label in plane.labels] != texts
    plane.draw(surface(np.full_like(bowl, 3.0)), np.array([0.1, 0.2]), None)  # flat: no level crossed
    assert plane.labels == [] and not any(label.isVisible() for label in first)
