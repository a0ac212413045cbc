"""Function mode: the expression parser (safe, positioned errors), exact derivatives, the built-in
objectives' critical points, and descent with the network optimisers."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.optimizers import SGD, Adam, create
from engine.objectives.descent import descend
from engine.objectives.expression import ExpressionError, parse
from engine.objectives.library import SPECS, bowl, builtin
from engine.objectives.objective import objective


@pytest.mark.parametrize("text,message", [
    ("(x + 1))", "unexpected ')' at position 8"),
    ("x + * 2", "unexpected '*' at position 5"),
    ("sin x", "unexpected 'x' at position 5"),
    ("2 x", "unexpected 'x' at position 3"),
    ("x +", "unexpected end of the expression at position 4"),
    ("(x + 1", "missing ')' at position 7"),
    ("x $ 2", "unexpected '$' at position 3"),
    ("__import__(1)", "unknown name '__import__' at position 1"),
    ("__import__('os')", "unexpected \"'\" at position 12"),
    ("z^2", "unknown name 'z' at position 1"),
    ("", "empty"),
])
def test_function_parser_errors_point_at_the_position(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse(text)


@pytest.mark.parametrize("text,x,y,expected", [
    ("2^3^2", 0, 0, 2.0**9),
    ("-x^2", 3, 0, -9.0),
    ("2 × x ÷ 4", 2, 0, 1.0),
    ("x**2 + y", 2, 5, 9.0),
    ("sqrt(abs(x)) + exp(0) + log(e) + tanh(0) + cos(pi)", -4, 0, 3.0),
    ("1.5e1 - .5", 0, 0, 14.5),
])
def test_function_expressions_evaluate(text, x, y, expected):
    f = objective(text, dimension=2)
    assert f.value(np.array([x, y], float)) == pytest.approx(expected)


EXPRESSIONS = ["x^3 - 3*x*y^2", "sin(x)*cos(y) + x/3", "exp(-x^2 - y^2) * tanh(x*y)", "log(1 + x^2) + sqrt(2 + y^2)",
               "abs(x - 3) * y^2", "(x^2 + y^2 + 1)^1.5 / (1 + y^2)", "(2 + sin(x))^(1 + y^2)"]


@pytest.mark.parametrize("text", EXPRESSIONS)
@given(x=st.floats(-1.5, 1.5), y=st.floats(-1.5, 1.5))
def test_function_gradient_and_hessian_equal_central_differences(text, x, y):
    f = objective(text, dimension=2)
    p, h = np.array([x, y]), 1e-5
    numeric_g = [(f.value(p + h * e) - f.value(p - h * e)) / (2 * h) for e in np.eye(2)]
    numeric_H = np.stack([(f.gradient(p + h * e) - f.gradient(p - h * e)) / (2 * h) for e in np.eye(2)])
    scale = 1.0 + np.abs(f.hessian(p)).max()
    assert np.allclose(f.gradient(p), numeric_g, atol=1e-6 * scale)
    assert np.allclose(f.hessian(p), numeric_H, atol=1e-6 * scale)


def test_function_evaluates_a_whole_grid_at_once():
    f = builtin("himmelblau")
    grid = np.stack(np.meshgrid(np.linspace(-5, 5, 7), np.linspace(-5, 5, 9)), axis=-1)
    assert f.value(grid).shape == (9, 7) and f.gradient(grid).shape == (9, 7, 2) and f.hessian(grid).shape == (9, 7, 2, 2)
    assert objective("3").value(np.zeros((4, 1))).shape == (4,)


@pytest.mark.parametrize("name,point,kind", [
    ("square", [0.0], "minimum"),
    ("negative_square", [0.0], "maximum"),
    ("cube", [0.0], "degenerate"),
    ("quartic", [0.0], "degenerate"),
    ("double_well", [1.0], "minimum"),
    ("double_well", [0.0], "maximum"),
    ("saddle", [0.0, 0.0], "saddle"),
    ("monkey_saddle", [0.0, 0.0], "degenerate"),
    ("rosenbrock", [1.0, 1.0], "minimum"),
    ("himmelblau", [3.0, 2.0], "minimum"),
])
def test_function_critical_points_are_classified(name, point, kind):
    f = builtin(name)
    c = f.classify(np.array(point))
    assert c.kind == kind
    assert c.gradient_norm == pytest.approx(0.0, abs=1e-12)


def test_function_bowl_has_condition_number_kappa_and_rotated_axes():
    f = bowl(kappa=50, angle=30)
    lam, V = f.curvature_axes(np.zeros(2))
    assert lam == pytest.approx([1.0, 50.0])
    assert abs(V[:, 0] @ [math.cos(math.pi / 6), math.sin(math.pi / 6)]) == pytest.approx(1.0)
    assert f.classify(np.zeros(2)).condition_number == pytest.approx(50.0)
    assert set(SPECS) >= {"square", "saddle", "rosenbrock", "himmelblau", "bumpy"}


def test_function_descent_is_the_optimizers_update():
    f = builtin("square")
    path = descend(f, [1.0], SGD(learning_rate=0.1), 5)
    assert path.points[:, 0] == pytest.approx(0.8 ** np.arange(6))  # x ← x − η·2x
    assert path.values == pytest.approx(path.points[:, 0] ** 2)


def test_function_step_size_rule_on_the_bowl_converges_below_and_diverges_above():
    f = bowl(kappa=50)  # λ_max = 50: 2/λ_max = 0.04
    below = descend(f, [1.0, 1.0], SGD(learning_rate=0.039), 400)
    above = descend(f, [1.0, 1.0], SGD(learning_rate=0.041), 400)
    assert below.values[-1] < 1e-3 and above.values[-1] > above.values[0]


def test_function_saddle_escape_and_rosenbrock_adam():
    path = descend(builtin("saddle"), [1.0, 1e-3], SGD(learning_rate=0.1), 60)
    assert abs(path.points[-1, 0]) < 1e-4 and abs(path.points[-1, 1]) > 1.0  # leaves along −y²
    adam = descend(builtin("rosenbrock"), [-1.5, 2.0], Adam(learning_rate=0.05), 3000)
    assert np.linalg.norm(adam.points[-1] - [1.0, 1.0]) < 0.1
    momentum = descend(builtin("rosenbrock"), [-1.5, 2.0], create("sgd", learning_rate=1e-4, momentum=0.9), 50)
    assert not momentum.diverged and len(momentum.points) == 51


def test_function_divergence_stops_with_the_last_finite_point():
    path = descend(builtin("quartic"), [3.0], SGD(learning_rate=1.0), 50)
    assert path.diverged and np.isfinite(path.points).all()
