"""The curvature dock: the Hessian report arrives via the probe, equals the engine's, warns when η·λ_max > 2,
and steps off a saddle undoably."""

from __future__ import annotations

import numpy as np

from engine.analysis.critical_points import step_size_rule
from engine.analysis.curvature import curvature
from engine.analysis.training_loss import TrainingLoss
from tests.workbench.gui_support import wait_snapshot
from tests.workbench.test_landscape_panel import open_dock
from workbench.session import Session


def curvature_payload(qtbot, window, predicate=lambda p: True):
    snap = wait_snapshot(qtbot, window, lambda s: s.probes.get("curvature") is not None and predicate(s.probes["curvature"]))
    return snap.probes["curvature"]


def test_hessian_report_arrives_and_equals_the_engine(qtbot, window):
    panel = open_dock(qtbot, window, "CurvatureDock")
    window.step_iteration()
    payload = curvature_payload(qtbot, window, lambda p: p.iteration == 1)
    trainer = Session().build().trainer
    trainer.step()
    ref = curvature(TrainingLoss.of_trainer(trainer), trainer.network.parameters)
    assert payload.classification == ref.classification
    rule = step_size_rule(trainer.learning_rate, ref.largest)
    qtbot.waitUntil(lambda: panel.view.payload is payload)
    text = panel.view.report.text()
    assert ref.classification.description in text and f"{ref.largest:.4g}" in text and f"{rule.product:.4g}" in text
    assert panel.view.warning.isHidden() == rule.stable


def test_hessian_warning_appears_when_eta_lambda_exceeds_two(qtbot, window):
    panel = open_dock(qtbot, window, "CurvatureDock")
    first = curvature_payload(qtbot, window)
    qtbot.waitUntil(lambda: panel.view.payload is first)
    assert panel.view.warning.isHidden()  # η = 0.1 at the start: stable
    eta = 3.0 / first.classification.largest  # η·λ_max = 3 at this θ
    window.controller.change_settings({"learning_rate": eta})
    wait_snapshot(qtbot, window, lambda s: s.learning_rate == eta)
    qtbot.waitUntil(lambda: panel.view.warning.isVisible())
    assert "η·λ_max = 3 > 2" in panel.view.warning.text()


def test_hessian_escape_step_is_applied_and_undoable(qtbot, window):
    panel = open_dock(qtbot, window, "CurvatureDock")
    payload = curvature_payload(qtbot, window, lambda p: p.paused)
    assert payload.classification.kind == "saddle"  # the default network at its initial weights
    qtbot.waitUntil(lambda: panel.view.escape.isEnabled())
    panel.view.escape.click()
    snap = wait_snapshot(qtbot, window, lambda s: np.array_equal(s.parameters, payload.escape))
    assert not np.array_equal(snap.parameters, payload.theta)
    window.controller.undo_stack.undo()
    wait_snapshot(qtbot, window, lambda s: np.array_equal(s.parameters, payload.theta))
