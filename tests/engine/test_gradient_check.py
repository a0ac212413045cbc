"""Backprop against central differences for every output activation × divergence, on random shapes."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Network
from engine.analysis.gradient_check import gradient_check
from engine.core import activations, divergences

OUTPUTS = list(activations.ACTIVATIONS)
HIDDEN = [n for n, a in activations.ACTIVATIONS.items() if not a.is_vector]
OUTPUT_CENTRE = {"sigmoid": 0.0, "softplus": -0.4, "silu": 0.8}  # f(centre) ≈ 0.5; others: 0.5
KINKED = {"relu", "leaky_relu", "elu"}  # not smooth at 0 (elu: its second derivative jumps)
DIVERGENCES = [("l2", 0.0), ("bce", 0.0), ("cross_entropy", 0.0), ("cross_entropy", 0.1), ("kl", 0.0)]


def targets_for(name, smoothing, rng, batch, k):
    if name == "l2":
        return rng.normal(size=(batch, k))
    if name == "bce":
        return rng.uniform(0.05, 0.95, size=(batch, k))
    if name == "cross_entropy":
        return divergences.get(name, smoothing).targets(rng.integers(0, k, batch), k)
    return rng.dirichlet(np.ones(k), size=batch)


def move_away_from_kinks(net, x, margin=0.05, tries=20):
    """Shift hidden biases until no z^(k) lies within `margin` of relu's kink at 0.

    Finite differences straddling a kink measure a blend of two slopes, not the derivative.
    """
    for _ in range(tries):
        trace = net.forward(x)
        near = [np.abs(trace.z[k]).min(axis=0) < margin for k in range(1, net.N)]
        if not any(n.any() for n in near):
            return True
        for k, units in enumerate(near, start=1):
            net.b[k][units] += 3 * margin
    return False


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("divergence,smoothing", DIVERGENCES)
@settings(max_examples=40)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=2),
    n_in=st.integers(1, 4),
    n_out=st.integers(2, 4),
    batch=st.integers(1, 6),
    hidden_activation=st.sampled_from(HIDDEN),
    seed=st.integers(0, 2**32 - 1),
)
def test_backprop_matches_central_differences(output, divergence, smoothing, hidden, n_in, n_out,
                                              batch, hidden_activation, seed):
    rng = np.random.default_rng(seed)
    sizes = [n_in, *hidden, n_out]
    net = Network.create(sizes, [hidden_activation] * len(hidden) + [output], seed=rng)
    for k in range(1, net.N + 1):
        net.b[k][:] = rng.normal(scale=0.3, size=net.b[k].shape)
    x = rng.normal(size=(batch, n_in))
    if hidden_activation in KINKED:
        assume(move_away_from_kinks(net, x))
    # keep z^(N) within ±0.2 of a point where f_N ≈ 0.5, so y lies well inside (0, 1): there the
    # log-divergences are smooth and a finite-difference step cannot reach their singularity
    net.b[net.N][:] = OUTPUT_CENTRE.get(output, 0.5) + rng.normal(scale=0.02, size=n_out)
    spread = np.abs(net.forward(x).y[net.N - 1] @ net.W[net.N]).max()
    if spread > 0.15:
        net.W[net.N] *= 0.15 / spread
    d = targets_for(divergence, smoothing, rng, batch, n_out)
    div = divergences.get(divergence, smoothing)
    for fused in (True, False):
        check = gradient_check(net, x, d, div, fused=fused)
        assert check.max_relative_error < 1e-6, (fused, check.per_layer())


def test_fused_softmax_cross_entropy_equals_the_jacobian_path():
    rng = np.random.default_rng(0)
    net = Network.create([3, 6, 4], ["tanh", "softmax"], seed=1)
    x = rng.normal(size=(7, 3))
    div = divergences.get("cross_entropy", label_smoothing=0.05)
    d = div.targets(rng.integers(0, 4, 7), 4)
    trace = net.forward(x)
    fused = net.backward(trace, d, div, fused=True)
    general = net.backward(trace, d, div, fused=False)
    assert div.fused_dz(net.activations[-1])
    for k in (1, 2):
        np.testing.assert_allclose(fused.dz[k], general.dz[k], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(fused.vector, general.vector, rtol=1e-10, atol=1e-14)
    # the shortcut is ∂Div/∂z^(N) = y − d
    np.testing.assert_allclose(fused.dz[2], trace.output - d, rtol=0, atol=0)


def test_gradient_check_detects_a_wrong_gradient():
    """The checker itself can fail: break tanh's derivative and the error becomes large."""
    act = activations.get("tanh")
    original = type(act).backward
    try:
        type(act).backward = lambda self, z, y, dy, out: np.multiply(dy, 1.0, out=out)
        net = Network.create([2, 3, 1], ["tanh", "identity"], seed=0)
        rng = np.random.default_rng(0)
        check = gradient_check(net, rng.normal(size=(4, 2)), rng.normal(size=(4, 1)), divergences.get("l2"))
        assert check.max_relative_error > 1e-2
        assert check.per_layer()[0][1] > 1e-2  # layer 1 is the one downstream of the broken derivative
    finally:
        type(act).backward = original
