"""Memory: peak RSS loading and training float32 data, a full-size IDX load, and RSS over a long run.

    python bench/memory.py load [--tree PATH]
    python bench/memory.py idx  [--tree PATH]
    python bench/memory.py rss  [--quick] [--iterations N] [--engine] [--tree PATH]

load: writes a 60,000×784 float32 NPZ (random data, 10 classes) to a temp dir; then, in a fresh
      subprocess per case, loads it, builds a 784-256-128-10 run (engine.run.build: split,
      standardisation, network, trainer), trains 20 steps and evaluates once on the whole
      training set. Prints RSS after each stage and the peak RSS against the data size
      (issue 17: ≤ 2.5× for the float32 network).
idx:  writes a full-size MNIST-shaped IDX pair (60,000 28×28 images) and loads it with
      engine.data.idx_format.load_idx in a fresh subprocess: seconds and peak RSS (this
      timing used to be a test; timed tests are flaky on a shared machine).
rss:  trains resources/experiments/default.json at full speed, headless: by default the
      worker core (workbench.worker.TrainingCore driven synchronously as its thread does, each
      snapshot fed to the curve views' history copy as the window does); with --engine the
      engine trainer alone, stepping one iteration at a time as the core does. Prints RSS at
      start, at 10 s and 40 s, and after every million iterations up to --iterations
      (10 million; --quick: 1 million). Issue 17: ≤ 15 MB growth between 10 s and 40 s,
      ≤ 400 MB after 10 million iterations.

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

RSS_HELPERS = r"""
import resource

def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

RSS_CHILD = r"""
import os, sys, time
""" + RSS_HELPERS + r"""
total, engine_only = int(sys.argv[1]), sys.argv[2] == "engine"
import numpy as np
from engine.io.experiment import EXAMPLES_DIR, Experiment
from engine.run import build

run = build(Experiment.load(EXAMPLES_DIR / "default.json"))
trainer = run.trainer
if engine_only:
    def burst():  # one iteration at a time, as the worker core steps
        end = time.perf_counter() + 0.008
        with np.errstate(all="ignore"):
            while time.perf_counter() < end:
                trainer.step()
else:
    from workbench.plots.curves import History
    from workbench.worker import TrainingCore
    from workbench.worker import commands as c

    core, gui = TrainingCore(run), History()
    core.handle(c.Start())

    def burst():
        core.work()
        snap = core.latest()
        if snap is not None:
            gui.update(snap)

print(f"{'start':>6s} {rss_mib():8.1f} MB", flush=True)
marks, next_million = [10.0, 40.0], 1_000_000
start = time.perf_counter()
while trainer.iteration < total and trainer.stopped is None:
    burst()
    t, it = time.perf_counter() - start, trainer.iteration
    if marks and t >= marks[0]:
        print(f"{marks.pop(0):4.0f} s {rss_mib():8.1f} MB   {it:>12,} iterations", flush=True)
    if it >= next_million:
        print(f"{it / 1e6:4.0f} M {rss_mib():8.1f} MB   {t:10.0f} s  ({it / t:,.0f} iterations/s)", flush=True)
        next_million += 1_000_000
print(f"{'peak':>6s} {peak_mib():8.1f} MB" + (f"   stopped: {trainer.stopped.message}" if trainer.stopped else ""))
"""

LOAD_CHILD = r"""
import json, os, sys
""" + RSS_HELPERS + r"""
stages = {"interpreter": rss_mib()}
import numpy as np
from engine.io.experiment import Experiment
from engine.run import build

stages["imports"] = rss_mib()
path, dtype = sys.argv[1], sys.argv[2]
experiment = {"format": "backprop-workbench-experiment", "version": 1, "seed": 0,
              "dataset": {"file": path, "test_fraction": 0.0},
              "network": {"sizes": [784, 256, 128, 10], "activations": ["relu", "relu", "softmax"], "dtype": dtype},
              "training": {"divergence": "cross_entropy", "batch_size": 128}}
run = build(Experiment.from_dict(experiment))
stages["load + build"] = rss_mib()
run.trainer.run(steps=20)
stages["20 steps"] = rss_mib()
run.trainer.evaluate()
stages["evaluation"] = rss_mib()
print(json.dumps({"stages": stages, "peak": peak_mib(), "x_dtype": str(run.trainer.x.dtype)}))
"""

IDX_CHILD = r"""
import json, os, sys, time
""" + RSS_HELPERS + r"""
from engine.data.idx_format import load_idx

start = time.perf_counter()
data = load_idx(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak": peak_mib(), "shape": list(data.X.shape), "dtype": str(data.X.dtype)}))
"""


def _env(tree: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen"}


def _child(tree: Path, code: str, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=tree, env=_env(tree),
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rss(tree: Path, iterations: int, engine_only: bool) -> None:
    print(f"default.json at full speed, {'engine trainer' if engine_only else 'worker core + GUI history copy'}, "
          f"up to {iterations:,} iterations")
    subprocess.run([sys.executable, "-c", RSS_CHILD, str(iterations), "engine" if engine_only else "core"],
                   cwd=tree, env=_env(tree), check=True)


def load(tree: Path) -> None:
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        x = rng.random((60_000, 784), dtype=np.float32)
        path = Path(tmp) / "big.npz"
        np.savez(path, X=x, y=rng.integers(0, 10, 60_000).astype(np.int64))
        data_mib = x.nbytes / 2**20
        del x
        print(f"data 60,000×784 float32 = {data_mib:.0f} MiB; a fresh process per case; RSS in MiB")
        for dtype in ("float32", "float64"):
            result = _child(tree, LOAD_CHILD, path, dtype)
            stages = "  ".join(f"{name} {mib:.0f}" for name, mib in result["stages"].items())
            print(f"784-256-128-10 {dtype}: {stages}  | peak {result['peak']:.0f} = "
                  f"{result['peak'] / data_mib:.2f}× the data (training inputs {result['x_dtype']})")


def idx(tree: Path) -> None:
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (60_000, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, 60_000).astype(np.uint8)
        paths = []
        for name, array, code in (("images", images, 3), ("labels", labels, 1)):
            path = Path(tmp) / f"train-{name}-idx{code}-ubyte"
            header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
            path.write_bytes(header + array.tobytes())
            paths.append(path)
        result = _child(tree, IDX_CHILD, *paths)
        print(f"IDX 60,000×28×28 uint8: loaded {tuple(result['shape'])} {result['dtype']} in "
              f"{result['seconds']:.2f} s, peak RSS {result['peak']:.0f} MiB")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["rss", "load", "idx"])
    parser.add_argument("--iterations", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="rss: 1 million iterations")
    parser.add_argument("--engine", action="store_true", help="rss: the engine trainer alone, no worker core")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose engine and workbench run")
    args = parser.parse_args(argv)
    print(f"tree {args.tree}")
    if args.what == "rss":
        rss(args.tree, 1_000_000 if args.quick else args.iterations, args.engine)
    elif args.what == "load":
        load(args.tree)
    else:
        idx(args.tree)


if __name__ == "__main__":
    main()
