"""The batched landscape (engine.analysis.batched_loss) against one forward pass per point, in chunks
of any size and in float32; its progress callback, its cancel check and its BLAS-thread choice."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis import batched_loss, training_loss
from engine.analysis.landscape import landscape, landscape_steps, pointwise_losses
from engine.analysis.steps import Cancelled
from engine.analysis.training_loss import TrainingLoss
from engine.core import divergences
from engine.core.network import Network

ARCHITECTURES = [
    ((2, 8, 8, 1), ("tanh", "tanh", "sigmoid"), "bce"),  # the default experiment's network
    ((3, 5, 4, 3), ("relu", "leaky_relu", "softmax"), "cross_entropy"),
    ((2, 4, 3, 2), ("elu", "softplus", "identity"), "l2"),
    ((4, 3), ("silu",), "l2"),  # one layer: the output is affine in the offsets
]


def make_loss(sizes, acts, div, dtype="float64", l2=0.0, samples=37):
    rng = np.random.default_rng(0)
    net = Network.create(list(sizes), list(acts), seed=3, dtype=dtype)
    x = rng.normal(size=(samples, sizes[0]))
    n = sizes[-1]
    d = np.eye(n)[rng.integers(0, n, samples)] if div == "cross_entropy" else rng.uniform(size=(samples, n))
    return TrainingLoss.of(net, x, d, divergences.get(div), l2=l2), net.parameters.astype(np.float64)


@pytest.mark.parametrize("chunk", [None, 600])  # the default budget (one chunk here) and a few points per chunk
@pytest.mark.parametrize("sizes,acts,div", ARCHITECTURES)
def test_landscape_batched_equals_one_forward_pass_per_point(monkeypatch, sizes, acts, div, chunk):
    if chunk is not None:
        monkeypatch.setattr(training_loss, "CHUNK_ELEMENTS", chunk)
    loss, theta = make_loss(sizes, acts, div, l2=0.01)
    rng = np.random.default_rng(1)
    e1, e2 = rng.normal(size=(2, theta.size))
    scape = landscape(loss, theta, e1, e2, span=2.0, resolution=9)
    reference = pointwise_losses(loss, theta, e1, e2, scape.a, scape.b)
    assert np.allclose(scape.loss, reference, rtol=1e-12, atol=0)
    assert not np.array_equal(scape.loss[0], scape.loss[-1])  # the plane is not flat: the test can fail


def test_landscape_batched_in_float32_equals_float32_forward_passes():
    loss, theta = make_loss(*ARCHITECTURES[1], dtype="float32")
    e1, e2 = np.random.default_rng(2).normal(size=(2, theta.size))
    scape = landscape(loss, theta, e1, e2, span=1.0, resolution=7)
    reference = pointwise_losses(loss, theta, e1, e2, scape.a, scape.b)
    assert np.allclose(scape.loss, reference, rtol=2e-6)


def test_landscape_batched_chunks_follow_the_memory_budget(monkeypatch):
    loss, theta = make_loss(*ARCHITECTURES[0])
    per_point = batched_loss.bytes_per_point(loss.sizes, loss.T, 1, itemsize=1)
    monkeypatch.setattr(training_loss, "CHUNK_ELEMENTS", 5 * per_point)
    assert loss.chunk_size() == 5
    e1, e2 = np.random.default_rng(3).normal(size=(2, theta.size))
    fractions = []
    scape = landscape(loss, theta, e1, e2, 1.0, 7, progress=fractions.append)  # 49 points: 10 chunks
    assert len(fractions) == 10 and fractions[-1] == 1.0 and np.all(np.diff(fractions) > 0)
    assert fractions[0] == pytest.approx(5 / 49)
    assert scape.loss[3, 3] == pytest.approx(loss.value(theta), rel=1e-13)


def test_landscape_cancel_stops_after_the_chunk_it_was_asked_in(monkeypatch):
    monkeypatch.setattr(training_loss, "CHUNK_ELEMENTS", 2000)
    loss, theta = make_loss(*ARCHITECTURES[0])
    e1, e2 = np.random.default_rng(4).normal(size=(2, theta.size))
    fractions = []
    with pytest.raises(Cancelled, match="cancelled after"):
        landscape(loss, theta, e1, e2, 1.0, 21, progress=fractions.append, cancelled=lambda: len(fractions) == 3)
    assert len(fractions) == 3 and fractions[-1] < 1.0
    gen = landscape_steps(loss, theta, e1, e2, 1.0, 21)  # a probe cancels by dropping its generator
    next(gen)
    gen.close()
    with pytest.raises(StopIteration):
        next(gen)


def test_landscape_batched_chooses_blas_threads_by_each_products_size(monkeypatch):
    seen = []
    monkeypatch.setattr(batched_loss, "use_free_threads_for", lambda flops: seen.append(flops) or 1)
    loss, theta = make_loss((6, 40, 30, 2), ("tanh", "relu", "softmax"), "cross_entropy", samples=50)
    e1, e2 = np.random.default_rng(5).normal(size=(2, theta.size))
    landscape(loss, theta, e1, e2, 1.0, 3)  # 9 points, one chunk
    T = loss.T
    assert seen == [T * 6 * 40, 9 * 3 * T * 40, T * 40 * 30, T * 30 * 2]  # x W^(1), [1 C] A, layer 2, layer 3
