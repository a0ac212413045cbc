"""Function mode dock: the engine's objective, descent path and verdict; a typed f; a click sets the start."""

from __future__ import annotations

import numpy as np

from engine.core.optimizers import create
from engine.objectives.descent import descend
from engine.objectives.library import builtin


def test_function_panel_path_and_verdict_equal_the_engine(window):
    panel = window.panels["FunctionDock"]
    v = panel.view
    v.choice.setCurrentText("saddle")
    v.optimizer.setCurrentText("sgd")
    v.rate.setValue(0.1)
    v.steps.setValue(5)
    f = builtin("saddle")
    ref = descend(f, f.start, create("sgd", learning_rate=0.1), 5)
    path, verdict = panel.result
    np.testing.assert_array_equal(path.points, ref.points)
    assert verdict == f.classify(ref.points[-1])
    assert "saddle" in v.verdict.text() and len(v.labels) > 0


def test_function_panel_typed_objective_and_bad_input(window):
    panel = window.panels["FunctionDock"]
    v = panel.view
    v.choice.setCurrentText("typed f(x, y)")
    v.formula.setText("x^2 + 3*y^2")
    v.formula.editingFinished.emit()
    assert panel.result[1].kind == "minimum" and panel.f.expression == "x^2 + 3*y^2"
    v.formula.setText("x^2 + (")
    v.formula.editingFinished.emit()
    assert panel.f.expression == "x^2 + 3*y^2"  # kept; the fault is said in words
    assert "unexpected end of the expression at position 8" in v.verdict.text()


def test_function_panel_start_moves_the_path(window):
    panel = window.panels["FunctionDock"]
    panel.body()  # built, as when the dock is first shown (its objective's own start)
    panel.start = np.array([0.5, -0.5])
    panel.redescend()
    np.testing.assert_array_equal(panel.result[0].points[0], [0.5, -0.5])
