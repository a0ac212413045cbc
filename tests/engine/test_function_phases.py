"""Function mode's phases: one update is "gradient" (g = ∇f(x_t), nothing moves) then "update"
(Δ from the optimiser, x_{t+1} = x_t − Δ); phase by phase gives bit-identical paths to whole steps."""

from __future__ import annotations

import numpy as np
import pytest

from engine.core.optimizers import create
from engine.objectives.descent import PHASE_WORDS, PHASES, Descent, descend
from engine.objectives.library import builtin

SPECS = [
    {"name": "sgd", "learning_rate": 1e-3},
    {"name": "sgd", "learning_rate": 1e-3, "momentum": 0.9},
    {"name": "sgd", "learning_rate": 1e-3, "momentum": 0.9, "nesterov": True},
    {"name": "adagrad", "learning_rate": 0.3},
    {"name": "rmsprop", "learning_rate": 0.01},
    {"name": "rmsprop", "learning_rate": 0.01, "momentum": 0.5},
    {"name": "adam", "learning_rate": 0.05},
]


def reference(f, start, spec, steps) -> np.ndarray:
    """x ← x − Δ, Δ = optimizer.step(∇f(x)), written out without Descent."""
    opt, x, out = create(**spec), np.array(start, dtype=np.float64), np.empty(len(start))
    points = [x.copy()]
    for _ in range(steps):
        opt.step(f.gradient(x), out, opt.learning_rate)
        x = x - out
        points.append(x.copy())
    return np.array(points)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(str(v) for v in s.values()))
@pytest.mark.parametrize("name", ["rosenbrock", "bowl", "double_well"])
def test_function_phases_give_bit_identical_paths_to_whole_steps(name, spec):
    f, steps = builtin(name), 40
    phased = Descent(f, f.start, create(**spec))
    ran = [phased.advance_phase() for _ in range(2 * steps)]
    assert ran == list(PHASES) * steps
    whole = descend(f, f.start, create(**spec), steps)
    np.testing.assert_array_equal(phased.path().points, whole.points)
    np.testing.assert_array_equal(whole.points, reference(f, f.start, spec, steps))
    assert len(whole.points) == steps + 1 and not whole.diverged


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_function_phases_mixed_with_steps_change_nothing(spec):
    """A Step after a "gradient" phase finishes that update (it does not evaluate g again)."""
    f = builtin("rosenbrock")
    mixed = Descent(f, f.start, create(**spec))
    for n in range(12):
        if n % 3 == 0:
            mixed.advance_phase()
        mixed.step() if n % 2 else (mixed.advance_phase(), mixed.advance_phase())
    taken = mixed.steps
    if mixed.next_phase == "update":
        mixed.step()
        taken += 1
    np.testing.assert_array_equal(mixed.path().points, descend(f, f.start, create(**spec), taken).points)


def test_function_gradient_phase_evaluates_g_and_moves_nothing():
    f = builtin("bowl")
    d = Descent(f, f.start, create("adam", learning_rate=0.05))
    assert d.next_phase == "gradient" and d.gradient is None
    assert d.advance_phase() == "gradient"
    np.testing.assert_array_equal(d.gradient, f.gradient(np.array(f.start)))
    assert d.steps == 0 and d.optimizer.t == 0 and d.next_phase == "update"  # the optimiser has not run
    assert d.advance_phase() == "update"
    assert d.steps == 1 and d.optimizer.t == 1 and d.gradient is None and d.next_phase == "gradient"
    assert set(PHASE_WORDS) == set(PHASES) and "∇f" in PHASE_WORDS["gradient"]


def test_function_phases_stop_where_whole_steps_diverge():
    f = builtin("quartic")
    whole = descend(f, [3.0], create("sgd", learning_rate=1.0), 50)
    phased = Descent(f, [3.0], create("sgd", learning_rate=1.0))
    ran = [phased.advance_phase() for _ in range(100)]
    assert whole.diverged and phased.diverged and ran[-1] is None
    np.testing.assert_array_equal(phased.path().points, whole.points)
    assert phased.advance_phase() is None and not phased.step()
