"""`backprop-workbench sweep`: the grid, the executor, progress, Ctrl-C, the table and the plot.

    sweep EXPERIMENT.json --vary KEY=V1,V2,… [--vary KEY=LO..HI:N[:log]] [--seeds N]
          [--steps N | --epochs E] [--workers N | --scheduler ADDRESS] [--out DIR]
          [--target-accuracy A | --target-loss L]

Writes DIR/sweep.csv, DIR/runs/<run>/{weights.npz,history.csv,experiment.json} and
DIR/summary.svg (+ summary.png when the GUI packages are installed to render it).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from engine.cli_args import count, epochs, positive
from engine.core.errors import ConfigurationError
from engine.io import atomic
from engine.io.experiment import Experiment
from engine.progress import Progress
from engine.sweep.execute import InProcessExecutor, run_sweep
from engine.sweep.grid import grid, parse_vary
from engine.sweep.job import Job
from engine.sweep.pool import local_pool
from engine.sweep.summary import summary_svg
from engine.sweep.sweep_file import is_sweep_document, load_json, read_sweep_file

NAME = "sweep"
DEFAULT_STEPS = 2000
CONNECT_TIMEOUT = "10s"


def add_parser(sub) -> None:
    """The `sweep` sub-parser."""
    s = sub.add_parser(
        "sweep", help="train many runs over a grid of settings and seeds (process pool or Dask cluster)",
        description="Train EXPERIMENT.json once per point of the grid (the product of the --vary lists and the "
        "seeds), each run exactly as 'train' would, and write DIR/sweep.csv (one row per run), "
        "DIR/runs/<run>/ and DIR/summary.svg/.png. Running again with the same --out skips finished runs; "
        "Ctrl-C stops after the running runs and keeps every finished one.")
    s.add_argument("experiment", metavar="EXPERIMENT.json|SWEEP.json",
                   help="an experiment (then give --vary), or a sweep file naming one with its grid "
                   "(e.g. resources/sweeps/learning_rate.json); options given here win over the file's")
    s.add_argument("--vary", action="append", metavar="KEY=VALUES",
                   help="a dotted experiment key and its values: V1,V2,… (numbers, names, JSON lists) or "
                   "LO..HI:N[:log]; repeat for a grid, e.g. --vary training.optimizer.learning_rate=1e-4..10:13:log")
    s.add_argument("--seeds", type=positive, metavar="N",
                   help="run each point with seeds s, s+1, …, s+N−1 (s: the experiment's seed; default 1)")
    length = s.add_mutually_exclusive_group()
    length.add_argument("--steps", type=count, metavar="N", help=f"updates per run (default {DEFAULT_STEPS})")
    length.add_argument("--epochs", type=epochs, metavar="E", help="passes over the training set per run")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive, metavar="N",
                       help=f"local worker processes (default: the core count, {os.cpu_count()})")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="a Dask scheduler, e.g. tcp://host:8786 (needs: pip install backprop-workbench[dask])")
    target = s.add_mutually_exclusive_group()
    target.add_argument("--target-accuracy", type=float, metavar="A",
                        help="also record the first iteration whose training accuracy ≥ A (0..1)")
    target.add_argument("--target-loss", type=float, metavar="L",
                        help="also record the first iteration whose training loss ≤ L")
    s.add_argument("--out", metavar="DIR", help="output directory (default: sweeps/<experiment name>)")
    s.add_argument("--quiet", action="store_true", help="no progress output")


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the client, which cancels what has not started."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def executor_for(workers: int | None, scheduler: str | None):
    """(executor, Dask client or None, runs in flight): a process pool (forked from this
    single-threaded process on Linux: no re-import per worker; engine.sweep.pool), an in-process
    runner for one worker, or a Dask cluster's executor."""
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise ConfigurationError("--scheduler needs Dask: pip install 'backprop-workbench[dask]'") from None
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ConfigurationError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        slots = sum(client.nthreads().values()) or 1
        return client.get_executor(pure=False), client, 2 * slots
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return InProcessExecutor(), None, 1
    return local_pool(workers, may_fork=True, initializer=_ignore_interrupts), None, 2 * workers


def run(args: argparse.Namespace) -> int:
    """The `sweep` sub-command."""
    load = Experiment.load
    path = Path(args.experiment)
    document = load_json(path)
    vary, seeds, steps, epochs = args.vary, args.seeds, args.steps, args.epochs
    if is_sweep_document(document):
        plan = read_sweep_file(path, document)
        vary = vary or list(plan.vary)
        seeds = seeds or plan.seeds
        if steps is None and epochs is None:
            steps, epochs = plan.steps, plan.epochs
        experiment = load(plan.experiment)
    else:
        experiment = load(path)
    if not vary:
        raise ConfigurationError("sweep needs at least one --vary KEY=VALUES (or a sweep file that has them)")
    axes = [parse_vary(spec) for spec in vary]
    points = grid(experiment, axes, seeds or 1)
    steps = DEFAULT_STEPS if steps is None and epochs is None else steps
    jobs = [Job(p.name, p.experiment.to_dict(), None if experiment.base_dir is None else str(experiment.base_dir),
                steps, epochs, args.target_accuracy, args.target_loss) for p in points]
    out = Path(args.out) if args.out else Path("sweeps") / path.stem
    keys = [a.key for a in axes]
    progress = Progress(sys.stderr, args.quiet)
    executor, client, window = executor_for(args.workers, args.scheduler)
    try:
        with executor:
            rows = run_sweep(points, jobs, keys, out, executor,
                             lambda done, total, row: progress.update(done / total, done, row["train_loss"],
                                                                       unit="runs"), window)
    except KeyboardInterrupt:
        progress.close()
        print(f"interrupted: the finished runs are kept in {out}; run the same command again to continue",
              file=sys.stderr)
        return 130
    finally:
        if client is not None:
            client.close()
    progress.close()
    atomic.write_text(out / "summary.svg", summary_svg(points, rows, axes))
    png = render_png(out / "summary.svg", out / "summary.png")
    counts = {s: sum(r["status"] == s for r in rows.values()) for s in ("ok", "diverged", "plateau")}
    print(f"{len(rows)} runs ({', '.join(f'{n} {s}' for s, n in counts.items())}) in {out}")
    print(f"wrote {out / 'sweep.csv'}, {out / 'runs'}/…, {out / 'summary.svg'}" + (f", {png}" if png else ""))
    return 0


def render_png(svg: Path, png: Path) -> Path | None:
    """summary.png from summary.svg through the GUI's SVG renderer, in a subprocess (the engine
    never imports Qt); None when the GUI packages are not installed."""
    try:
        done = subprocess.run([sys.executable, "-m", "workbench.render_svg", str(svg), str(png)],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")})
    except (OSError, subprocess.TimeoutExpired):
        return None
    return png if done.returncode == 0 and png.exists() else None
