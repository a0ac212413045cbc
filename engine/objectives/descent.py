"""Gradient descent on an objective with the network optimisers (engine.core.optimizers):

    x ← x − Δ,  Δ = optimizer.step(∇f(x))     (plain SGD: Δ = η ∇f(x))

so function mode and network mode share SGD with momentum/Nesterov, Adagrad, RMSprop and
Adam, and every hyperparameter means the same. `descent_steps` is a generator yielding each
new point (for a live view); `descend` runs it and returns the frozen Path. A non-finite
value or step stops the run (diverged), keeping the last finite point.
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


def descent_steps(f: Objective, start, optimizer: Optimizer, steps: int) -> Iterator[np.ndarray]:
    """Yields each new point; returns the Path. `optimizer` is used as given (its state advances)."""
    x = np.array(start, dtype=np.float64).reshape(f.dimension)
    points, delta, diverged = [x.copy()], np.empty_like(x), False
    with np.errstate(all="ignore"):
        for _ in range(int(steps)):
            g = f.gradient(x)
            if not np.isfinite(g).all():
                diverged = True
                break
            optimizer.step(g, delta, optimizer.learning_rate)
            new = x - delta
            if not (np.isfinite(new).all() and np.isfinite(f.value(new))):
                diverged = True
                break
            x = new
            points.append(x.copy())
            yield x.copy()
    p = np.array(points)
    return Path(p, f.value(p), diverged)


def descend(f: Objective, start, optimizer: Optimizer, steps: int) -> Path:
    return finish(descent_steps(f, start, optimizer, steps))
