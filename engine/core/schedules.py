"""Learning-rate schedules: the step size of update t is η_t = η · factor(t), t = 0, 1, 2, …

The base rate η is the optimiser's `learning_rate`, so changing it mid-run rescales the
schedule from the next update on.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

from engine.core.errors import ConfigurationError


@dataclass(frozen=True)
class Schedule:
    """`constant`: 1;  `step`: γ^⌊t / step_size⌋;  `exponential`: γ^t;  `inverse_time`: 1 / (1 + decay·t)."""

    name: str = "constant"
    gamma: float = 0.5
    step_size: int = 100
    decay: float = 0.01

    def __post_init__(self):
        if self.name not in SCHEDULES:
            raise ConfigurationError(f"unknown schedule {self.name!r}; choose one of {', '.join(SCHEDULES)}")
        if not (0.0 < self.gamma <= 1.0):
            raise ConfigurationError(f"schedule gamma must be in (0, 1], got {self.gamma}")
        if self.step_size < 1:
            raise ConfigurationError(f"schedule step_size must be ≥ 1, got {self.step_size}")
        if not (self.decay >= 0.0 and math.isfinite(self.decay)):
            raise ConfigurationError(f"schedule decay must be ≥ 0, got {self.decay}")

    def factor(self, t: int) -> float:
        """factor(t): η_t = η · factor(t) for update t = 0, 1, 2, …"""
        return SCHEDULES[self.name](self, t)

    def to_dict(self) -> dict:
        return asdict(self)


SCHEDULES: dict[str, Callable[[Schedule, int], float]] = {  # name -> factor(schedule, t)
    "constant": lambda s, t: 1.0,
    "step": lambda s, t: s.gamma ** (t // s.step_size),
    "exponential": lambda s, t: s.gamma**t,
    "inverse_time": lambda s, t: 1.0 / (1.0 + s.decay * t),
}
CONSTANT = Schedule()
