"""Weights files (.npz, read with allow_pickle=False).

W1..WN with W^(k) of shape (n_{k−1}, n_k), W[i, j] = w_ij^(k); b1..bN of shape (n_k,);
`sizes` (int64, n_0..n_N); `activations` (fixed-width unicode strings, never objects).
Written atomically: a failed write leaves the previous file intact.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from engine.core.errors import DataError
from engine.core.network import MAX_LAYERS, Network
from engine.data.array_formats import read_members
from engine.io import atomic
from engine.io.experiment import MAX_PARAMETERS

HEADER_BYTES = 64 * 1024
"""Room for a member's .npy header, beyond its float64 data."""

DESCRIPTION_BYTES = HEADER_BYTES + 64 * (MAX_LAYERS + 1)
"""Largest `sizes` / `activations` member: MAX_LAYERS + 1 entries of at most 64 bytes each."""


def save_weights(path, network: Network) -> None:
    """Write every W^(k), b^(k), the sizes and the activation names to an .npz file."""
    with atomic.atomic_open(path, "wb") as f:
        write_weights(f, network)


def weights_bytes(network: Network) -> bytes:
    """The bytes `save_weights` writes (for a file written elsewhere, e.g. by a sweep's client)."""
    buffer = io.BytesIO()
    write_weights(buffer, network)
    return buffer.getvalue()


def write_weights(file, network: Network) -> None:
    """The .npz archive into an open binary file."""
    arrays = {}
    for k in range(1, network.N + 1):
        arrays[f"W{k}"] = np.array(network.W[k])
        arrays[f"b{k}"] = np.array(network.b[k])
    arrays["sizes"] = np.array(network.sizes, dtype=np.int64)
    arrays["activations"] = np.array(network.activation_names, dtype=str)  # '<U7': fixed width
    np.savez(file, **arrays)


def load_weights(path, network: Network | None = None) -> Network:
    """Read weights; into `network` (in place, every shape checked) or into a new Network.

    Only the members named above are read, each after its size is checked against what the
    network needs (a zip bomb or thousands of extra members cost nothing). Raises DataError
    naming the file and the layer that disagrees.
    """
    path = Path(path)
    head = read_members(path, {"sizes": DESCRIPTION_BYTES, "activations": DESCRIPTION_BYTES}, "weights file (.npz)")
    sizes, activations = _description(head, path)
    created = network is None
    if created:
        network = _new_network(path, sizes, activations)
    _check_network(network, sizes, activations, path)
    limits = {}
    for k in range(1, network.N + 1):
        limits[f"W{k}"] = HEADER_BYTES + network.W[k].size * np.dtype(np.float64).itemsize
        limits[f"b{k}"] = HEADER_BYTES + network.b[k].size * np.dtype(np.float64).itemsize
    arrays = read_members(path, limits, "weights file (.npz)")
    if created and arrays["W1"].dtype == np.float32:  # keep the file's float type
        network = Network(sizes, activations, dtype="float32")
    for k in range(1, network.N + 1):
        for name, target in ((f"W{k}", network.W[k]), (f"b{k}", network.b[k])):
            a = arrays[name]
            if a.shape != target.shape:
                raise DataError(f"layer {k}: {name} has shape {a.shape} in the file but the network needs "
                                f"{target.shape} (n_{k - 1} = {network.sizes[k - 1]}, n_{k} = {network.sizes[k]})", path)
            if a.dtype.kind not in "fiu" or not np.isfinite(a).all():
                raise DataError(f"layer {k}: {name} must hold finite real numbers", path)
    for k in range(1, network.N + 1):  # everything checked: now copy (in place, views stay valid)
        network.W[k][...] = arrays[f"W{k}"]
        network.b[k][...] = arrays[f"b{k}"]
    return network


def _new_network(path: Path, sizes: list[int], activations: list[str]) -> Network:
    """A network of the file's shape (float64), its size checked before any memory is taken."""
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if len(sizes) - 1 > MAX_LAYERS or n_params > MAX_PARAMETERS:
        raise DataError(f"describes {len(sizes) - 1:_} layers with {n_params:_} parameters, more than the "
                        f"{MAX_LAYERS:_} layers and {MAX_PARAMETERS:_} parameters allowed", path)
    try:
        return Network(sizes, activations)
    except ValueError as exc:
        raise DataError(f"describes an impossible network: {exc}", path) from None


def _description(arrays: dict, path: Path) -> tuple[list[int], list[str]]:
    sizes, activations = arrays.get("sizes"), arrays.get("activations")
    if sizes is None or activations is None:
        raise DataError("not a Backprop Workbench weights file: 'sizes' or 'activations' is missing", path)
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or len(sizes) < 2 or (sizes < 1).any():
        raise DataError(f"'sizes' must be at least two positive whole numbers, got {sizes!r}", path)
    if activations.dtype.kind != "U" or activations.shape != (len(sizes) - 1,):
        raise DataError(f"'activations' must be {len(sizes) - 1} names, got {activations!r}", path)
    return [int(n) for n in sizes], [str(a) for a in activations]


def _check_network(network: Network, sizes: list[int], activations: list[str], path: Path) -> None:
    if len(sizes) != len(network.sizes):
        raise DataError(f"the file holds {len(sizes) - 1} layers (sizes {sizes}) but the network has "
                        f"{network.N} (sizes {list(network.sizes)})", path)
    if sizes[0] != network.sizes[0]:
        raise DataError(f"layer 1: the file expects {sizes[0]} inputs, the network has {network.sizes[0]}", path)
    for k in range(1, network.N + 1):
        if sizes[k] != network.sizes[k]:
            raise DataError(f"layer {k}: the file has {sizes[k]} units, the network has {network.sizes[k]}", path)
        if activations[k - 1] != network.activation_names[k - 1]:
            raise DataError(f"layer {k}: the file's activation is {activations[k - 1]}, "
                            f"the network's is {network.activation_names[k - 1]}", path)
