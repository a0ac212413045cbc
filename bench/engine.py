"""Engine throughput against a minimal hand-written NumPy loop, side by side in one process.

    python bench/engine.py [--rounds 20] [--scale 1] [--case N] [--load]

Cases (issue 2): (i) 2-8-8-1 tanh/sigmoid + bce, 500 points, batch 10; (ii) 2-64-64-64-3
relu/softmax + cross-entropy, 2,000 points, batch 64; (iii) 784-256-128-10 relu/softmax,
10,000 random samples, batch 128, float32. The reference is the minimal loop a student writes:
forward, backward and an SGD update, no loss and nothing recorded (issue 17); the engine also
computes the loss, guards against divergence and records its history. Both run on one BLAS
thread, alternately in chunks (`--rounds`), so load from other processes falls on both alike.
Prints samples/s, µs per step, the engine/minimal ratio, and 200×200 grid evaluations/s.

--load: each case (engine only, BLAS threads by engine.core.threads) and the grid, first
alone, then beside one busy-loop process; prints loaded/unloaded (issue 17: none below 0.4).
--load --threads 2: the same with the policy replaced by a fixed count (OpenBLAS's default here).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network, Trainer  # noqa: E402
from engine.analysis.decision_grid import decision_grid
from engine.core import optimizers, threads

CASES = [  # iterations are split into the alternating chunks
    # name, sizes, activations, divergence, samples, batch, iterations, dtype
    ("(i) 2-8-8-1 tanh/sigmoid", [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "bce", 500, 10, 20000, "float64"),
    ("(ii) 2-64-64-64-3 relu/softmax", [2, 64, 64, 64, 3], ["relu"] * 3 + ["softmax"], "cross_entropy",
     2000, 64, 3000, "float64"),
    ("(iii) 784-256-128-10 relu/softmax f32", [784, 256, 128, 10], ["relu", "relu", "softmax"],
     "cross_entropy", 10000, 128, 2400, "float32"),
]
LEARNING_RATE = 0.05


def make_data(sizes, samples, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, sizes[0]))
    k = max(2, sizes[-1])
    labels = rng.integers(0, k, samples) if sizes[-1] > 1 else rng.integers(0, 2, samples)
    return x, labels


class MinimalLoop:
    """The loop a student writes: lists of W and b, fused output gradient, plain SGD."""

    def __init__(self, sizes, acts, samples, batch, dtype, seed=0):
        x, labels = make_data(sizes, samples)
        self.x = x.astype(dtype)
        self.n_out = sizes[-1]
        self.d = (labels.reshape(-1, 1) if self.n_out == 1 else np.eye(self.n_out)[labels]).astype(dtype)
        net = Network.create(sizes, acts, seed=seed, dtype=dtype)
        self.W = [w.copy() for w in net.W[1:]]
        self.b = [v.copy() for v in net.b[1:]]
        self.hidden, self.batch = acts[0], batch
        self.rng = np.random.default_rng(seed)
        self.order, self.cursor = None, len(self.x)

    def run(self, iterations):
        W, b, x, d, batch, N = self.W, self.b, self.x, self.d, self.batch, len(self.W)
        T = len(x)
        for _ in range(iterations):
            if self.cursor >= T:
                self.order, self.cursor = self.rng.permutation(T), 0
            idx = self.order[self.cursor : self.cursor + batch]
            self.cursor += batch
            xb, db_ = x[idx], d[idx]
            ys = [xb]
            for k in range(N):
                z = ys[-1] @ W[k] + b[k]
                if k < N - 1:
                    y = np.tanh(z) if self.hidden == "tanh" else np.maximum(z, 0)
                elif self.n_out == 1:
                    y = 1.0 / (1.0 + np.exp(-z))
                else:
                    e = np.exp(z - z.max(axis=1, keepdims=True))
                    y = e / e.sum(axis=1, keepdims=True)
                ys.append(y)
            dz = ys[-1] - db_
            for k in range(N - 1, -1, -1):
                gW = ys[k].T @ dz / len(idx)
                gb = dz.mean(axis=0)
                if k:
                    dy = dz @ W[k].T
                    dz = dy * (1 - ys[k] ** 2) if self.hidden == "tanh" else dy * (ys[k] > 0)
                W[k] -= LEARNING_RATE * gW
                b[k] -= LEARNING_RATE * gb


def engine_trainer(sizes, acts, divergence, samples, batch, dtype, seed=0):
    x, labels = make_data(sizes, samples)
    net = Network.create(sizes, acts, seed=seed, dtype=dtype)
    return Trainer(net, x, labels, divergence=divergence, batch_size=batch,
                   optimizer=optimizers.SGD(learning_rate=LEARNING_RATE), seed=seed)


def side_by_side(case, rounds):
    """Alternate chunks of both loops so that both see the same machine load; return samples/s."""
    name, sizes, acts, div, samples, batch, iterations, dtype = case
    trainer = engine_trainer(sizes, acts, div, samples, batch, dtype)
    minimal = MinimalLoop(sizes, acts, samples, batch, dtype)
    chunk = max(1, iterations // rounds)
    engine_time = minimal_time = 0.0
    for _ in range(rounds):
        threads.use_threads(1)
        start = time.perf_counter()
        trainer.run(steps=chunk)
        engine_time += time.perf_counter() - start
        threads.use_threads(1)
        start = time.perf_counter()
        minimal.run(chunk)
        minimal_time += time.perf_counter() - start
    assert trainer.stopped is None and len(trainer.history) == chunk * rounds
    total = chunk * rounds * batch
    return total / engine_time, total / minimal_time


def engine_rate(case, seconds):
    """Engine samples/s over about `seconds` (BLAS threads left to the engine's policy)."""
    name, sizes, acts, div, samples, batch, iterations, dtype = case
    trainer = engine_trainer(sizes, acts, div, samples, batch, dtype)
    trainer.run(steps=5)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.run(steps=20)
        steps += 20
    return steps * batch / (time.perf_counter() - start)


def _busy() -> None:
    while True:
        pass


def under_load(seconds=3.0):
    """Each case and the grid alone, then beside a busy-loop process: loaded / unloaded."""
    import multiprocessing

    print(f"{'case':40s} {'alone':>12s} {'beside a busy process':>22s} {'ratio':>6s}   BLAS threads {threads.cores()} cores")
    rows = [(name, lambda c=(name, *rest): engine_rate(c, seconds)) for name, *rest in CASES]
    rows.append(("200x200 grid evaluation, 2-8-8-1 (/s)", lambda: grid_rate(seconds)))
    for name, measure in rows:
        alone = measure()
        busy = multiprocessing.Process(target=_busy, daemon=True)
        busy.start()
        try:
            loaded = measure()
        finally:
            busy.terminate()
            busy.join()
        print(f"{name:40s} {alone:12,.0f} {loaded:22,.0f} {loaded / alone:6.2f}")


def grid_rate(seconds=1.0):
    net = Network.create([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    grid = decision_grid(net, (-1.0, 1.0), (-1.0, 1.0), 200)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        grid.evaluate(net)
        count += 1
    return count / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="alternating chunks per case")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply iteration counts")
    parser.add_argument("--case", type=int, action="append", help="run only case number (1-3)")
    parser.add_argument("--load", action="store_true", help="alone vs beside a busy-loop process")
    parser.add_argument("--threads", type=int, help="with --load: force N BLAS threads (the reference without the policy)")
    args = parser.parse_args(argv)
    if args.threads:
        import engine.training.trainer as trainer_module

        threads.threads_for = trainer_module.threads_for = lambda flops: args.threads
    if args.load:
        under_load()
        return
    print(f"numpy {np.__version__}; engine and minimal loop alternate in {args.rounds} chunks per case; "
          f"one BLAS thread (threadpoolctl {'found' if threads.available() else 'missing'})")
    print(f"{'case':40s} {'engine samples/s':>17s} {'minimal samples/s':>18s} {'µs/step eng':>12s} "
          f"{'µs/step min':>12s} {'ratio':>6s}")
    for number, case in enumerate(CASES, 1):
        if args.case and number not in args.case:
            continue
        name, *rest = case
        scaled = (name, *rest[:-2], max(args.rounds, int(rest[-2] * args.scale)), rest[-1])
        eng, ref = side_by_side(scaled, args.rounds)
        batch = rest[4]
        print(f"{name:40s} {eng:17,.0f} {ref:18,.0f} {1e6 * batch / eng:12.1f} {1e6 * batch / ref:12.1f} "
              f"{eng / ref:6.2f}")
    print(f"{'200x200 grid evaluation, 2-8-8-1':40s} {grid_rate():17,.0f} per second")


if __name__ == "__main__":
    main()
