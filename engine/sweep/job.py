"""One run of a sweep, as it executes on a worker: build, train as `train` does, report.

A job is plain data (the experiment document, the budget, the targets) and its result is plain
data too (the row of sweep.csv and the bytes of the run's files), so it travels to a process
pool or a Dask worker and back with no shared file system: the client writes the files. The
worker touches no disk at all: history.csv streams into memory, the other files are built there.
"""

from __future__ import annotations

import io
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.io.experiment import Experiment
from engine.io.history_csv import write_history_stream
from engine.run import OUTPUTS, build, output_files, train_for
from engine.training.outcome import iterations_to_target, outcome

FILES = OUTPUTS
METRICS = ("train_loss", "train_accuracy", "test_loss", "test_accuracy")
PHASES = ("setup", "train", "write")


@dataclass(frozen=True)
class Job:
    """What a worker needs to run one grid point.

    final_dir: the folder the client will put the run's files in (relative dataset paths in
    its experiment.json are written as read from there); None: as the document has them.
    """

    name: str
    document: dict
    base_dir: str | None
    steps: int | None = None
    epochs: float | None = None
    target_accuracy: float | None = None
    target_loss: float | None = None
    final_dir: str | None = None


def run_job(job: Job) -> dict:
    """Train one grid point; returns {"row": {...}, "files": {name: bytes}, "seconds": {...}, "cpu_seconds": {...}}.

    seconds, cpu_seconds: where the run's wall and CPU time went, by PHASES — "setup" (reading
    the experiment, generating the data, building), "train" (`train_for`), "write" (the rest of
    the history and the files).
    """
    _one_blas_thread()
    clocks = [(time.perf_counter(), time.process_time())]
    experiment = Experiment.from_dict(job.document, job.base_dir)
    run = build(experiment)
    trainer = run.trainer
    history = io.StringIO()
    with write_history_stream(history, trainer.history), np.errstate(all="ignore"):
        clocks.append((time.perf_counter(), time.process_time()))
        train_for(run, job.steps, job.epochs)  # overflow while diverging: the guard reports it
        clocks.append((time.perf_counter(), time.process_time()))
    files = output_files(run, None if job.final_dir is None else Path(job.final_dir), history=False)
    files["history.csv"] = history.getvalue().encode("utf-8")
    row = {"run": job.name, "status": outcome(trainer), "iterations": trainer.iteration}
    for metric in METRICS:
        row[metric] = float(trainer.history.evaluation(metric)[-1])
    row["iterations_to_target"] = iterations_to_target(trainer.history, job.target_accuracy, job.target_loss)
    clocks.append((time.perf_counter(), time.process_time()))
    row["wall_time_s"] = clocks[-1][0] - clocks[0][0]
    seconds, cpu = ({phase: clocks[i + 1][c] - clocks[i][c] for i, phase in enumerate(PHASES)} for c in (0, 1))
    return {"row": row, "files": {name: files[name] for name in FILES}, "seconds": seconds, "cpu_seconds": cpu}


_limited_in: int | None = None  # the process whose BLAS is limited to one thread


def _one_blas_thread() -> None:
    """Runs share the cores between them: one BLAS thread each (if threadpoolctl is installed).

    Once per process: the pid it was done in is remembered (a forked worker checks its own)."""
    global _limited_in
    if _limited_in == os.getpid():
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)
    _limited_in = os.getpid()


def finite_or_none(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value
