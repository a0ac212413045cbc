"""Optimisation-geometry timings (issue 11), each against the simplest correct method in the same run.

    python bench/geometry.py [--case N] [--reference-points 40] [--threads N]

(1) 51×51 landscape of resources/experiments/default.json (random filter-normalised plane):
    batched evaluation vs one network forward pass per grid point (2,601 passes);   target ≤ 0.1 s
(2) 25×25 landscape of 784-256-128-10 relu/softmax on 2,000 random samples, same comparison, in
    the network's float type (--dtype, default float32 as this size trains); the per-point
    reference is timed on --reference-points points and scaled to 625;              target ≤ 5 s
(3) exact Hessian of 2-8-8-1 tanh/sigmoid + bce (105 parameters) on 200 points:
    R-operator vs central differences of the backprop gradient (2P gradients);       target ≤ 20 ms
(4) ~1,200 parameters (2-32-32-1, 1,185) on 200 points, eigenvalues included, same reference;
                                                                                      target ≤ 2 s
(5) λ_max of 784-256-128-10 (235,146 parameters) on 1,000 samples: Lanczos (30 steps) on
    R-operator products vs power iteration run to the same accuracy (1e-4), at most 150
    products (a dense H would take 442 GB);                                         target ≤ 10 s
Times are the best of a few repeats (the machine is shared), wall and process CPU time (CPU above
wall: BLAS used several threads; wall far above CPU: the machine was busy), with the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.analysis.directions import filter_normalized  # noqa: E402
from engine.analysis.hessian import dense_hessian, finite_difference_hessian, hessian_vector_product  # noqa: E402
from engine.analysis.lanczos import lanczos  # noqa: E402
from engine.analysis.landscape import landscape, pointwise_losses  # noqa: E402
from engine.analysis.training_loss import TrainingLoss  # noqa: E402
from engine.core import divergences, threads  # noqa: E402
from engine.core.network import Network  # noqa: E402
from engine.io.experiment import EXAMPLES_DIR, Experiment  # noqa: E402
from engine.run import build  # noqa: E402


class Timing(float):
    """The best wall time of a few repeats (a float, seconds), with that repeat's process CPU time."""

    cpu: float


def best(fn, repeats=3):
    runs, value = [], None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        value = fn()
        runs.append((time.perf_counter() - t, time.process_time() - c))
    timing = Timing(min(w for w, _ in runs))
    timing.cpu = min(c for _, c in runs)  # each the best of its kind: on a busy machine they differ in repeat
    return timing, value


def random_loss(sizes, acts, div, samples, seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    net = Network.create(sizes, acts, seed=seed, dtype=dtype)
    x = rng.normal(size=(samples, sizes[0]))
    n = sizes[-1]
    d = np.eye(n)[rng.integers(0, n, samples)] if n > 1 else rng.integers(0, 2, (samples, 1)).astype(float)
    return TrainingLoss.of(net, x, d, divergences.get(div)), net.parameters.copy()


def report(name, fast, slow, target, note="", scale=1.0):
    """One line: wall (and process CPU) time of the method and of the reference (× scale), their ratio."""
    verdict = "OK" if fast <= target else "ABOVE TARGET"
    slow_wall, slow_cpu = slow * scale, slow.cpu * scale
    print(f"{name}:\n    {fast * 1e3:9.1f} ms (cpu {fast.cpu * 1e3:8.1f})   reference {slow_wall * 1e3:10.1f} ms "
          f"(cpu {slow_cpu * 1e3:10.1f}){note}   ratio ×{slow_wall / fast:7.1f} (cpu ×{slow_cpu / max(fast.cpu, 1e-9):.1f})"
          f"   target ≤ {target * 1e3:.0f} ms  {verdict}", flush=True)


def case_landscape_default(_):
    run = build(Experiment.load(EXAMPLES_DIR / "default.json"))
    loss, theta = TrainingLoss.of_trainer(run.trainer), run.network.parameters.copy()
    e1, e2 = filter_normalized(loss.layout, theta, 0), filter_normalized(loss.layout, theta, 1)
    fast, scape = best(lambda: landscape(loss, theta, e1, e2, 1.0, 51), 10)
    slow, ref = best(lambda: pointwise_losses(loss, theta, e1, e2, scape.a, scape.b), 1)
    assert np.allclose(ref, scape.loss, rtol=1e-12)
    report("(1) 51×51 landscape, default experiment", fast, slow, 0.1)


def case_landscape_mnist(args):
    loss, theta = random_loss([784, 256, 128, 10], ["relu", "relu", "softmax"], "cross_entropy", 2000, dtype=args.dtype)
    theta = theta.astype(np.float64)
    e1, e2 = filter_normalized(loss.layout, theta, 0), filter_normalized(loss.layout, theta, 1)
    fast, scape = best(lambda: landscape(loss, theta, e1, e2, 1.0, 25), 1)
    m = args.reference_points
    slow, ref = best(lambda: pointwise_losses(loss, theta, e1, e2, scape.a[:1], scape.b[:m]), 1)
    assert np.allclose(ref, scape.loss[:1, :m], rtol=1e-10 if args.dtype == "float64" else 1e-4)
    report(f"(2) 25×25 landscape, 784-256-128-10, 2,000 samples, {args.dtype}", fast, slow, 5.0,
           f" (timed on {m} points)", scale=625 / m)


def hessian_case(name, sizes, acts, div, samples, target, eigen):
    loss, theta = random_loss(sizes, acts, div, samples)

    def exact():
        H = dense_hessian(loss, theta)
        return (H, np.linalg.eigvalsh(0.5 * (H + H.T))) if eigen else (H, None)

    def reference():
        H = finite_difference_hessian(loss, theta)
        return (H, np.linalg.eigvalsh(0.5 * (H + H.T))) if eigen else (H, None)

    fast, (H, _) = best(exact, 20 if loss.P < 500 else 3)
    slow, (F, _) = best(reference, 1)
    assert np.abs(H - F).max() < 1e-6 * max(1.0, np.abs(H).max())
    report(f"{name} (P = {loss.P:,})", fast, slow, target)


def case_hessian_small(_):
    hessian_case("(3) exact Hessian 2-8-8-1, 200 points", [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "bce", 200, 0.02, False)


def case_hessian_medium(_):
    hessian_case("(4) exact Hessian + eigenvalues 2-32-32-1, 200 points", [2, 32, 32, 1], ["tanh", "tanh", "sigmoid"],
                 "bce", 200, 2.0, True)


def case_lambda_max(_):
    loss, theta = random_loss([784, 256, 128, 10], ["tanh", "tanh", "softmax"], "cross_entropy", 1000)
    steps, cap = 30, 150
    hvp = hessian_vector_product(loss, theta)  # one forward/backward pass, shared by both sides
    fast, result = best(lambda: lanczos(hvp, loss.P, steps=steps), 1)

    def power_to_the_same_accuracy():
        """Power iteration until within 1e-4 (relative) of Lanczos' λ_max, at most `cap` products."""
        q = np.random.default_rng(0).standard_normal(loss.P)
        q /= np.linalg.norm(q)
        for k in range(1, cap + 1):
            w = hvp(q)
            value = float(q @ w)
            if abs(value - result.largest) <= 1e-4 * abs(result.largest):
                return value, k
            q = w / np.linalg.norm(w)
        return value, cap

    slow, (power, products) = best(power_to_the_same_accuracy, 1)
    report(f"(5) λ_max, 784-256-128-10 (P = {loss.P:,}), 1,000 samples", fast, slow, 10.0)
    print(f"    Lanczos ({steps} products) λ_max = {result.largest:.6g} (residual {result.residuals[-1]:.2g}), "
          f"λ_min = {result.smallest:.4g}; power iteration: {power:.6g} after {products} products"
          + (" (cap reached)" if products == cap else ""))


CASES = [case_landscape_default, case_landscape_mnist, case_hessian_small, case_hessian_medium, case_lambda_max]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", type=int, choices=range(1, len(CASES) + 1), help="run one case only")
    p.add_argument("--reference-points", type=int, default=40)
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                   help="float type of the network in case (2) (default float32, as bench/engine.py trains this size)")
    p.add_argument("--threads", type=int, metavar="N", help="BLAS threads fixed at N (default: engine.core.threads, "
                   "by product size and the cores other processes leave free)")
    args = p.parse_args()
    if args.threads:
        threads.freeze(args.threads)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    how = f"fixed at {args.threads}" if args.threads else "by engine.core.threads"
    print(f"load average {load} on {os.cpu_count()} cores; BLAS threads {how}", flush=True)
    for i, case in enumerate(CASES, start=1):
        if args.case in (None, i):
            case(args)


if __name__ == "__main__":
    main()
