"""What the live landscape dock computes: the bounded path, the plane's axes and their checks, the
path on the plane with its real loss, the slice with its curvature (engine side of the dock)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis.curvature import curvature, eigen_directions
from engine.analysis.directions import filter_normalized, named_direction, trajectory_pca
from engine.analysis.hessian import dense_hessian
from engine.analysis.landscape import line_slice, projected_path
from engine.analysis.path_on_plane import path_on_plane_steps, slice_steps
from engine.analysis.plane_request import (
    LIVE_SECONDS,
    LIVE_WORK,
    axes_steps,
    canonical_name,
    check_parameters,
    check_plane,
    largest_live_resolution,
    plane_work,
)
from engine.analysis.steps import finish
from engine.analysis.training_loss import TrainingLoss
from engine.analysis.trajectory_record import TrajectoryRecord, path_matrix
from engine.core import divergences
from engine.core.errors import ConfigurationError
from engine.core.network import Layout, Network


def make_loss(sizes=(2, 5, 3), acts=("tanh", "softmax"), l2=0.01):
    rng = np.random.default_rng(0)
    net = Network.create(list(sizes), list(acts), seed=2)
    x = rng.normal(size=(40, sizes[0]))
    d = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 40)]
    return TrainingLoss.of(net, x, d, divergences.get("cross_entropy"), l2=l2), net.parameters.copy()


def descent(loss, theta, steps, eta=0.5):
    path = [theta.copy()]
    for _ in range(steps):
        theta = theta - eta * loss.gradient(theta)[1]
        path.append(theta.copy())
    return np.array(path)


# -- the bounded path ---------------------------------------------------------------------------
def test_trajectory_record_stays_bounded_and_spans_the_whole_run_evenly():
    record = TrajectoryRecord(capacity=16)
    for it in range(1, 1001):
        record.offer("run", it, np.full(3, float(it)))
    its = [p.iteration for p in record.points()]
    assert len(its) < 16 and its[0] <= 64 and its[-1] >= 1000 - record.stride
    assert len(set(np.diff(its))) == 1  # evenly thinned: one stride
    assert all(np.array_equal(p.theta, np.full(3, float(p.iteration))) for p in record.points())
    with pytest.raises(ValueError):
        record.points()[0].theta[0] = 1.0  # read-only copies


def test_trajectory_record_caps_memory_by_bytes_and_restarts_for_another_run():
    record = TrajectoryRecord(capacity=128, max_bytes=8 * 1000 * 10)
    assert record.room(1000) == 10 and record.room(10**7) == 4
    for it in range(1, 50):
        record.offer("a", it, np.zeros(1000))
    assert len(record) < 10
    record.offer("b", 50, np.ones(1000))  # another run
    assert [p.iteration for p in record.points()] == [50] and record.stride == 1
    record.offer("b", 3, np.ones(1000))  # an earlier iteration: a reset run
    assert [p.iteration for p in record.points()] == [3]


def test_path_matrix_appends_the_current_theta_after_an_edit_at_the_same_iteration():
    record = TrajectoryRecord()
    for it in range(1, 4):
        record.offer("r", it, np.full(2, float(it)))
    its, rows = path_matrix(record.points(), np.full(2, 3.0), 3)
    assert its.tolist() == [1, 2, 3] and rows.shape == (3, 2)
    its, rows = path_matrix(record.points(), np.array([9.0, 9.0]), 3)  # θ moved (a click on the plane)
    assert its.tolist() == [1, 2, 3, 3] and rows[-1].tolist() == [9.0, 9.0]


# -- the axes ---------------------------------------------------------------------------------
def test_parameter_axes_are_unit_vectors_of_two_different_named_parameters():
    loss, theta = make_loss()
    layout = loss.layout
    assert canonical_name(layout, " W2 [ 0 , 1 ] ") == "W2[0,1]" and canonical_name(layout, "b1[4]") == "b1[4]"
    axes = finish(axes_steps(loss, theta, "parameters", ("W2[0,1]", "b1[4]")))
    assert axes.kind == "parameters" and axes.names == ("W2[0,1]", "b1[4]") and axes.note == ""
    assert np.array_equal(axes.e1, named_direction(layout, "W2[0,1]"))
    with pytest.raises(ConfigurationError, match="two different"):
        check_parameters(layout, ("W1[0,0]", "W1[0, 0]"))
    with pytest.raises(ConfigurationError, match="valid names"):
        check_parameters(layout, ("W3[0,0]", "W1[0,0]"))
    fallback = finish(axes_steps(loss, theta, "parameters", ("W9[0,0]", "W1[0,0]")))
    assert fallback.kind == "random" and "W9[0,0]" in fallback.note


def test_random_hessian_and_pca_axes():
    loss, theta = make_loss()
    random = finish(axes_steps(loss, theta, "random"))
    assert np.array_equal(random.e1, filter_normalized(loss.layout, theta, 0))
    hessian = finish(axes_steps(loss, theta, "hessian"))
    v1, v2 = eigen_directions(curvature(loss, theta, top=2), "largest")
    scale = np.linalg.norm(theta)
    assert np.allclose(hessian.e1, v1 * scale) and np.allclose(hessian.e2, v2 * scale)
    path = descent(loss, theta, 12)
    pca = finish(axes_steps(loss, path[-1], "pca", path=path, span=2.0))
    reference = trajectory_pca(path, 2)
    assert np.allclose(pca.explained, reference.explained_variance) and 0 < sum(pca.explained) <= 1 + 1e-12
    assert abs(abs(pca.e1 @ reference.directions[0]) - np.linalg.norm(pca.e1)) < 1e-9  # along PC₁
    on_plane = finish(path_on_plane_steps(loss, path[-1], pca.e1, pca.e2, np.arange(13), path))
    assert np.abs(on_plane.coordinates).max() == pytest.approx(0.8 * 2.0)  # the path fills 80 % of the span
    short = finish(axes_steps(loss, theta, "pca", path=path[:2]))
    assert short.kind == "random" and "at least 3" in short.note


def test_live_plane_refuses_impossible_or_too_costly_resolutions_with_the_numbers():
    sizes = (2, 8, 8, 1)
    assert plane_work(sizes, 300, 1) == 300 * (2 * 8 + 64 + 8 + 17)
    top = largest_live_resolution(sizes, 300)
    assert plane_work(sizes, 300, top) <= LIVE_WORK < plane_work(sizes, 300, top + 1)
    check_plane(sizes, 300, 1.0, top)
    with pytest.raises(ConfigurationError, match=f"at most {top}×{top}"):
        check_plane(sizes, 300, 1.0, top + 1)
    measured = largest_live_resolution(sizes, 300, seconds_per_point=1e-4)  # as the last plane went
    assert measured == int(np.sqrt(LIVE_SECONDS / 1e-4))
    check_plane(sizes, 300, 1.0, measured, seconds_per_point=1e-4)
    with pytest.raises(ConfigurationError, match=f"s of the worker, as the last plane went.*at most {measured}×"):
        check_plane(sizes, 300, 1.0, measured + 1, seconds_per_point=1e-4)
    with pytest.raises(ConfigurationError, match="span must be"):
        check_plane(sizes, 300, 0.0, 31)
    with pytest.raises(ConfigurationError, match="whole number from 2"):
        check_plane(sizes, 300, 1.0, 1)


# -- the path on the plane and the slice ------------------------------------------------------
def test_path_on_plane_equals_the_engine_projection_and_computes_each_real_loss_once(monkeypatch):
    loss, theta0 = make_loss()
    path = descent(loss, theta0, 6)
    theta = path[-1]
    e1, e2 = filter_normalized(loss.layout, theta, 0), filter_normalized(loss.layout, theta, 1)
    known = {}
    got = finish(path_on_plane_steps(loss, theta, e1, e2, np.arange(7), path, known))
    ref = projected_path(loss, theta, e1, e2, path)
    assert np.allclose(got.coordinates, ref.coordinates) and np.allclose(got.plane_loss, ref.plane_loss)
    assert np.allclose(got.real_loss, ref.real_loss, rtol=1e-12)
    assert sorted(known) == [0, 1, 2, 3, 4, 5]  # the point at θ is never cached
    calls = []
    monkeypatch.setattr(TrainingLoss, "value", lambda self, t: calls.append(1) or 1.0)
    finish(path_on_plane_steps(loss, theta, e1, e2, np.arange(2, 7), path[2:], known))
    assert len(calls) == 1 and sorted(known) == [2, 3, 4, 5]  # only θ itself; the cache pruned to the path


def test_slice_steps_equals_line_slice_and_its_curvature_is_vHv():
    loss, theta = make_loss()
    v = filter_normalized(loss.layout, theta, 3)
    got = finish(slice_steps(loss, theta, v, 0.5, 21))
    ref = line_slice(loss, theta, v, 0.5, 21)
    assert np.allclose(got.loss, ref.loss) and got.curvature == pytest.approx(ref.curvature)
    H = dense_hessian(loss, theta)
    assert got.curvature * (v @ v) == pytest.approx(v @ H @ v, rel=1e-9)
    near = finish(slice_steps(loss, theta, v, 0.01, 21))  # the sampled curve agrees: its second difference at α = 0
    h = near.alpha[1] - near.alpha[0]
    assert (near.loss[11] - 2 * near.loss[10] + near.loss[9]) / h**2 == pytest.approx(v @ H @ v, rel=1e-3)
    with pytest.raises(ConfigurationError, match="zero"):
        finish(slice_steps(loss, theta, np.zeros_like(theta)))


def test_layout_names_round_trip():
    layout = Layout((2, 3, 1))
    assert canonical_name(layout, "W1[1,2]") == "W1[1,2]" and canonical_name(layout, "b2[0]") == "b2[0]"
