"""What the views get from the worker: copies taken at one moment, never live engine memory."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from engine.training.trainer import Phase


@dataclass(frozen=True)
class Rows:
    """History rows [start, end) copied out of the live history."""

    start: int
    end: int
    columns: dict  # name → array (end - start,) or (end - start, N)


@dataclass(frozen=True)
class Snapshot:
    """A fixed core every view may read, plus `probes`: each shown panel's own payload.

    A new panel adds a probe (workbench.worker.probes), never a field here.
    """

    run_id: int
    state: str  # running, paused, stopped (worker finished)
    iteration: int
    epoch: float
    samples_seen: int
    next_phase: Phase
    mid_iteration: bool
    learning_rate: float
    loss: float
    accuracy: float
    stopped_kind: str | None
    stopped_message: str | None
    stopped_step: int | None
    parameters: np.ndarray
    iterations: Rows
    evaluations: Rows
    events: tuple
    samples_per_second: float
    time: float = field(default_factory=time.perf_counter)
    #: ∂Div/∂θ of the current / last mini-batch (flat, engine Layout order), a copy; the same
    #: array object as the previous snapshot's while it did not change; None before any pass
    gradient: np.ndarray | None = None
    #: after a weight edit: the training-set loss with the edited weights (None otherwise)
    edited_loss: float | None = None
    #: probe name → its latest frozen payload (only probes that are wanted and have run)
    probes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
