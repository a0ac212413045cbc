"""A trainer's state between iterations: everything continuing bit for bit needs.

    θ               the flat parameters (W^(1), b^(1), …, W^(N), b^(N))
    optimiser       its name, hyperparameters, update count t and moment buffers
    position        iteration, samples seen, the epoch's permutation and the cursor into it
    shuffling       the generator's bit-generator state (so the next permutations are the same)

The training settings themselves (divergence, batch size, schedule, …) live in the experiment
(`Run.current_experiment()` writes them as the trainer has them); `restore` checks that the
trainer it fills has the same network shape and training-set size.
"""

from __future__ import annotations

import json

import numpy as np

from engine.core.errors import ConfigurationError
from engine.core.optimizers import create as create_optimizer

FORMAT = "backprop-workbench-state"
VERSION = 1


def capture(trainer) -> dict[str, np.ndarray]:
    """The state as named arrays (a JSON description under "meta"); only between iterations."""
    if trainer.mid_iteration:
        raise ConfigurationError("the state can only be kept between iterations: finish this iteration first "
                                 "(→ steps to its end)")
    t, buffers = trainer.optimizer.state()
    order, cursor, rng_state = trainer.batch_position
    meta = {
        "format": FORMAT, "version": VERSION,
        "sizes": list(trainer.network.sizes), "activations": list(trainer.network.activation_names),
        "dtype": trainer.network.dtype.name, "n_train": len(trainer.x),
        "iteration": trainer.iteration, "samples_seen": trainer.samples_seen, "cursor": int(cursor),
        "optimizer": trainer.optimizer.hyperparameters(), "optimizer_t": t, "buffers": sorted(buffers),
        "rng": rng_state,
    }
    arrays = {"meta": np.array(json.dumps(meta)), "parameters": trainer.network.parameters.copy(),
              "order": np.asarray(order, dtype=np.int64)}
    arrays.update({f"optimizer_{name}": buf for name, buf in buffers.items()})
    return arrays


def describe(arrays: dict[str, np.ndarray]) -> dict:
    """The JSON description of a captured state (ConfigurationError if it is not one)."""
    try:
        meta = json.loads(str(arrays["meta"][()]))
    except (KeyError, ValueError, TypeError):
        raise ConfigurationError("not a Backprop Workbench state (no readable description)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ConfigurationError("not a Backprop Workbench state")
    if int(meta.get("version", 0)) > VERSION:
        raise ConfigurationError(f"this state is version {meta['version']}, written by a newer Backprop Workbench")
    return meta


def _check_matches(trainer, meta: dict) -> None:
    net = trainer.network
    if list(net.sizes) != meta["sizes"] or list(net.activation_names) != meta["activations"]:
        raise ConfigurationError(f"the state is of a network {meta['sizes']} {meta['activations']}, "
                                 f"this one is {list(net.sizes)} {list(net.activation_names)}")
    if net.dtype.name != meta["dtype"]:
        raise ConfigurationError(f"the state is {meta['dtype']}, the network is {net.dtype.name}")
    if len(trainer.x) != meta["n_train"]:
        raise ConfigurationError(f"the state was trained on {meta['n_train']} examples, this data has {len(trainer.x)}")


def restore(trainer, arrays: dict[str, np.ndarray]) -> None:
    """Put a captured state into `trainer` (same network and data); checked before anything changes."""
    meta = describe(arrays)
    _check_matches(trainer, meta)
    parameters, order = arrays.get("parameters"), arrays.get("order")
    if parameters is None or parameters.shape != trainer.network.parameters.shape:
        raise ConfigurationError("the state's parameters do not fit the network")
    if order is None or sorted(order.tolist()) != list(range(len(trainer.x))):
        raise ConfigurationError("the state's batch order is not a permutation of the training set")
    optimizer = create_optimizer(meta["optimizer"]["name"],
                                 **{k: v for k, v in meta["optimizer"].items() if k != "name"})
    buffers = {name: arrays[f"optimizer_{name}"] for name in meta["buffers"]}
    for buf in buffers.values():
        if buf.shape != parameters.shape:
            raise ConfigurationError("the state's optimiser buffers do not fit the network")
    try:
        np.random.default_rng().bit_generator.state = meta["rng"]
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigurationError(f"the state's shuffling generator cannot be restored ({exc})") from None
    cursor = int(meta["cursor"])
    if not 0 <= cursor <= len(trainer.x):
        raise ConfigurationError(f"the state's batch cursor {cursor} is outside the training set")
    # everything checked: apply
    np.copyto(trainer.network.parameters, parameters, casting="same_kind")
    optimizer.load_state(meta["optimizer_t"], buffers)
    trainer.optimizer = optimizer
    trainer.continue_from(meta["iteration"], meta["samples_seen"], order, cursor, meta["rng"])
