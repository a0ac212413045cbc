"""Running a sweep's jobs on a `concurrent.futures.Executor` and keeping what finished.

Each finished run is written by the client as DIR/runs/<run>/ (weights.npz, history.csv,
experiment.json and result.json, its row) through a temporary folder renamed into place, so a
run folder exists only when complete. Running the same sweep into the same DIR again skips the
runs whose folder holds the same experiment (it reads the run folders, not the table).
DIR/sweep.csv, in grid order, is rewritten (atomically) as runs finish — at most once every
TABLE_EVERY seconds, so a sweep of thousands of short runs does not spend its time rewriting
it — and always at the end, on Ctrl-C and on an error, so an interrupted sweep still leaves a
valid table of every finished run.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import json
import math
import os
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from engine.core.errors import ConfigurationError
from engine.io import atomic
from engine.sweep.grid import GridPoint
from engine.sweep.job import METRICS, Job, run_job

RESULT = "result.json"
TABLE_EVERY = 1.0  # seconds between rewrites of sweep.csv while a sweep runs


class InProcessExecutor(cf.Executor):
    """One worker: the runs one after another in this process (no process start at all)."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # delivered through the future, as a pool would (Ctrl-C is not caught)
            future.set_exception(exc)
        return future


def columns(keys: list[str]) -> list[str]:
    """sweep.csv's header: the run, each varied key, the seed, the outcome and the metrics."""
    return ["run", *[k for k in keys if k != "seed"], "seed", "status", "iterations", *METRICS,
            "iterations_to_target", "wall_time_s"]


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def write_table(path: Path, keys: list[str], points: list[GridPoint], rows: dict[str, dict]) -> None:
    """sweep.csv: one row per finished run, in grid order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = columns(keys)
    writer.writerow(header)
    for point in points:
        row = rows.get(point.name)
        if row is not None:
            full = {**{k: v for k, v in point.values.items()}, "seed": point.seed, **row}
            writer.writerow([_cell(full.get(c)) for c in header])
    atomic.write_text(path, buffer.getvalue())


def finished_row(run_dir: Path, document: dict) -> dict | None:
    """The row of a run already in `run_dir`, if it ran this very experiment; else None."""
    try:
        stored = json.loads((run_dir / RESULT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("document") != document:
        raise ConfigurationError(f"{run_dir} holds a run of other settings; give the sweep another --out "
                                 "(or delete that folder)")
    return stored.get("row")


def _keep(run_dir: Path, document: dict, result: dict) -> None:
    """Write a finished run's files into place: a temporary folder, then one rename."""
    partial = run_dir.with_name(f".{run_dir.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, data in result["files"].items():
        (partial / name).write_bytes(data)
    (partial / RESULT).write_text(json.dumps({"row": result["row"], "document": document}, indent=1) + "\n",
                                  encoding="utf-8")
    if run_dir.exists():
        shutil.rmtree(run_dir)
    partial.rename(run_dir)


def _placed(job: Job, run_dir: Path) -> Job:
    """The job as submitted: its folders absolute (a worker elsewhere computes the same relative
    dataset path for experiment.json) and the folder its files will be kept in."""
    base = None if job.base_dir is None else os.path.abspath(job.base_dir)
    return replace(job, base_dir=base, final_dir=os.path.abspath(run_dir))


def run_sweep(points: list[GridPoint], jobs: list[Job], keys: list[str], out: Path, executor: cf.Executor,
              on_result: Callable[[int, int, dict], None] | None = None, window: int = 4,
              cancel: threading.Event | None = None) -> dict[str, dict]:
    """Run every job not finished before; returns the rows by run name (skipped ones included).

    At most `window` runs are submitted at a time (twice the workers is plenty), so a Ctrl-C
    has little to cancel and a long sweep holds few results in memory. `on_result(done, total,
    row)` is called after each finished run. On KeyboardInterrupt (or any error) the runs not
    yet started are cancelled, the table is written for what finished, and it propagates. Once
    `cancel` is set, no further run starts; the running ones finish and are kept.
    """
    runs = out / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for stale in runs.glob(".*.partial"):
        shutil.rmtree(stale, ignore_errors=True)
    rows: dict[str, dict] = {}
    todo = []
    for job in jobs:
        row = finished_row(runs / job.name, job.document)
        if row is not None:
            rows[job.name] = row
        else:
            todo.append(job)
    table = out / "sweep.csv"
    write_table(table, keys, points, rows)
    written = [time.monotonic()]
    pending: dict[cf.Future, Job] = {}

    def collect(done_futures) -> None:
        for future in done_futures:
            job = pending.pop(future)
            result = future.result()
            _keep(runs / job.name, job.document, result)
            rows[job.name] = result["row"]
            if time.monotonic() - written[0] >= TABLE_EVERY:
                write_table(table, keys, points, rows)
                written[0] = time.monotonic()
            if on_result is not None:
                on_result(len(rows), len(jobs), result["row"])

    try:
        for job in todo:
            if cancel is not None and cancel.is_set():
                break
            while len(pending) >= window:
                collect(cf.wait(pending, return_when=cf.FIRST_COMPLETED).done)
            pending[executor.submit(run_job, _placed(job, runs / job.name))] = job
            collect([f for f in pending if f.done()])
        while pending:
            collect(cf.wait(pending, return_when=cf.FIRST_COMPLETED).done)
    except BaseException:
        for future in pending:
            future.cancel()
        write_table(table, keys, points, rows)
        raise
    write_table(table, keys, points, rows)
    return rows
