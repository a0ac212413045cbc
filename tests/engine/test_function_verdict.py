"""Function mode: the verdict at a descent's current point (critical or not, the second-derivative
test in words) and the step-by-step descent."""

from __future__ import annotations

import numpy as np
import pytest

from engine.core.optimizers import create
from engine.objectives.descent import Descent, descend
from engine.objectives.experiment import optimizer_label
from engine.objectives.library import builtin
from engine.objectives.objective import objective
from engine.objectives.verdict import CURVATURE_TOLERANCE, GRADIENT_TOLERANCE, verdict


@pytest.mark.parametrize("name,x,kind,phrase", [
    ("square", 0.0, "minimum", "f″(x) = 2 > 0: a minimum"),
    ("negative_square", 0.0, "maximum", "f″(x) = −2 < 0: a maximum"),
    ("cube", 0.0, "degenerate", "f″(x) = 0: degenerate — needs higher order"),
    ("quartic", 0.0, "degenerate", "degenerate — needs higher order"),
    ("double_well", -1.0, "minimum", "f″(x) = 8 > 0"),
    ("double_well", 0.0, "maximum", "f″(x) = −4 < 0"),
])
def test_function_1d_verdict_at_critical_points(name, x, kind, phrase):
    v = verdict(builtin(name), [x])
    assert (v.kind, v.critical) == (kind, True) and phrase in v.words


def test_function_1d_verdict_away_from_a_critical_point_gives_the_slope():
    v = verdict(builtin("square"), [0.5])  # f′ = 1: descent moves left
    assert v.kind == "not critical" and not v.critical and v.slope == pytest.approx(1.0)
    assert "f′(x) = 1 ≠ 0: not a critical point" in v.words and "moves left" in v.words
    assert "moves right" in verdict(builtin("square"), [-0.5]).words


def test_function_1d_sine_slope_has_minima_where_cos_is_minus_a_third():
    x = np.pi + np.arccos(1 / 3)  # f′ = cos x + 1/3 = 0, f″ = −sin x > 0
    assert verdict(builtin("sine_slope"), [x]).kind == "minimum"
    assert verdict(builtin("sine_slope"), [np.pi - np.arccos(1 / 3)]).kind == "maximum"


def test_function_quartic_descent_that_stopped_near_zero_is_degenerate_not_a_minimum():
    f = builtin("quartic")
    x = (GRADIENT_TOLERANCE / 4) ** (1 / 3)  # |f′| = ε exactly: f″ = 12x² is small but positive
    assert 0 < f.hessian([x])[0, 0] < CURVATURE_TOLERANCE
    near = verdict(f, [x * 0.999])
    assert near.kind == "degenerate" and "≈ 0 (|f″| ≤ 0.0632): degenerate" in near.words
    assert verdict(builtin("square"), [1e-4]).kind == "minimum"


@pytest.mark.parametrize("name,point,kind", [
    ("saddle", [0.0, 0.0], "saddle"), ("rosenbrock", [1.0, 1.0], "minimum"),
    ("monkey_saddle", [0.0, 0.0], "degenerate"), ("himmelblau", [3.0, 2.0], "minimum"),
])
def test_function_2d_verdict_at_critical_points(name, point, kind):
    v = verdict(builtin(name), point)
    assert v.kind == kind and v.critical and "a critical point" in v.words


def test_function_2d_verdict_away_from_critical_describes_the_curvature():
    v = verdict(builtin("saddle"), [1.0, 0.5])
    assert v.kind == "not critical" and v.slope == pytest.approx(np.hypot(2, 1))
    assert "not a critical point" in v.words and "saddle" in v.words and "λ = −2, 2" in v.words


def test_function_step_by_step_descent_equals_the_whole_descent():
    f = builtin("rosenbrock")
    stepped = Descent(f, [-1.5, 2.0], create("adam", learning_rate=0.05))
    for n in range(1, 41):
        assert stepped.step() and stepped.steps == n
    whole = descend(f, [-1.5, 2.0], create("adam", learning_rate=0.05), 40)
    np.testing.assert_array_equal(stepped.path().points, whole.points)
    assert stepped.advance(10) == 10 and len(stepped.path().points) == 51


def test_function_step_by_step_stops_when_it_diverges():
    run = Descent(objective("x^4"), [3.0], create("sgd", learning_rate=1.0))
    taken = run.advance(50)
    assert run.diverged and taken < 50 and not run.step() and run.steps == taken
    assert np.isfinite(run.path().points).all()


def test_function_optimizer_labels_use_the_lecture_symbols():
    assert optimizer_label({"name": "sgd", "learning_rate": 0.035, "momentum": 0.8}) == "SGD η = 0.035, μ = 0.8"
    assert optimizer_label({"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True}) == \
        "SGD η = 0.1, μ = 0.9 (Nesterov)"
    assert optimizer_label({"name": "adam"}) == "Adam η = 0.001"


def test_function_verdict_outside_a_formulas_domain_says_so():
    v = verdict(objective("log(x)"), [-1.0])
    assert v.kind == "undefined" and v.curvature is None and "not defined here" in v.words


def test_function_levels_are_rounded_quantiles_and_labels_keep_apart():
    from engine.analysis.contour import contour_segments
    from engine.objectives.levels import label_points, levels

    f = builtin("rosenbrock")
    xs, ys = np.linspace(-2, 2, 81), np.linspace(-1, 3, 81)
    Z = f.value(np.stack(np.meshgrid(xs, ys), axis=-1))
    values = levels(Z)
    assert len(values) >= 8 and (np.diff(values) > 0).all()
    assert all(float(f"{v:.2g}") == v for v in values)
    pieces = [contour_segments(Z, v, xs, ys) for v in values]
    spots = label_points(pieces, width=4.0, spacing=0.12)
    kept = [p for p in spots if p is not None]
    assert len(kept) >= 4
    for i, p in enumerate(kept):
        assert all(np.hypot(*(p - q)) >= 0.48 for q in kept[i + 1:])
    for v, p, seg in zip(values, spots, pieces):
        if p is not None:  # on its own level set
            assert any((p == s).all() for s in seg) and f.value(p) == pytest.approx(v, rel=0.1)  # grid interpolation


def test_function_experiment_keeps_its_objective_section_for_the_dock():
    from engine.objectives.experiment import examples, load

    assert load(examples()["bowl_step_size"]).objective_spec == {"builtin": "bowl", "kappa": 50, "angle": 0}
    assert load(examples()["saddle_escape"]).objective_spec == {"builtin": "saddle"}

