"""Sweep throughput: one local worker against two, per-run overhead, memory per worker.

    python bench/sweep.py [--runs 12] [--steps 2000] [--repeats 2]

Side by side in one run, alternating: the same 12-run sweep of the default experiment
(learning rates 1e-3..1, log-spaced) with `--workers 1` (in-process) and `--workers 2`
(a forked process pool). Per-run overhead = a run's wall time in the sweep minus the bare
`train_for` time of the same run measured in this process (data generation, building, the
final evaluation, writing three files, moving them into place). Memory per worker: the
largest resident set of a worker process (ru_maxrss of the children).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.io.experiment import Experiment  # noqa: E402
from engine.run import build, train_for  # noqa: E402
from engine.sweep.command import executor_for  # noqa: E402
from engine.sweep.execute import run_sweep  # noqa: E402
from engine.sweep.grid import grid, parse_vary  # noqa: E402
from engine.sweep.job import Job, _one_blas_thread  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent / "resources" / "experiments" / "default.json"


def plan(runs: int, steps: int):
    experiment = Experiment.load(DEFAULT)
    axes = [parse_vary(f"training.optimizer.learning_rate=1e-3..1:{runs}:log")]
    points = grid(experiment, axes)
    jobs = [Job(p.name, p.experiment.to_dict(), str(DEFAULT.parent), steps) for p in points]
    return points, jobs, [a.key for a in axes]


def sweep_seconds(workers: int, runs: int, steps: int) -> tuple[float, dict]:
    points, jobs, keys = plan(runs, steps)
    executor, _, window = executor_for(workers, None)
    with tempfile.TemporaryDirectory() as out, executor:
        started = time.perf_counter()
        rows = run_sweep(points, jobs, keys, Path(out), executor, window=window)
        return time.perf_counter() - started, rows


def bare_training(runs: int, steps: int) -> dict[str, float]:
    """train_for alone, per run (no data generation, no files)."""
    _one_blas_thread()
    points, jobs, _ = plan(runs, steps)
    times = {}
    for point in points:
        run = build(point.experiment)
        started = time.perf_counter()
        train_for(run, steps)
        times[point.name] = time.perf_counter() - started
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=12)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    one, two, overheads = [], [], []
    for _ in range(args.repeats):
        t1, rows = sweep_seconds(1, args.runs, args.steps)
        bare = bare_training(args.runs, args.steps)
        t2, _ = sweep_seconds(2, args.runs, args.steps)
        one.append(t1)
        two.append(t2)
        overheads += [(rows[name]["wall_time_s"] - bare[name]) / bare[name] for name in bare]
    m1, m2 = statistics.median(one), statistics.median(two)
    worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.runs}-run sweep of default.json, {args.steps} steps each, {args.repeats} repeats (median)")
    print(f"  --workers 1 (in-process): {m1:6.2f} s   ({[round(t, 2) for t in one]})")
    print(f"  --workers 2 (process pool): {m2:6.2f} s   ({[round(t, 2) for t in two]})")
    print(f"  speed-up 2 workers / 1: {m1 / m2:.2f}x   (target ≥ 1.8x)")
    print(f"  per-run overhead: median {100 * statistics.median(overheads):.1f} %, "
          f"max {100 * max(overheads):.1f} % of the bare training time (target ≤ 10 %)")
    print(f"  memory per worker (max RSS of a worker process): {worker_mib:.0f} MiB")


if __name__ == "__main__":
    main()
