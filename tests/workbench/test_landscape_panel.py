"""The loss-landscape dock: its payload arrives via the probe, equals the engine's, keeps training bit-identical."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis.directions import filter_normalized
from engine.analysis.landscape import landscape, projected_gradient
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
