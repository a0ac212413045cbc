"""Structural edits of a network that keep every weight they can.

Each edit returns a new Network; the old one is untouched (so an undo can restore it).
Parts whose shape or meaning changed are drawn afresh with the given initialiser and
generator; everything else — the weights and biases of untouched layers, and the
overlapping block of a resized one — is copied bit for bit.

Layers are numbered as in the lecture: hidden layers are k = 1..N−1, the output layer is N.
"""

from __future__ import annotations

import numpy as np

from engine.core import initializers
from engine.core.errors import ConfigurationError
from engine.core.network import Network

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 512


def _check_units(units: int) -> int:
    if int(units) != units or not 1 <= units <= MAX_UNITS:
        raise ConfigurationError(f"a layer has 1 to {MAX_UNITS} units, not {units}")
    return int(units)


def _fresh(rng, init: str, n_in: int, n_out: int, scale: float) -> np.ndarray:
    return initializers.get(init)(rng, n_in, n_out, scale)


def _assemble(net: Network, sizes, activations, weights, biases) -> Network:
    new = Network(sizes, activations, dtype=net.dtype)
    for k in range(1, new.N + 1):
        new.W[k][...] = weights[k - 1]
        new.b[k][...] = biases[k - 1]
    return new


def _layers(net: Network) -> tuple[list, list, list, list]:
    return (list(net.sizes), list(net.activation_names),
            [w.copy() for w in net.W[1:]], [b.copy() for b in net.b[1:]])


def insert_layer(net: Network, k: int, units: int, activation: str, rng: np.random.Generator,
                 init: str = "xavier_uniform", scale: float = initializers.DEFAULT_UNIFORM_SCALE) -> Network:
    """A new hidden layer that becomes layer k (1 ≤ k ≤ N); old layers k..N move to k+1..N+1.

    New: W^(k), b^(k) = 0, and W^(k+1) (its fan-in changed). Kept: every other W and b.
    """
    if not 1 <= k <= net.N:
        raise ConfigurationError(f"a hidden layer can be inserted at positions 1..{net.N}, not {k}")
    if net.N - 1 >= MAX_HIDDEN_LAYERS:
        raise ConfigurationError(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
    units = _check_units(units)
    sizes, acts, W, b = _layers(net)
    n_in = sizes[k - 1]
    sizes.insert(k, units)
    acts.insert(k - 1, activation)
    W.insert(k - 1, _fresh(rng, init, n_in, units, scale))
    b.insert(k - 1, np.zeros(units))
    W[k] = _fresh(rng, init, units, sizes[k + 1], scale)  # the next layer now reads `units` inputs
    return _assemble(net, sizes, acts, W, b)


def remove_layer(net: Network, k: int, rng: np.random.Generator, init: str = "xavier_uniform",
                 scale: float = initializers.DEFAULT_UNIFORM_SCALE) -> Network:
    """Remove hidden layer k (1 ≤ k ≤ N−1); the next layer's W is drawn afresh for its new fan-in."""
    if not 1 <= k <= net.N - 1:
        raise ConfigurationError(f"hidden layers are 1..{net.N - 1}; layer {k} cannot be removed")
    sizes, acts, W, b = _layers(net)
    del sizes[k], acts[k - 1], W[k - 1], b[k - 1]
    W[k - 1] = _fresh(rng, init, sizes[k - 1], sizes[k], scale)
    return _assemble(net, sizes, acts, W, b)


def _overlay(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`new` with its top-left block replaced by the matching block of `old`."""
    rows, cols = min(old.shape[0], new.shape[0]), min(old.shape[1], new.shape[1])
    new[:rows, :cols] = old[:rows, :cols]
    return new


def resize_layer(net: Network, k: int, units: int, rng: np.random.Generator, init: str = "xavier_uniform",
                 scale: float = initializers.DEFAULT_UNIFORM_SCALE) -> Network:
    """Give layer k `units` units: kept units keep their incoming and outgoing weights.

    Added units get fresh columns of W^(k), b = 0 and fresh rows of W^(k+1); removed units take
    theirs away. Works for the output layer too (k = N), e.g. when the class count changes.
    """
    if not 1 <= k <= net.N:
        raise ConfigurationError(f"layers are 1..{net.N}, not {k}")
    units = _check_units(units)
    sizes, acts, W, b = _layers(net)
    sizes[k] = units
    W[k - 1] = _overlay(W[k - 1], _fresh(rng, init, sizes[k - 1], units, scale))
    kept = b[k - 1][:units]
    b[k - 1] = np.concatenate([kept, np.zeros(units - len(kept))])
    if k < net.N:
        W[k] = _overlay(W[k], _fresh(rng, init, units, sizes[k + 1], scale))
    return _assemble(net, sizes, acts, W, b)


def resize_inputs(net: Network, n_inputs: int, rng: np.random.Generator, init: str = "xavier_uniform",
                  scale: float = initializers.DEFAULT_UNIFORM_SCALE) -> Network:
    """Adapt the input layer to a dataset with `n_inputs` features (W^(1) drawn afresh if it changes)."""
    if n_inputs == net.sizes[0]:
        return net.copy()
    sizes, acts, W, b = _layers(net)
    sizes[0] = int(n_inputs)
    W[0] = _fresh(rng, init, sizes[0], sizes[1], scale)
    return _assemble(net, sizes, acts, W, b)


def set_input_rows(net: Network, rows, rng: np.random.Generator, init: str = "xavier_uniform",
                   scale: float = initializers.DEFAULT_UNIFORM_SCALE) -> Network:
    """New inputs y^(0) (e.g. a derived feature switched on or off): rows[r] is the old input whose
    row of W^(1) input r keeps, or None for a new input, whose row is drawn afresh (from a W^(1)
    of the new fan-in). Every other weight and bias is kept."""
    rows = list(rows)
    if not rows:
        raise ConfigurationError("a network needs at least one input")
    kept = [r for r in rows if r is not None]
    if any(not 0 <= r < net.sizes[0] for r in kept) or len(set(kept)) != len(kept):
        raise ConfigurationError(f"input rows must be distinct inputs 0..{net.sizes[0] - 1}, got {rows}")
    sizes, acts, W, b = _layers(net)
    sizes[0] = len(rows)
    fresh = _fresh(rng, init, sizes[0], sizes[1], scale)
    for r, old in enumerate(rows):
        if old is not None:
            fresh[r] = net.W[1][old]
    W[0] = fresh
    return _assemble(net, sizes, acts, W, b)


def set_activation(net: Network, k: int, activation: str) -> Network:
    """Layer k with activation f_k = `activation`; every weight is kept."""
    if not 1 <= k <= net.N:
        raise ConfigurationError(f"layers are 1..{net.N}, not {k}")
    acts = list(net.activation_names)
    acts[k - 1] = activation
    return Network(net.sizes, acts, net.parameters.copy(), net.dtype)
