"""The training worker: one thread owns the live engine objects; the GUI talks to it by queue.

    GUI thread ──command──▶ queue.Queue ──▶ worker thread (Trainer.step / advance / configure, probes)
    GUI thread ◀──latest Snapshot (copies), pulled on a ~30 Hz QTimer ──┘

commands   the typed requests (frozen dataclasses) the GUI sends
probes     `Probe` (data a panel needs from the live trainer) and `ProbeRunner` (when each is due,
           generators time-sliced between iterations)
snapshot   `Snapshot` (a fixed core + `probes: name → payload`) and `Rows`
core       `TrainingCore`: the command table and the time-sliced training loop, no Qt
thread     `TrainingWorker`: the QThread running the core
"""

from . import commands
from .core import EVALUATION_COLUMNS, ITERATION_COLUMNS, TrainingCore
from .probes import Probe, ProbeRunner
from .snapshot import Rows, Snapshot
from .thread import TrainingWorker

__all__ = ["commands", "EVALUATION_COLUMNS", "ITERATION_COLUMNS", "Probe", "ProbeRunner", "Rows", "Snapshot",
           "TrainingCore", "TrainingWorker"]
