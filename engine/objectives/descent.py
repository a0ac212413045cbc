"""Gradient descent on an objective with the network optimisers (engine.core.optimizers):

    x ← x − Δ,  Δ = optimizer.step(∇f(x))     (plain SGD: Δ = η ∇f(x))

so function mode and network mode share SGD with momentum/Nesterov, Adagrad, RMSprop and
Adam, and every hyperparameter means the same. `Descent` takes one update at a time (the
step-by-step mode: the path grows by one point per `step`); `descent_steps` is a generator
yielding each new point (for a live view); `descend` runs it and returns the frozen Path.
A non-finite value or step stops the run (diverged), keeping the last finite point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.analysis.steps import finish
from engine.core.optimizers import Optimizer
from engine.objectives.objective import Objective


@dataclass(frozen=True)
class Path:
    points: np.ndarray  # (n + 1, dimension), the start first
    values: np.ndarray  # f at each point
    diverged: bool


class Descent:
    """One descent from `start`, advanced an update at a time; `optimizer` is used as given."""

    def __init__(self, f: Objective, start, optimizer: Optimizer):
        self.f, self.optimizer = f, optimizer
        self.x = np.array(start, dtype=np.float64).reshape(f.dimension)
        self.points, self.diverged = [self.x.copy()], False
        self._delta = np.empty_like(self.x)

    @property
    def steps(self) -> int:
        """Updates taken so far."""
        return len(self.points) - 1

    def step(self) -> bool:
        """One update x ← x − Δ; False (and nothing moves) once the descent has diverged."""
        if self.diverged:
            return False
        with np.errstate(all="ignore"):
            g = self.f.gradient(self.x)
            if np.isfinite(g).all():
                self.optimizer.step(g, self._delta, self.optimizer.learning_rate)
                new = self.x - self._delta
                if np.isfinite(new).all() and np.isfinite(self.f.value(new)):
                    self.x = new
                    self.points.append(new.copy())
                    return True
        self.diverged = True
        return False

    def advance(self, updates: int) -> int:
        """Up to `updates` more updates (fewer if it diverges); returns how many were taken."""
        taken = 0
        while taken < updates and self.step():
            taken += 1
        return taken

    def path(self) -> Path:
        p = np.array(self.points)
        return Path(p, self.f.value(p), self.diverged)


def descent_steps(f: Objective, start, optimizer: Optimizer, steps: int) -> Iterator[np.ndarray]:
    """Yields each new point; returns the Path. `optimizer` is used as given (its state advances)."""
    run = Descent(f, start, optimizer)
    for _ in range(int(steps)):
        if not run.step():
            break
        yield run.x.copy()
    return run.path()


def descend(f: Objective, start, optimizer: Optimizer, steps: int) -> Path:
    return finish(descent_steps(f, start, optimizer, steps))
