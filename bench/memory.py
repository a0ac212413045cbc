"""Memory: the app's RSS while training at full speed, and peak RSS loading and training float32 data.

    python bench/memory.py rss  [--iterations 10000000] [--tree PATH]
    python bench/memory.py load [--tree PATH]

rss:  a headless worker (workbench.worker.TrainingCore driven synchronously, as the thread
      does) trains resources/experiments/default.json at full speed; a snapshot is taken
      ~30 times a second and fed to the curve views' history copy, as the window does. Prints
      RSS at 10 s and 40 s and after every million iterations (issue 17: ≤ 15 MB growth
      between 10 s and 40 s, ≤ 400 MB after 10 million iterations).
load: writes a 60,000×784 float32 NPZ (random data, 10 classes) to a temp dir, then in a fresh
      subprocess loads it, prepares it and builds a 784-256-128-10 float32 run, trains 20
      steps and prints the peak RSS (resource.getrusage) against the data size (target ≤ 2.5×).

Each measurement runs in its own subprocess; --tree runs the code of another checkout (e.g.
the main branch) so before and after can be printed side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RSS_CHILD = r"""
import sys, time
from engine.io.experiment import EXAMPLES_DIR, Experiment
from engine.run import build
from workbench.plots.curves import History
from workbench.worker import Command, TrainingCore

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

total = int(sys.argv[1])
core = TrainingCore(build(Experiment.load(EXAMPLES_DIR / "default.json")))
gui = History()
core.handle(Command("run"))
start = time.perf_counter()
marks, next_million = [10.0, 40.0], 1_000_000
print(f"start  {rss_mb():7.1f} MB", flush=True)
while core.run.trainer.iteration < total:
    core.work()
    snap = core.latest()
    if snap is not None:
        gui.update(snap)
    t, it = time.perf_counter() - start, core.run.trainer.iteration
    if marks and t >= marks[0]:
        print(f"{marks.pop(0):4.0f} s  {rss_mb():7.1f} MB  ({it:,} iterations)", flush=True)
    if it >= next_million:
        print(f"{it / 1e6:4.0f} M  {rss_mb():7.1f} MB  ({t:.0f} s)", flush=True)
        next_million += 1_000_000
"""

LOAD_CHILD = r"""
import resource, sys, json
import numpy as np
from engine.io.experiment import Experiment
from engine.run import build

path = sys.argv[1]
experiment = {"format": "backprop-workbench-experiment", "version": 1, "seed": 0,
              "dataset": {"file": path, "test_fraction": 0.0},
              "network": {"sizes": [784, 256, 128, 10], "activations": ["relu", "relu", "softmax"], "dtype": "float32"},
              "training": {"divergence": "cross_entropy", "batch_size": 128}}
run = build(Experiment.from_dict(experiment))
run.trainer.run(steps=20)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peak_mib": peak, "x_dtype": str(run.trainer.x.dtype)}))
"""


def _env(tree: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen"}


def rss(tree: Path, iterations: int) -> None:
    subprocess.run([sys.executable, "-c", RSS_CHILD, str(iterations)], cwd=tree, env=_env(tree), check=True)


def load(tree: Path) -> None:
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        x = rng.random((60_000, 784), dtype=np.float32)
        path = Path(tmp) / "big.npz"
        np.savez(path, X=x, y=rng.integers(0, 10, 60_000).astype(np.int64))
        data_mib = x.nbytes / 2**20
        del x
        out = subprocess.run([sys.executable, "-c", LOAD_CHILD, str(path)], cwd=tree, env=_env(tree),
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"data {data_mib:.0f} MiB float32; peak RSS {result['peak_mib']:.0f} MiB = "
              f"{result['peak_mib'] / data_mib:.2f}× the data; training data dtype {result['x_dtype']}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["rss", "load"])
    parser.add_argument("--iterations", type=int, default=10_000_000)
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose engine and workbench run")
    args = parser.parse_args(argv)
    print(f"tree {args.tree}")
    if args.what == "rss":
        rss(args.tree, args.iterations)
    else:
        load(args.tree)


if __name__ == "__main__":
    main()
