"""The inspector's numbers: every factor of the chain rule, and its products, match the engine."""

import numpy as np
import pytest

from engine import ConfigurationError, Network
from engine.analysis.gradient_check import numeric_gradient
from engine.analysis.inspection import explain_unit, explain_weight
from engine.core import divergences


def backward(net, divergence="bce", batch=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, net.sizes[0]))
    div = divergences.get(divergence)
    d = div.targets(rng.integers(0, max(2, net.sizes[-1]), batch), net.sizes[-1])
    trace = net.forward(x)
    return x, d, div, trace, net.backward(trace, d, div)


@pytest.mark.parametrize("k,i,j", [(1, 0, 2), (2, 3, 1), (3, 2, 0)])
def test_chain_rule_products_equal_the_gradients(k, i, j):
    net = Network.create([2, 4, 3, 1], ["tanh", "elu", "sigmoid"], seed=1)
    x, d, div, trace, grads = backward(net)
    e = explain_weight(net, trace, grads, k, i, j, t=2)
    assert e.weight == net.W[k][i, j] and e.y_in == trace.y[k - 1][2, i]
    assert e.chain_dy == pytest.approx(e.dDiv_dy, rel=1e-12)
    assert e.chain_dz == pytest.approx(e.dDiv_dz, rel=1e-9, abs=1e-15)
    assert e.sample_gradient == pytest.approx(e.y_in * e.dDiv_dz)
    assert e.per_sample_gradient.mean() == pytest.approx(e.batch_mean_gradient, rel=1e-12)
    assert e.batch_mean_gradient == grads.dW[k][i, j]
    assert bool(e.downstream) == (k < net.N)


def test_softmax_output_uses_the_jacobian_row():
    net = Network.create([3, 4, 3], ["relu", "softmax"], seed=2)
    x, d, div, trace, grads = backward(net, "cross_entropy")
    e = explain_weight(net, trace, grads, 2, 1, 0, t=1)
    assert e.activation_derivative is None and e.jacobian_row.shape == (3,)
    assert e.chain_dz == pytest.approx(e.dDiv_dz, rel=1e-9)  # Σ_m J_jm ∂Div/∂y_m = y − d (fused)


def test_batch_mean_agrees_with_central_differences():
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=3)
    x, d, div, trace, grads = backward(net)
    e = explain_weight(net, trace, grads, 1, 1, 2)
    index = net.layout.weight_index(1, 1, 2)
    numeric = numeric_gradient(net, x, d, div, indices=[index])[index]
    assert numeric == pytest.approx(e.batch_mean_gradient, rel=1e-7)


def test_unit_explanation_reads_bias_values_and_gradients():
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=3)
    net.b[1][2] = 0.25
    x, d, div, trace, grads = backward(net)
    u = explain_unit(net, trace, grads, 1, 2, t=4)
    assert (u.bias, u.z, u.y) == (0.25, trace.z[1][4, 2], trace.y[1][4, 2])
    assert u.bias_gradient == grads.db[1][2] == pytest.approx(grads.dz[1][:, 2].mean())
    assert net.layout.bias_index(1, 0) == net.layout.weight_index(1, 1, 2) + 1  # b^(1) follows W^(1)
    assert net.parameters[net.layout.bias_index(1, 2)] == 0.25


def test_asking_before_the_backward_pass_reached_the_layer_is_refused():
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=3)
    x, d, div, trace, grads = backward(net)
    grads.computed = [2]
    with pytest.raises(ConfigurationError, match="not reached layer 1"):
        explain_weight(net, trace, grads, 1, 0, 0)
    with pytest.raises(ConfigurationError, match="units 0..2"):
        explain_weight(net, trace, grads, 2, 5, 0)
