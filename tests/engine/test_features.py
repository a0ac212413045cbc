"""Derived input features: computed from the standardised inputs, counted in n_0, used headless and in views."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.analysis.decision_grid import DecisionGrid
from engine.core.errors import ConfigurationError, ExperimentError
from engine.data import features
from engine.io.experiment import Experiment
from engine.run import build

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = json.loads((ROOT / "resources" / "experiments" / "default.json").read_text())


def _with_features(names, n0=None):
    doc = json.loads(json.dumps(DEFAULT))
    doc["network"]["input_features"] = names
    doc["network"]["sizes"][0] = n0 if n0 is not None else 2 + len(names)
    return Experiment.from_dict(doc)


def test_feature_values_are_computed_from_the_standardised_inputs():
    run = build(_with_features(["x1^2", "x1*x2", "sin(x2)"]))
    X = run.data.X_train
    assert X.shape[1] == 5 and run.network.sizes[0] == 5
    np.testing.assert_array_equal(X[:, 2], X[:, 0] ** 2)
    np.testing.assert_array_equal(X[:, 3], X[:, 0] * X[:, 1])
    np.testing.assert_array_equal(X[:, 4], np.sin(X[:, 1]))
    assert run.data.feature_names[2:] == ("x₁²", "x₁·x₂", "sin x₂") and run.data.n_raw_inputs == 2
    raw = run.data.inverse_transform(X[:3])
    np.testing.assert_allclose(run.data.transform(raw), X[:3])
    run.trainer.run(steps=20)  # trains headless with n_0 = 5


def test_feature_names_are_checked_against_the_data():
    with pytest.raises(ExperimentError, match="network.input_features"):
        build(_with_features(["x^2"]))  # 1-D feature on 2-D data
    with pytest.raises(ExperimentError, match="network.sizes"):
        build(_with_features(["x1^2"], n0=2))  # n_0 does not count the feature
    with pytest.raises(ExperimentError, match="input feature"):
        _with_features(["x1^3"])
    with pytest.raises(ConfigurationError, match="listed twice"):
        features.check(["x1^2", "x1^2"], 2)


def test_feature_round_trip_through_the_experiment_file(tmp_path):
    e = _with_features(["x1^2", "x2^2"])
    e.save(tmp_path / "e.json")
    assert Experiment.load(tmp_path / "e.json").network.input_features == ("x1^2", "x2^2")


def test_feature_decision_grid_expands_the_plane():
    run = build(_with_features(["x1^2", "x2^2"]))
    grid = DecisionGrid(2, (-1, 1), (-1, 1), 5, expand=lambda P: features.expand(P, run.data.input_features))
    assert grid.points.shape == (25, 4)
    direct = run.network.predict(run.data.transform(run.data.inverse_transform(grid.points)))
    np.testing.assert_allclose(grid.evaluate(run.network).reshape(25, -1), direct, rtol=1e-5, atol=1e-6)


def test_unit_map_of_every_layer_matches_the_forward_pass():
    from engine.analysis.unit_maps import map_range, unit_maps

    run = build(_with_features(["x1*x2"]))
    grid = DecisionGrid(2, (-2, 2), (-2, 2), 7, expand=lambda P: features.expand(P, run.data.input_features))
    maps = unit_maps(run.network, grid)
    assert [m.shape for m in maps] == [(7, 7, n) for n in run.network.sizes[1:]]
    trace = run.network.forward(grid.points.astype(np.float64))
    for k, m in enumerate(maps, start=1):
        np.testing.assert_allclose(m.reshape(49, -1), trace.y[k], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(maps[-1][..., 0], grid.evaluate(run.network)[..., 0], rtol=1e-5, atol=1e-6)
    assert map_range("tanh", maps[0]) == (-1.0, 1.0) and map_range("relu", np.array([-3.0, 2.0])) == (-3.0, 3.0)


def test_feature_switched_off_and_on_again_gives_the_same_inputs():
    run = build(_with_features(["x1^2", "sin(x2)"]))
    raw = run.data.without_features()
    assert raw.n_inputs == 2 and raw.input_features == () and raw.feature_names == run.data.feature_names[:2]
    np.testing.assert_array_equal(raw.X_train, run.data.X_train[:, :2])
    again = raw.with_features(("x1^2", "sin(x2)"))
    np.testing.assert_array_equal(again.X_train, run.data.X_train)
    np.testing.assert_array_equal(again.X_test, run.data.X_test)
    assert raw.without_features() is raw


def test_feature_toggle_edit_keeps_every_row_of_w1_it_can():
    from engine.training.edits import set_input_rows

    run = build(_with_features(["x1^2"]))
    net = run.network
    # x1, x2, x1² → x1, x2, x1², x1·x2 (a new row), then x1² off: x1, x2, x1·x2
    grown = set_input_rows(net, [0, 1, 2, None], np.random.default_rng(0))
    assert grown.sizes == (4, *net.sizes[1:])
    np.testing.assert_array_equal(grown.W[1][:3], net.W[1])
    assert np.any(grown.W[1][3] != 0)
    for k in range(2, net.N + 1):
        np.testing.assert_array_equal(grown.W[k], net.W[k])
    for k in range(1, net.N + 1):
        np.testing.assert_array_equal(grown.b[k], net.b[k])
    shrunk = set_input_rows(grown, [0, 1, 3], np.random.default_rng(1))
    np.testing.assert_array_equal(shrunk.W[1], grown.W[1][[0, 1, 3]])
    same = set_input_rows(grown, [0, 1, 2, None], np.random.default_rng(0))
    np.testing.assert_array_equal(same.W[1], grown.W[1])  # seeded: reproducible
    with pytest.raises(ConfigurationError, match="distinct"):
        set_input_rows(net, [0, 0], np.random.default_rng(0))
