"""Forking a run: a second run that continues exactly where the first one is.

The fork shares the data (read-only arrays) and copies everything that changes with training:
θ, the optimiser's moments and step count, the batch permutation, cursor and shuffling
generator, and the history so far. Trained on, parent and fork give bit-identical weights
until a setting of one of them is changed. A fork from a timeline checkpoint continues from
that point instead, bit for bit as the run did then.
"""

from __future__ import annotations

import copy

from engine.core.network import Network
from engine.run import Run, assemble
from engine.training.state import capture, restore


def fork(run: Run, checkpoint=None, history=None) -> Run:
    """A new Run in the exact state of `run` (between iterations) — or, given a timeline
    checkpoint of `run` (engine.runs.timeline), in the state it had then: θ, optimiser and
    batch position of the checkpoint, the history up to its iteration, today's settings.

    history: the history to copy instead of `run`'s (e.g. the run's before it went back)."""
    state = capture(run.trainer) if checkpoint is None else checkpoint.state
    network = Network(run.network.sizes, run.network.activations, dtype=run.network.dtype.name)
    child = assemble(run.current_experiment(), run.dataset, run.data, network)
    restore(child.trainer, state)
    child.trainer.history = copy.deepcopy(run.trainer.history if history is None else history)
    if checkpoint is not None:
        child.trainer.history.truncate_after(checkpoint.iteration)
    return child
