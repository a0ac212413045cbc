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


def test_hessian_extremes_over_training_are_plotted_from_each_report(qtbot, window):
    panel = open_dock(qtbot, window, "CurvatureDock")
    seen = []
    for n in range(1, 4):
        window.step_iteration()
        payload = curvature_payload(qtbot, window, lambda p, n=n: p.iteration == n)
        qtbot.waitUntil(lambda payload=payload: panel.view.payload is payload)
        seen.append((n, payload.classification.smallest, payload.classification.largest))
    rows = panel.view.history.rows
    assert [tuple(r) for r in rows[-3:]] == seen
    x, y = panel.view.extremes.largest.getData()
    assert np.array_equal(x, rows[:, 0]) and np.array_equal(y, rows[:, 2])
    assert np.array_equal(panel.view.extremes.smallest.getData()[1], rows[:, 1])


def test_hessian_extremes_history_stays_bounded_and_restarts_after_a_reset():
    from workbench.panels.curvature_history import ExtremesHistory

    history = ExtremesHistory(capacity=64)
    for it in range(10_000):
        history.add(it, -1.0 / (it + 1), float(it))
    assert len(history) <= 64 and history.rows[0, 0] == 0 and history.rows[-1, 0] == 9999
    history.add(9999, -5.0, 5.0)  # the same iteration again (paused): replaced
    assert history.rows[-1].tolist() == [9999, -5.0, 5.0] and len(history) <= 64
    history.add(3, 0.0, 1.0)  # an earlier iteration: a new run
    assert history.rows.tolist() == [[3, 0.0, 1.0]]
