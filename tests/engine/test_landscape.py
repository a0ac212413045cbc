"""The landscape: the batched plane against pointwise losses, offset 0 = current loss, directions
(named, filter-normalised, PCA, Hessian), 1-D slices with their curvature, projected paths."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis.curvature import curvature, eigen_directions
from engine.analysis.directions import (
    filter_normalized,
    named_direction,
    parameter_index,
    parameter_names,
    trajectory_pca,
)
from engine.analysis.landscape import landscape, line_slice, projected_gradient, projected_path
from engine.analysis.training_loss import TrainingLoss
from engine.core import divergences
from engine.core.errors import ConfigurationError
from engine.core.network import Layout, Network


def make_loss(sizes=(2, 5, 4, 3), acts=("tanh", "sigmoid", "softmax"), div="cross_entropy", l2=0.0, l1=0.0):
    rng = np.random.default_rng(0)
    net = Network.create(list(sizes), list(acts), seed=2)
    x = rng.normal(size=(30, sizes[0]))
    d = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 30)] if div == "cross_entropy" else rng.normal(size=(30, sizes[-1]))
    return TrainingLoss.of(net, x, d, divergences.get(div), l2=l2, l1=l1), net.parameters.copy()


@pytest.mark.parametrize("l2,l1", [(0.0, 0.0), (0.2, 0.0), (0.1, 0.05)])
def test_landscape_grid_equals_pointwise_losses_and_offset_zero_is_the_current_loss(l2, l1):
    loss, theta = make_loss(l2=l2, l1=l1)
    rng = np.random.default_rng(1)
    e1, e2 = rng.normal(size=(2, theta.size))
    scape = landscape(loss, theta, e1, e2, span=0.5, resolution=7)
    assert scape.loss.shape == (7, 7) and scape.a[0] == -0.5 and scape.b[-1] == 0.5
    for i, j in [(0, 0), (2, 5), (6, 1)]:
        assert scape.loss[i, j] == pytest.approx(loss.value(theta + scape.a[i] * e1 + scape.b[j] * e2), rel=1e-12)
    assert scape.loss[3, 3] == pytest.approx(loss.value(theta), rel=1e-13) == scape.centre_loss


def test_landscape_of_a_regression_network_in_chunks(monkeypatch):
    from engine.analysis import training_loss

    monkeypatch.setattr(training_loss, "CHUNK_ELEMENTS", 500)  # several chunks
    loss, theta = make_loss((3, 4, 2), ("relu", "identity"), "l2")
    e1, e2 = named_direction(loss.layout, "W2[0,1]"), named_direction(loss.layout, "b1[3]")
    gen = training_loss.TrainingLoss.values_along(loss, theta, np.stack([e1, e2]), np.zeros((9, 2)))
    fractions = []
    while True:
        try:
            fractions.append(next(gen))
        except StopIteration as stop:
            values = stop.value
            break
    assert len(fractions) > 1 and fractions[-1] == 1.0
    assert np.allclose(values, loss.value(theta))


def test_landscape_parameter_names_follow_the_flat_layout():
    layout = Layout((2, 3, 1))
    names = parameter_names(layout)
    assert len(names) == layout.size
    assert all(parameter_index(layout, n) == i for i, n in enumerate(names))
    assert parameter_index(layout, "W2[0,0]") == layout.weight_index(2, 0, 0)
    assert parameter_index(layout, " b1[2] ") == layout.bias_index(1, 2)
    for bad in ("W3[0,0]", "W1[2,0]", "b1[3]", "W1[0]", "b1[0,0]", "x"):
        with pytest.raises(ConfigurationError, match=r"valid names: W1\[0..1,0..2\], b1\[0..2\], W2\[0..2,0..0\]"):
            parameter_index(layout, bad)


def test_landscape_filter_normalized_directions_have_each_units_norm_equal_to_its_weights():
    loss, theta = make_loss()
    layout = loss.layout
    e = filter_normalized(layout, theta, seed=5)
    EW, Eb = layout.views(e)
    TW, _ = layout.views(theta)
    for k in range(1, layout.N + 1):
        assert np.allclose(np.linalg.norm(EW[k], axis=0), np.linalg.norm(TW[k], axis=0), rtol=1e-12)
        assert not Eb[k].any()
    assert np.array_equal(e, filter_normalized(layout, theta, seed=5))
    assert not np.array_equal(e, filter_normalized(layout, theta, seed=6))


def test_landscape_pca_of_a_trajectory_on_a_plane_explains_all_variance():
    rng = np.random.default_rng(0)
    u, v = np.linalg.qr(rng.normal(size=(20, 2)))[0].T
    t = np.linspace(0, 1, 30)[:, None]
    path = 3.0 * t * u + np.sin(4 * t) * v + 0.5
    pca = trajectory_pca(path)
    assert pca.explained_variance.sum() == pytest.approx(1.0)
    assert pca.explained_variance[0] > pca.explained_variance[1]
    D = pca.directions  # the two components span the plane of u and v
    assert np.linalg.norm(D @ u) == pytest.approx(1.0) and np.linalg.norm(D @ v) == pytest.approx(1.0)
    with pytest.raises(ConfigurationError, match="at least 3"):
        trajectory_pca(path[:2])


def test_landscape_hessian_directions_slice_curvature_and_projected_gradient():
    loss, theta = make_loss()
    report = curvature(loss, theta)
    e1, e2 = eigen_directions(report)
    assert e1 @ e2 == pytest.approx(0.0, abs=1e-12)
    s = line_slice(loss, theta, 2.0 * e1, span=0.01, resolution=5)
    assert s.curvature == pytest.approx(report.largest, rel=1e-9)
    h = s.alpha[1] - s.alpha[0]  # second difference of L(θ + α v) ≈ vᵀHv
    assert (s.loss[1] - 2 * s.loss[2] + s.loss[3]) / h**2 / 4.0 == pytest.approx(report.largest, rel=1e-4)
    g = projected_gradient(e1, e2, report.gradient)
    assert g == pytest.approx([report.gradient @ e1, report.gradient @ e2])


def test_landscape_projected_path_has_real_and_plane_losses():
    loss, theta = make_loss()
    rng = np.random.default_rng(3)
    e1, e2 = rng.normal(size=(2, theta.size))
    path = theta + np.array([[1.0, 0.5], [0.2, -0.1], [0.0, 0.0]]) @ np.stack([e1, e2])
    off = path.copy()
    off[0] += 0.3 * rng.normal(size=theta.size)  # a point off the plane
    p = projected_path(loss, theta, e1, e2, path)
    assert np.allclose(p.coordinates, [[1.0, 0.5], [0.2, -0.1], [0.0, 0.0]])
    assert np.allclose(p.real_loss, p.plane_loss)
    q = projected_path(loss, theta, e1, e2, off)
    assert q.real_loss[0] == pytest.approx(loss.value(off[0])) and q.real_loss[0] != pytest.approx(q.plane_loss[0])


@pytest.mark.parametrize("resolution,span", [(1, 1.0), (5000, 1.0), (2.5, 1.0), (10, 0.0), (10, float("nan"))])
def test_landscape_refuses_impossible_grids(resolution, span):
    loss, theta = make_loss()
    with pytest.raises(ConfigurationError):
        landscape(loss, theta, theta, theta, span=span, resolution=resolution)


def test_landscape_of_a_float32_network_is_evaluated_in_float32_close_to_float64():
    loss64, theta = make_loss()
    net32 = Network(loss64.sizes, loss64.activations, theta, dtype="float32")
    loss32 = TrainingLoss.of(net32, loss64.x, loss64.d, loss64.divergence)
    assert loss32.grid_dtype == "float32"
    e1, e2 = np.random.default_rng(4).normal(size=(2, theta.size))
    a = landscape(loss64, theta, e1, e2, 0.5, 5).loss
    b = landscape(loss32, theta, e1, e2, 0.5, 5).loss
    assert b.dtype == np.float64 and np.allclose(a, b, rtol=1e-5) and not np.array_equal(a, b)


def test_landscape_probe_leaves_the_trainer_alone_and_copies_theta():
    from engine.analysis.landscape import landscape_steps
    from engine.core.optimizers import SGD
    from engine.training.trainer import Trainer

    base, _ = make_loss()
    net = Network.create(list(base.sizes), [a.name for a in base.activations], seed=2)
    x, d = base.x.copy(), base.d.copy()
    trainer = Trainer(net, x, d, divergence=base.divergence, optimizer=SGD(learning_rate=0.1), batch_size=7)
    twin = Trainer(net.copy(), x.copy(), d.copy(), divergence=base.divergence, optimizer=SGD(learning_rate=0.1), batch_size=7)
    loss = TrainingLoss.of_trainer(trainer)
    theta = net.parameters.copy()
    e1, e2 = np.random.default_rng(0).normal(size=(2, theta.size))
    gen = landscape_steps(loss, net.parameters, e1, e2, 0.5, 41)
    while True:  # training goes on between the chunks, as in the worker
        try:
            next(gen)
            trainer.step()
            twin.step()
        except StopIteration as stop:
            scape = stop.value
            break
    assert scape.centre_loss == pytest.approx(loss.value(theta)) and scape.loss[20, 20] == pytest.approx(loss.value(theta))
    assert np.array_equal(net.parameters, twin.network.parameters)  # bit-identical training with the probe running
    assert trainer.x.flags.writeable and trainer.d.flags.writeable
