"""What the GUI asks of the training worker: small frozen records, one class per request.

The worker dispatches them by type through `TrainingCore.HANDLERS` (a table, not a chain of
string comparisons). A request that answers (`Reply` subclasses) carries a `Future`; the GUI
waits on it only for the few calls that must be exact (the weights before an edit, exports).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Start:
    """Train continuously from the current state."""


@dataclass(frozen=True)
class Pause:
    """Stop training after the current iteration (at a phase boundary)."""


@dataclass(frozen=True)
class Toggle:
    """Start when paused, pause when running."""


@dataclass(frozen=True)
class Step:
    """One whole iteration (or the rest of the current one); pauses."""


@dataclass(frozen=True)
class StepPhase:
    """The next phase only: forward layer k, divergence, backward layer k or the update; pauses."""


@dataclass(frozen=True)
class Configure:
    """Training settings in `Trainer.configure` names, applied at the next update."""

    changes: dict


@dataclass(frozen=True)
class SetSpeed:
    """Iterations per second (None: as fast as possible)."""

    speed: float | None


@dataclass(frozen=True)
class Load:
    """A new `Run` (workbench.session): the worker owns it from here on."""

    run: object


@dataclass(frozen=True)
class SetWeight:
    """w_ij^(k) ← value, in place (paused only)."""

    k: int
    i: int
    j: int
    value: float


@dataclass(frozen=True)
class SetParameters:
    """θ ← theta, the whole flat parameter vector, in place (paused only; e.g. a step off a saddle)."""

    theta: object  # a read-only float64 array of the network's parameter count


@dataclass(frozen=True)
class WantProbe:
    """The panel of probe `name` is open (its probe runs while paused) / on screen (also while training)."""

    name: str
    open: bool
    shown: bool | None = None  # None: = open


@dataclass(frozen=True)
class Stop:
    """Finish the worker loop."""


@dataclass(frozen=True)
class Reply:
    """A request with an answer: `reply` gets the result (or the exception)."""

    reply: Future = field(default_factory=Future, compare=False, repr=False)


@dataclass(frozen=True)
class ReadParameters(Reply):
    """The exact current θ (a copy), between two iterations."""


@dataclass(frozen=True)
class SaveWeights(Reply):
    """W^(1..N), b^(1..N) of the current network to `path` (.npz, engine.io.weights)."""

    path: str = ""


@dataclass(frozen=True)
class SaveHistory(Reply):
    """The whole training history to `path` (CSV, engine.io.history_csv)."""

    path: str = ""


@dataclass(frozen=True)
class ReadExperiment(Reply):
    """The experiment as the run has it now (network and training settings as changed mid-run)."""


@dataclass(frozen=True)
class SaveOnnx(Reply):
    """The current network as an ONNX model (engine.io.onnx_export); the standardisation as
    metadata, or as the first node with `include_standardization`."""

    path: str = ""
    include_standardization: bool = False


@dataclass(frozen=True)
class SaveState(Reply):
    """The trainer's state and history to `path` (.npz, engine.io.state_file); answers the iteration."""

    path: str = ""


@dataclass(frozen=True)
class LoadWeights(Reply):
    """W^(1..N), b^(1..N) from `path` into the network (shapes checked, engine.io.weights)."""

    path: str = ""


@dataclass(frozen=True)
class Call(Reply):
    """fn(run) in the worker thread, between iterations: tests reading the live engine objects, and the
    Runs dock handing work to its probe (fork, go back, kept runs: workbench.panels.runs)."""

    fn: object = None
