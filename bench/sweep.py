"""Sweep throughput: one local worker against two, per-run overhead, memory per worker.

    python bench/sweep.py [--runs 12] [--steps 2000] [--repeats 2] [--quick] [--tree ../main]

Side by side in one run, `--repeats` times (odd repeats in reverse order), each repeat in a fresh
interpreter: the same sweep of the default experiment (`--runs` learning rates 1e-3..1,
log-spaced, `--steps` each) with `--workers 1` (in-process), the bare `train_for` of the same
runs in that interpreter (the reference), and the sweep with `--workers 2` (the forked process
pool `backprop-workbench sweep` uses). `--tree PATH` measures another checkout's engine too
(e.g. main, for before and after), alternating with this one's repeat by repeat.

Reported:
- wall time of the whole sweep with 1 and 2 workers and the ratio (issue 13: ≥ 1.8×);
- per-run overhead (issue 13: ≤ 10 % of a 2,000-step run), median and spread over all runs:
  in the run itself, the time outside `train_for` (reading the experiment, generating the
  data, building; finishing the history and building the files) against the time inside it,
  both timed by the job on its worker; of it, writing one run's history.csv (CPU, best of 5),
  by way of orjson and of repr side by side on the same rows (engine.io.float_text; a tree
  before it: repr only); against the bare reference, a run's wall time in the
  sweep minus its bare `train_for` time; and the whole 1-worker sweep (the client's writing
  included) against the sum of the bare runs; plus the pool's start-up (forking the workers),
  and the start-up of a pool as the GUI's Sweep dialog makes it (spawn, or a forkserver);
  CPU time (process_time) beside wall time where it applies: far less disturbed by other
  programs on a busy machine;
- how busy the 2 workers were with runs (the runs' wall times / 2 against the sweep's): what the
  pool itself costs (start, hand-over, the client's writing), apart from the machine;
- the cores two processes training get, before and after each repeat (2 × one run alone / the
  slower of two at once): on a shared VM the second core comes and goes, and no speed-up can
  exceed it;
- memory per worker: the peak resident set (VmHWM) of each worker process and, of that, what
  is its own (private, not shared with the client it was forked from), read at the end of the
  sweep from /proc (elsewhere: the largest peak RSS of a finished worker, ru_maxrss).

`--quick`: 4 runs of 300 steps, once (a smoke test; the figures need the full run).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_root = sys.argv[sys.argv.index("--root") + 1] if "--root" in sys.argv[:-1] else str(ROOT)
sys.path.insert(0, _root)  # the engine measured: this checkout's, or --root's (for --tree)

from engine.io.experiment import Experiment  # noqa: E402
from engine.io.history_csv import HistoryWriter  # noqa: E402
from engine.run import build, train_for  # noqa: E402
from engine.sweep.command import executor_for  # noqa: E402
from engine.sweep.execute import run_sweep  # noqa: E402
from engine.sweep.grid import grid, parse_vary  # noqa: E402
from engine.sweep.job import Job, _one_blas_thread, finite_or_none  # noqa: E402

try:
    from engine.io import float_text
except ImportError:  # a tree before it (--tree): its history.csv is written by repr
    float_text = None

DEFAULT = ROOT / "resources" / "experiments" / "default.json"


def plan(runs: int, steps: int):
    experiment = Experiment.load(DEFAULT)
    axes = [parse_vary(f"training.optimizer.learning_rate=1e-3..1:{runs}:log")]
    points = grid(experiment, axes)
    jobs = [Job(p.name, p.experiment.to_dict(), str(DEFAULT.parent), steps) for p in points]
    return points, jobs, [a.key for a in axes]


class Recording(cf.Executor):
    """The executor `executor_for` makes, keeping each result's time split (run_sweep keeps only rows)."""

    def __init__(self, pool: cf.Executor):
        self.pool, self.seconds = pool, {}

    def submit(self, fn, /, *args, **kwargs):
        future = self.pool.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda f: f.exception() or self.seconds.update(
            {args[0].name: (f.result()["seconds"], f.result()["cpu_seconds"])} if "cpu_seconds" in f.result()
            else {}))  # older trees do not time the phases
        return future

    def shutdown(self, wait=True, **kwargs):
        self.pool.shutdown(wait, **kwargs)


def _pid(_) -> int:
    return os.getpid()


def _kib(pid: int, field: str, file: str = "status") -> int | None:
    """A field (in kB) of /proc/PID/status or smaps_rollup; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/{file}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def worker_memory(pool: cf.Executor) -> list[tuple[float, float | None]]:
    """(peak RSS MiB, private MiB) of each live worker process of a ProcessPoolExecutor."""
    out = []
    for pid in list(getattr(pool, "_processes", None) or {}):
        peak = _kib(pid, "VmHWM")
        if peak is not None:
            private = [_kib(pid, f, "smaps_rollup") for f in ("Private_Clean", "Private_Dirty")]
            out.append((peak / 1024, None if None in private else sum(private) / 1024))
    return out


def _train(steps: int) -> float:
    """Seconds of `steps` updates of the default experiment (built first, not timed), one BLAS
    thread; the second of two runs (a freshly forked process pays its first run's page faults)."""
    _one_blas_thread()
    for _ in range(2):
        run = build(plan(1, steps)[0][0].experiment)
        started = time.perf_counter()
        run.trainer.run(steps=steps)
        seconds = time.perf_counter() - started
    return seconds


def parallelism(steps: int = 3000) -> float:
    """The cores two processes training get now: 2 × (one run alone) / (the slower of two at once)
    — 2.0 when both cores are free, less while other programs (or this VM's host) take one, or
    where the two cores share one physical core. The bound of any 2-worker speed-up."""
    import multiprocessing

    alone = _train(steps)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        both = pool.map(_train, [steps, steps])
    return min(2.0, 2 * alone / max(both))


def sweep(workers: int, runs: int, steps: int) -> dict:
    """One sweep into a temporary folder: wall time, rows, per-run seconds, pool start-up, worker memory."""
    points, jobs, keys = plan(runs, steps)
    pool, _, window = executor_for(workers, None)
    executor = Recording(pool)
    with tempfile.TemporaryDirectory() as out, executor:
        started, cpu_started = time.perf_counter(), time.process_time()
        if workers > 1:  # fork the workers and let each answer once: the start-up a sweep pays
            list(pool.map(_pid, range(workers)))
        forked = time.perf_counter()
        rows = run_sweep(points, jobs, keys, Path(out), executor, window=window)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        memory = worker_memory(pool)
    return {"wall": wall, "cpu": cpu, "start": forked - started, "rows": rows, "seconds": executor.seconds,
            "memory": memory}


def dialog_pool_start(workers: int = 2) -> dict[str, list[float]]:
    """Seconds from creating a pool the way the GUI's sweep dialog does (from a threaded process:
    no fork) to every worker answering once: spawn (before), forkserver (first pool, then the next)."""
    import multiprocessing

    try:
        from engine.sweep.pool import local_pool
    except ImportError:  # an older tree: the dialog spawned
        local_pool = None
    out = {}
    pools = {"spawn": lambda: cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))}
    if local_pool is not None:
        pools["forkserver"] = lambda: local_pool(workers)
    for name, make in pools.items():
        out[name] = []
        for _ in range(2):
            started = time.perf_counter()
            with make() as pool:
                list(pool.map(finite_or_none, range(workers)))
                out[name].append(time.perf_counter() - started)
    return out


def history_writing(steps: int, tries: int = 5) -> tuple[dict[str, float], float]:
    """CPU seconds to write history.csv of one run, best of `tries`, by way of orjson and of repr
    (the same rows, the tries alternating; a tree before engine.io.float_text: repr only);
    and the CPU seconds of its train_for."""
    run = build(plan(1, steps)[0][0].experiment)
    started = time.process_time()
    train_for(run, steps)
    train = time.process_time() - started
    h = run.trainer.history
    evaluations, iterations = h.evaluations.recent.rows().copy(), h.iterations.recent.rows().copy()
    available = getattr(float_text, "orjson", None)
    ways = {"orjson": available, "repr": None} if available is not None else {"repr": None}
    best = dict.fromkeys(ways, math.inf)
    for _ in range(tries):
        for way, module in ways.items():
            if float_text is not None:
                float_text.orjson = module
            started = time.process_time()
            writer = HistoryWriter(io.StringIO(), h.n_layers)
            writer.take("evaluations", evaluations)
            writer.take("iterations", iterations)
            writer.finish()
            best[way] = min(best[way], time.process_time() - started)
    if float_text is not None:
        float_text.orjson = available
    return best, train


def bare_training(runs: int, steps: int) -> tuple[dict[str, float], float]:
    """train_for alone, per run (no data generation, no files): the reference; and its CPU time in all."""
    _one_blas_thread()
    points, _, _ = plan(runs, steps)
    times, cpu = {}, 0.0
    for point in points:
        run = build(point.experiment)
        started, cpu_started = time.perf_counter(), time.process_time()
        train_for(run, steps)
        times[point.name] = time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    return times, cpu


def spread(values: list[float]) -> str:
    """median [min–max] as percentages."""
    if not values:
        return "(not measured by this tree)"
    return f"median {100 * statistics.median(values):5.1f} %  [{100 * min(values):.1f} – {100 * max(values):.1f} %]"


def measure(runs: int, steps: int, two_first: bool = False) -> dict:
    """One repeat: the 1-worker sweep, the bare runs, the 2-worker sweep (or the other way round,
    so that a drifting machine load falls on both alike); the figures as plain data."""
    cores = [parallelism()]
    s2 = sweep(2, runs, steps) if two_first else None
    s1 = sweep(1, runs, steps)
    bare, bare_cpu = bare_training(runs, steps)
    s2 = s2 or sweep(2, runs, steps)
    cores.append(parallelism())
    total = sum(bare.values())
    parts = [t for s in (s1, s2) for t, _ in s["seconds"].values()]
    cpu = [c for s in (s1, s2) for _, c in s["seconds"].values()]
    memory = s2["memory"] or [(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # no /proc: the largest
                               / (2**20 if sys.platform == "darwin" else 1024), None)]  # finished worker's peak
    dialog = dialog_pool_start()
    writing, training = history_writing(steps)
    return {**{f"history_{way}": [writing[way] / training] if way in writing else [] for way in ("orjson", "repr")},
            **{f"history_{way}_ms": [1e3 * writing[way]] if way in writing else [] for way in ("orjson", "repr")},
            "dialog_spawn": dialog["spawn"], "dialog_forkserver": dialog.get("forkserver", []),
            "one": [s1["wall"]], "two": [s2["wall"]], "cores": cores,
            "busy": [sum(sum(t.values()) for t, _ in s2["seconds"].values()) / 2 / s2["wall"]],
            "bare": [total], "whole": [(s1["wall"] - total) / total],
            "whole_cpu": [(s1["cpu"] - bare_cpu) / bare_cpu],
            "start": [s2["start"]], "memory": memory, "parts": parts,
            "in_run": [(t["setup"] + t["write"]) / t["train"] for t in parts],
            "in_run_cpu": [(c["setup"] + c["write"]) / c["train"] for c in cpu],
            "vs_bare": [(s1["rows"][name]["wall_time_s"] - bare[name]) / bare[name] for name in bare]}


def merged(figures: list[dict]) -> dict:
    return {key: [v for f in figures for v in f[key]] for key in figures[0]}


def report(label: str, f: dict, runs: int) -> None:
    m1, m2, run_time = statistics.median(f["one"]), statistics.median(f["two"]), statistics.median(f["bare"]) / runs
    print(label)
    print(f"  bare train_for, sum of the runs:   {statistics.median(f['bare']):6.2f} s   (one run {run_time:.3f} s)")
    print(f"  --workers 1 (in-process):          {m1:6.2f} s   {[round(t, 2) for t in f['one']]}")
    print(f"  --workers 2 (forked process pool): {m2:6.2f} s   {[round(t, 2) for t in f['two']]}")
    print(f"  speed-up 2 workers / 1:            {m1 / m2:6.2f}x  (target ≥ 1.8x)")
    print(f"    the 2 workers busy with runs (their runs' wall time / 2 / the sweep's): {spread(f['busy'])}")
    print(f"    the cores two training processes got (before and after each repeat; 2.0: both free): "
          f"median {statistics.median(f['cores']):.2f} [{min(f['cores']):.2f} – {max(f['cores']):.2f}]")
    print("  per-run overhead (target ≤ 10 %):")
    print(f"    in the run (outside train_for / inside), {len(f['in_run'])} runs, wall: {spread(f['in_run'])}")
    print(f"                                              CPU: {spread(f['in_run_cpu'])}")
    if f["parts"]:
        print("      (median ms: " + ", ".join(f"{k} {1e3 * statistics.median(t[k] for t in f['parts']):.1f}"
                                          for k in ("setup", "train", "write")) + ")")
    print("    of it, writing history.csv (CPU, best of 5), against the run's train_for:")
    for way in ("orjson", "repr"):
        ms = f"{statistics.median(f[f'history_{way}_ms']):5.1f} ms = " if f[f"history_{way}_ms"] else ""
        print(f"      with {way + ':':7} {ms}{spread(f[f'history_{way}'])}")
    print(f"    run wall time in the sweep against bare train_for:  {spread(f['vs_bare'])}")
    print(f"    whole 1-worker sweep against the bare runs, wall:   {spread(f['whole'])}")
    print(f"                                                 CPU:   {spread(f['whole_cpu'])}")
    start = statistics.median(f["start"])
    print(f"    pool start-up (fork 2 workers): {1e3 * start:.0f} ms = "
          f"{100 * start / (runs / 2 * run_time):.1f} % of a worker's share of the sweep")
    spawn, forkserver = f["dialog_spawn"], f["dialog_forkserver"]
    print(f"    the Sweep dialog's pool start-up, spawn (main): {1e3 * statistics.median(spawn):.0f} ms every sweep"
          + (f"; forkserver: {1e3 * statistics.median(forkserver[0::2]):.0f} ms the first sweep, "
             f"{1e3 * statistics.median(forkserver[1::2]):.0f} ms the next" if forkserver else ""))
    peak = max(m[0] for m in f["memory"])
    private = [m[1] for m in f["memory"] if m[1] is not None]
    print(f"  memory per worker: peak RSS ≤ {peak:.0f} MiB" +
          (f", of it private (not shared with the client) ≤ {max(private):.0f} MiB" if private else ""))


def in_subprocess(root: Path, runs: int, steps: int, two_first: bool) -> dict:
    """One repeat measured by a fresh interpreter running the engine of the checkout `root`."""
    done = subprocess.run([sys.executable, __file__, "--repeat-json", "--root", str(root), "--runs", str(runs),
                           "--steps", str(steps)] + ["--two-first"] * two_first,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"measuring {root} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=12)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--quick", action="store_true", help="4 runs of 300 steps, once")
    p.add_argument("--tree", type=Path, help="also measure another checkout (e.g. the main branch), alternating")
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--repeat-json", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--two-first", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.quick:
        args.runs, args.steps, args.repeats = 4, 300, 1
    if args.repeat_json:
        print(json.dumps(measure(args.runs, args.steps, args.two_first)))
        return
    trees = [ROOT] + ([args.tree.resolve()] if args.tree else [])
    figures: dict[Path, list[dict]] = {tree: [] for tree in trees}
    for repeat in range(args.repeats):
        for tree in trees if repeat % 2 == 0 else trees[::-1]:
            figures[tree].append(in_subprocess(tree, args.runs, args.steps, two_first=repeat % 2 == 1))
    print(f"{args.runs}-run sweep of default.json, {args.steps} steps each, {args.repeats} repeat(s), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for tree in trees:
        report(f"{tree}:", merged(figures[tree]), args.runs)


if __name__ == "__main__":
    main()
