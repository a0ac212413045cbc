"""Continuing after a divergence: weights to go back to, and a plateau in plain words.

The trainer's guard stops before a non-finite update, but the weights it keeps can already be
enormous (‖θ‖∞ ≈ 10^141 one step before the loss overflows): lowering η alone cannot bring
them back. `Recovery` keeps a few recent states (θ and the optimiser moments) every `every`
iterations, and the one it started from. After a divergence, `recover(trainer)` puts back θ
(and the moments, when the optimiser is the same kind) of the newest kept state whose
training-set loss (evaluated then, so only at a recovery) is finite and no worse than at the
start, else of the start. The iteration count, batch order
and shuffling generator carry on (nothing is replayed), so the history stays in order and the
curves show the jump; the history records an event "recovered_from".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PLATEAU_NOTICE = ("The loss has stopped moving and accuracy is at chance: units may be saturated — "
                  "try a smaller learning rate or another initialisation.")


@dataclass(frozen=True)
class Kept:
    """θ and the optimiser's moments at `iteration` (the arrays by name, as in a captured state)."""

    iteration: int
    state: dict
    optimizer: str = ""  # the optimiser's name then
    t: int = 0  # its update count then


def _keep(trainer) -> Kept:
    """θ and the optimiser's state of `trainer` now: what going back needs (no batch position, no
    description: kept every few iterations, so it must cost little)."""
    t, buffers = trainer.optimizer.state()
    state = {"parameters": trainer.network.parameters.copy()}
    state.update({f"optimizer_{name}": buf for name, buf in buffers.items()})
    return Kept(trainer.iteration, state, trainer.optimizer.name, t)


class Recovery:
    """The start and the `keep` most recent states of one trainer, for going back after a divergence."""

    def __init__(self, every: int = 10, keep: int = 4):
        if every < 1 or keep < 1:
            raise ValueError("every and keep must be ≥ 1")
        self.every, self.keep = int(every), int(keep)
        self.start: Kept | None = None
        self.recent: list[Kept] = []

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for k in ([self.start] if self.start else []) + self.recent for a in k.state.values())

    def record(self, trainer) -> bool:
        """Keep the state of `trainer` if one is due (between iterations, not stopped); True if kept.

        Called after every update: between two due iterations it costs one modulo."""
        if trainer.iteration % self.every and self.start is not None:
            return False
        if trainer.mid_iteration or trainer.stopped is not None:
            return False
        if self.start is None:  # where the run starts (or a restored run continues): always a way back
            self.start = _keep(trainer)
            return True
        last = self.recent[-1].iteration if self.recent else self.start.iteration
        if trainer.iteration % self.every or trainer.iteration == last:
            return False
        self.recent = (self.recent + [_keep(trainer)])[-self.keep:]
        return True

    def _training_loss(self, trainer, kept: Kept) -> float:
        np.copyto(trainer.network.parameters, kept.state["parameters"])
        with np.errstate(all="ignore"):
            loss = trainer.metrics(trainer.x, trainer.d, trainer.targets)[0]
        return loss if math.isfinite(loss) else math.inf

    def point(self, trainer) -> Kept | None:
        """The newest kept state whose training-set loss is finite and ≤ the start's, else the start
        (None before the first record); θ of `trainer` is overwritten while looking."""
        if self.start is None:
            return None
        start = self._training_loss(trainer, self.start)
        for kept in reversed(self.recent):
            if self._training_loss(trainer, kept) <= start:
                return kept
        return self.start

    def recover(self, trainer) -> Kept | None:
        """θ (and the moments, same optimiser kind) of `point()` into `trainer`; None if nothing is kept."""
        kept = self.point(trainer)
        if kept is None:
            return None
        np.copyto(trainer.network.parameters, kept.state["parameters"])
        names = [name[len("optimizer_"):] for name in kept.state if name.startswith("optimizer_")]
        if kept.optimizer == trainer.optimizer.name:
            trainer.optimizer.load_state(kept.t, {n: kept.state[f"optimizer_{n}"] for n in names})
        else:
            trainer.optimizer.load_state(0, {})
        trainer.stopped = None
        trainer.history.record_event(trainer.iteration, "recovered_from", kept.iteration)
        self.recent = [k for k in self.recent if k.iteration <= kept.iteration]
        return kept

    def continue_after_divergence(self, trainer) -> Kept | None:
        """If the guard stopped `trainer`, go back to `point()` (see recover); else nothing."""
        if trainer.stopped is None or trainer.stopped.kind != "diverged":
            return None
        return self.recover(trainer)
