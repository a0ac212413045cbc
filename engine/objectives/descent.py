"""Gradient descent on an objective with the network optimisers (engine.core.optimizers):

    x ← x − Δ,  Δ = optimizer.step(∇f(x))     (plain SGD: Δ = η ∇f(x))

so function mode and network mode share SGD with momentum/Nesterov, Adagrad, RMSprop and
Adam, and every hyperparameter means the same. `Descent` takes one update at a time (the
step-by-step mode: the path grows by one point per `step`); `descent_steps` is a generator
yielding each new point (for a live view); `descend` runs it and returns the frozen Path.
A non-finite value or step stops the run (diverged), keeping the last finite point.

One update t → t + 1 is two phases, as the lecture writes it (`advance_phase` runs the next one):

    "gradient"  g = ∇f(x_t) is evaluated at the current point (nothing moves yet);
    "update"    the optimiser turns g into Δ (its state — momentum b, Adam's m and v — advances)
                and x_{t+1} = x_t − Δ: the path grows by one point.

`step` runs whatever phases the current update still needs, so phase by phase and whole steps
give bit-identical paths (the same g at the same x, the same optimiser calls in the same order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal

import numpy as np

from engine.analysis.steps import finish
from engine.core.optimizers import Optimizer
from engine.objectives.objective import Objective

PhaseName = Literal["gradient", "update"]
PHASES: tuple[PhaseName, ...] = ("gradient", "update")
#: each phase in the lecture's words (what the function dock's phase label says)
PHASE_WORDS = {"gradient": "gradient g = ∇f(x_t)", "update": "update x_{t+1} = x_t − Δ"}


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
        self.gradient: np.ndarray | None = None  # g = ∇f(x_t) once the "gradient" phase ran, until "update"
        self._delta = np.empty_like(self.x)

    @property
    def steps(self) -> int:
        """Updates taken so far."""
        return len(self.points) - 1

    @property
    def next_phase(self) -> PhaseName:
        """The phase `advance_phase` runs next: "gradient", or "update" once g is evaluated."""
        return "gradient" if self.gradient is None else "update"

    def advance_phase(self) -> PhaseName | None:
        """Run the next phase; returns its name, or None (nothing runs) once diverged."""
        if self.diverged:
            return None
        phase = self.next_phase
        if phase == "gradient":
            self._evaluate_gradient()
        else:
            self._apply_update()
        return phase

    def _evaluate_gradient(self) -> None:
        """Phase "gradient": g = ∇f(x_t); a non-finite g stops the descent (diverged)."""
        with np.errstate(all="ignore"):
            g = self.f.gradient(self.x)
        if np.isfinite(g).all():
            self.gradient = g
        else:
            self.diverged = True

    def _apply_update(self) -> None:
        """Phase "update": Δ = optimizer.step(g); x_{t+1} = x_t − Δ joins the path (else diverged)."""
        g, self.gradient = self.gradient, None
        with np.errstate(all="ignore"):
            self.optimizer.step(g, self._delta, self.optimizer.learning_rate)
            new = self.x - self._delta
            finite = np.isfinite(new).all() and np.isfinite(self.f.value(new))
        if finite:
            self.x = new
            self.points.append(new.copy())
        else:
            self.diverged = True

    def step(self) -> bool:
        """The rest of one update (both phases, or the "update" left after a "gradient" phase);
        False (and nothing moves) once the descent has diverged."""
        if self.diverged:
            return False
        if self.gradient is None:
            self._evaluate_gradient()
        if not self.diverged:
            self._apply_update()
        return not self.diverged

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
