"""Structural edits keep the weights of untouched layers bit for bit."""

import numpy as np
import pytest

from engine import ConfigurationError, Network
from engine.training import edits as arch


@pytest.fixture
def net():
    n = Network.create([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], seed=0)
    n.b[1][:] = [0.1, 0.2, 0.3, 0.4]
    n.b[3][:] = 0.7
    return n


def rng():
    return np.random.default_rng(42)


def test_insert_layer_keeps_layers_before_and_the_biases_after(net):
    new = arch.insert_layer(net, 2, 5, "elu", rng())
    assert new.sizes == (2, 4, 5, 3, 1) and new.activation_names == ("tanh", "elu", "relu", "sigmoid")
    assert np.array_equal(new.W[1], net.W[1]) and np.array_equal(new.b[1], net.b[1])
    assert np.array_equal(new.W[4], net.W[3]) and np.array_equal(new.b[4], net.b[3])
    assert np.array_equal(new.b[3], net.b[2])  # the moved layer keeps its biases
    assert new.W[3].shape == (5, 3) and np.all(new.b[2] == 0)


def test_remove_layer_redraws_only_the_next_layers_weights(net):
    new = arch.remove_layer(net, 2, rng())
    assert new.sizes == (2, 4, 1)
    assert np.array_equal(new.W[1], net.W[1]) and np.array_equal(new.b[2], net.b[3])
    assert new.W[2].shape == (4, 1)
    with pytest.raises(ConfigurationError, match="cannot be removed"):
        arch.remove_layer(net, 3, rng())


@pytest.mark.parametrize("units", [2, 4, 6])
def test_resize_keeps_the_overlapping_block(net, units):
    new = arch.resize_layer(net, 1, units, rng())
    keep = min(units, 4)
    assert new.sizes == (2, units, 3, 1)
    assert np.array_equal(new.W[1][:, :keep], net.W[1][:, :keep])
    assert np.array_equal(new.W[2][:keep], net.W[2][:keep])
    assert np.array_equal(new.b[1][:keep], net.b[1][:keep])
    assert np.array_equal(new.W[3], net.W[3]) and np.array_equal(new.b[2], net.b[2])


def test_resize_to_the_same_size_changes_nothing(net):
    assert np.array_equal(arch.resize_layer(net, 2, 3, rng()).parameters, net.parameters)


def test_set_activation_keeps_every_weight_and_leaves_the_original(net):
    new = arch.set_activation(net, 2, "silu")
    assert new.activation_names[1] == "silu" and net.activation_names[1] == "relu"
    assert np.array_equal(new.parameters, net.parameters)
    assert new.parameters is not net.parameters


def test_limits_are_refused_with_a_message(net):
    with pytest.raises(ConfigurationError, match="512"):
        arch.resize_layer(net, 1, 513, rng())
    deep = Network.create([2] + [3] * 10 + [1], ["tanh"] * 10 + ["sigmoid"])
    with pytest.raises(ConfigurationError, match="at most 10 hidden layers"):
        arch.insert_layer(deep, 1, 3, "tanh", rng())
    with pytest.raises(ConfigurationError, match="softmax"):
        arch.set_activation(net, 1, "softmax")


def test_resize_inputs_redraws_the_first_layer_only(net):
    new = arch.resize_inputs(net, 5, rng())
    assert new.sizes[0] == 5 and new.W[1].shape == (5, 4)
    assert np.array_equal(new.W[2], net.W[2]) and np.array_equal(new.b[1], net.b[1])


def test_the_same_edit_with_the_same_generator_is_reproducible(net):
    a = arch.insert_layer(net, 1, 3, "tanh", rng())
    b = arch.insert_layer(net, 1, 3, "tanh", rng())
    assert np.array_equal(a.parameters, b.parameters)
