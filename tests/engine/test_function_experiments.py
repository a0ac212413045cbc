"""Function-mode experiment files: the shipped lecture comparisons show what they promise; bad files name the key."""

from __future__ import annotations

import numpy as np
import pytest

from engine.core.errors import ExperimentError
from engine.objectives.experiment import FORMAT, examples, from_dict, load


def run(name):
    return load(examples()[name]).run()


def test_function_experiments_are_shipped():
    assert set(examples()) == {"saddle_escape", "bowl_sgd_vs_momentum", "bowl_step_size", "rosenbrock_sgd_vs_adam"}


def test_function_saddle_escape_leaves_along_the_negative_eigenvector():
    (path,) = run("saddle_escape")
    assert abs(path.points[-1, 0]) < 1e-4 and abs(path.points[-1, 1]) > 1.0 and path.values[-1] < 0


def test_function_bowl_momentum_beats_zigzagging_sgd():
    sgd, momentum = run("bowl_sgd_vs_momentum")
    assert momentum.values[-1] < 1e-3 * sgd.values[-1]
    # SGD zig-zags: along the steep eigenvector (λ = 50) the sign of the coordinate alternates
    steep = np.array([-np.sin(np.pi / 6), np.cos(np.pi / 6)])
    signs = np.sign(sgd.points[1:20] @ steep)
    assert (signs[1:] != signs[:-1]).all()


def test_function_bowl_step_size_converges_below_and_diverges_above_two_over_lambda_max():
    below, above = run("bowl_step_size")
    assert below.values[-1] < 1e-8 and above.values[-1] > 1e6 * above.values[0]


def test_function_rosenbrock_adam_reaches_the_minimum_and_sgd_does_not():
    sgd, adam = run("rosenbrock_sgd_vs_adam")
    assert np.linalg.norm(adam.points[-1] - 1.0) < 1e-3 and np.linalg.norm(sgd.points[-1] - 1.0) > 0.5


@pytest.mark.parametrize("change,key", [
    ({"format": "other"}, "format"),
    ({"objective": {"builtin": "nope"}}, "objective"),
    ({"objective": {"expression": "x +"}}, "objective"),
    ({"start": [1.0]}, "start"),
    ({"steps": 0}, "steps"),
    ({"optimizers": []}, "optimizers"),
    ({"optimizers": [{"name": "sgd", "learning_rate": -1}]}, "optimizers[0]"),
    ({"optimizers": [{"name": "sgd", "warp": 1}]}, "optimizers[0]"),
])
def test_function_experiment_errors_name_the_key(change, key):
    doc = {"format": FORMAT, "version": 1, "objective": {"builtin": "saddle"}, "steps": 5,
           "optimizers": [{"name": "sgd", "learning_rate": 0.1}], **change}
    with pytest.raises(ExperimentError) as info:
        from_dict(doc)
    assert info.value.key == key
