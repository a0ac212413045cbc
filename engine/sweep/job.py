"""One run of a sweep, as it executes on a worker: build, train as `train` does, report.

A job is plain data (the experiment document, the budget, the targets) and its result is plain
data too (the row of sweep.csv and the bytes of the run's three files), so it travels to a
process pool or a Dask worker and back with no shared file system: the client writes the files.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.io.experiment import Experiment
from engine.run import build, train_for, write_outputs
from engine.training.outcome import iterations_to_target, outcome

FILES = ("weights.npz", "history.csv", "experiment.json", "state.npz")
METRICS = ("train_loss", "train_accuracy", "test_loss", "test_accuracy")


@dataclass(frozen=True)
class Job:
    """What a worker needs to run one grid point."""

    name: str
    document: dict
    base_dir: str | None
    steps: int | None = None
    epochs: float | None = None
    target_accuracy: float | None = None
    target_loss: float | None = None


def run_job(job: Job) -> dict:
    """Train one grid point; returns {"row": {...}, "files": {name: bytes}}."""
    _one_blas_thread()
    started = time.perf_counter()
    experiment = Experiment.from_dict(job.document, job.base_dir)
    run = build(experiment)
    with np.errstate(all="ignore"):  # overflow while diverging: the trainer's guard reports it
        train_for(run, job.steps, job.epochs)
    trainer = run.trainer
    with tempfile.TemporaryDirectory(prefix="bw-sweep-") as tmp:
        write_outputs(run, Path(tmp))
        files = {name: (Path(tmp) / name).read_bytes() for name in FILES}
    row = {"run": job.name, "status": outcome(trainer), "iterations": trainer.iteration}
    for metric in METRICS:
        row[metric] = float(trainer.history.evaluation(metric)[-1])
    row["iterations_to_target"] = iterations_to_target(trainer.history, job.target_accuracy, job.target_loss)
    row["wall_time_s"] = time.perf_counter() - started
    return {"row": row, "files": files}


def _one_blas_thread() -> None:
    """Runs share the cores between them: one BLAS thread each (if threadpoolctl is installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)


def finite_or_none(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value
