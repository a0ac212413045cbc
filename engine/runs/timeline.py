"""The timeline of a run: checkpoints to go back to, within a memory budget.

A checkpoint is the trainer's state (engine.training.state: θ, optimiser moments, batch
position) at an iteration. One is kept every `every` iterations; when the kept ones would pass
`budget_bytes`, every second one is dropped and `every` doubles — so a whole lecture fits in
the budget, with fine steps for short runs and coarser ones for long runs. Going back shows a
checkpoint's θ; resuming or forking from it restores the whole state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.training.state import capture, describe

DEFAULT_BUDGET = 64 * 2**20


@dataclass(frozen=True)
class Checkpoint:
    iteration: int
    state: dict

    @cached_property
    def nbytes(self) -> int:  # the arrays are never resized: counted once
        return sum(a.nbytes for a in self.state.values())

    @property
    def parameters(self) -> np.ndarray:
        """θ at this checkpoint (read-only)."""
        view = self.state["parameters"].view()
        view.flags.writeable = False
        return view


class Timeline:
    """Checkpoints of one run, oldest first, never more than `budget_bytes` together."""

    def __init__(self, every: int = 100, budget_bytes: int = DEFAULT_BUDGET):
        if every < 1 or budget_bytes < 1:
            raise ValueError("every and budget_bytes must be ≥ 1")
        self.every, self.budget_bytes = int(every), int(budget_bytes)
        self.spacing = self.every  # the N asked for (`every` doubles when the budget thins)
        self.checkpoints: list[Checkpoint] = []
        self._nbytes = 0  # of the checkpoints kept (a running total: recorded every few iterations)

    @property
    def nbytes(self) -> int:
        return self._nbytes

    def _keep(self, checkpoints: list[Checkpoint]) -> None:
        self.checkpoints = checkpoints
        self._nbytes = sum(c.nbytes for c in checkpoints)

    def due(self, iteration: int) -> bool:
        last = self.checkpoints[-1].iteration if self.checkpoints else None
        return iteration != last and iteration % self.every == 0

    def record(self, trainer) -> bool:
        """Keep a checkpoint of `trainer` if one is due (between iterations); True if kept.

        Called after every update: an iteration that is no multiple of `every` costs one modulo."""
        if trainer.iteration % self.every or trainer.mid_iteration or not self.due(trainer.iteration):
            return False
        checkpoint = Checkpoint(trainer.iteration, capture(trainer))
        if checkpoint.nbytes > self.budget_bytes:
            return False  # one state alone exceeds the budget: no timeline for this network
        self.checkpoints.append(checkpoint)
        self._nbytes += checkpoint.nbytes
        while self.nbytes > self.budget_bytes:
            self._thin()
        return True

    def _thin(self) -> None:
        """Keep the checkpoints at multiples of twice the spacing (the first one always)."""
        self.every *= 2
        kept = [c for c in self.checkpoints if c.iteration % self.every == 0]
        if len(kept) == len(self.checkpoints):  # nothing to drop at this spacing: drop the oldest
            kept = self.checkpoints[1:]
        self._keep(kept)

    def at(self, iteration: int) -> Checkpoint:
        """The latest checkpoint at or before `iteration` (the first one if none is)."""
        if not self.checkpoints:
            raise LookupError("the timeline has no checkpoints yet")
        before = [c for c in self.checkpoints if c.iteration <= iteration]
        return before[-1] if before else self.checkpoints[0]

    def clear(self) -> None:
        """Another run: no checkpoint of this one applies (the spacing back to N)."""
        self._keep([])
        self.every = self.spacing

    def set_spacing(self, every: int) -> None:
        """Checkpoints every `every` iterations from now on (those kept stay)."""
        if every < 1:
            raise ValueError("every must be ≥ 1")
        self.spacing = self.every = int(every)

    def truncate_after(self, iteration: int) -> None:
        """Forget the checkpoints after `iteration` (after resuming from an earlier one)."""
        self._keep([c for c in self.checkpoints if c.iteration <= iteration])

    def describe(self, checkpoint: Checkpoint) -> dict:
        return describe(checkpoint.state)
