"""What a list of runs shows of one run: its curves (as ≤ POINTS block means), final metrics and θ.

A `RunView` holds copies, so it can be read in another thread or sent to another process
(`to_arrays` / `from_arrays`: named arrays and a JSON description, no pickle). The kept runs'
process (engine.runs.kept_process) makes them of its runs; the worker makes the current run's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

import numpy as np

from engine.training.outcome import iterations_to_target, outcome

POINTS = 1500
TARGET_ACCURACY = 0.95
CURRENT = 0  # the uid of the current run's row
#: the fields that are arrays (the rest is described in JSON)
ARRAYS = ("steps", "loss", "normalised_loss", "evaluation_steps", "error_rate", "gradient_norm", "parameters")


@dataclass(frozen=True)
class RunView:
    """What the Runs dock shows of one run (copies)."""

    label: str
    iteration: int
    status: str
    steps: np.ndarray
    loss: np.ndarray
    normalised_loss: np.ndarray
    evaluation_steps: np.ndarray
    error_rate: np.ndarray
    gradient_norm: np.ndarray
    final: dict
    parameters: np.ndarray
    uid: int = CURRENT
    shape: tuple = ()  # (sizes, activation names): for the small multiples
    data: object = None  # the run's prepared data (read-only arrays; kept by the process that shows it)
    differs: str = ""  # the settings in which it differs from the current run now
    settings: tuple = ()  # engine.runs.comparison.settings_of(its trainer), as sorted (key, value) pairs

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The view as named arrays (`data` left out: it stays where it is shown)."""
        meta = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ARRAYS and f.name != "data"}
        return {prefix + "meta": np.array(json.dumps(meta)), **{prefix + name: getattr(self, name) for name in ARRAYS}}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> "RunView":
        meta = json.loads(str(arrays[prefix + "meta"][()]))
        sizes, names = meta.pop("shape") or ((), ())
        meta["settings"] = tuple(tuple(pair) for pair in meta["settings"])
        return cls(**meta, shape=(tuple(sizes), tuple(names)), **{name: arrays[prefix + name] for name in ARRAYS})


def block_means(a: np.ndarray) -> np.ndarray:
    """Means over ≤ POINTS consecutive blocks (the curve of a noisy mini-batch series)."""
    block = max(1, len(a) // POINTS)
    n = len(a) // block * block
    return a[:n].reshape(-1, block, *a.shape[1:]).mean(axis=1) if n else a[:0].astype(float)


def view_of(label: str, t, initial_loss: float, uid: int = CURRENT, data=None, settings: dict | None = None) -> RunView:
    """Copies of trainer `t`'s curves and final metrics (read only: also for the current run).

    The curves cover every iteration since t = 0: the history's older rows are its envelope
    blocks (their means), the recent ones full resolution, all as ≤ POINTS block means."""
    h = t.history
    ev = h.evaluation("step")
    final = {m: float(h.evaluation(m)[-1]) if len(ev) else float("nan")
             for m in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    final["iterations_to_target"] = iterations_to_target(h, TARGET_ACCURACY, None) if t.classification else None
    rows = h.iterations
    steps, loss = rows.means("step"), rows.means("loss")
    norms = np.column_stack([rows.means(f"grad_norm_W{k}") for k in range(1, h.n_layers + 1)])
    loss = block_means(loss)
    scale = initial_loss if initial_loss and np.isfinite(initial_loss) else 1.0
    net = t.network
    block = max(1, len(steps) // POINTS)  # x: the last step of each block
    return RunView(label, t.iteration, outcome(t), steps[block - 1::block][:len(loss)].copy(), loss, loss / scale, ev.copy(),
                   1.0 - h.evaluation("train_accuracy"), block_means(np.sqrt((norms ** 2).sum(axis=1))),
                   final, net.parameters.copy(), uid, (tuple(net.sizes), tuple(net.activation_names)), data,
                   settings=tuple(sorted((settings or {}).items())))


def initial_loss(trainer) -> float:
    """The full-training-set loss of the trainer now (at t = 0: of θ0), the scale of its normalised curve."""
    with np.errstate(all="ignore"):
        return float(trainer.metrics(trainer.x, trainer.d, trainer.targets)[0])
