"""`backprop-workbench hessian`: the Hessian of the training loss at the initial (or given) weights.

    L(θ) = (1/T) Σ_t Div(y_t, d_t) + λ₂·½ Σ w²  over the whole training split (float64)

Up to DENSE_LIMIT parameters H is formed exactly (Pearlmutter's R-operator) and fully
diagonalised; above it only the --top K smallest and largest eigenvalues, by Lanczos on
Hessian-vector products (H never formed) — unless --dense insists and it fits in memory.
Progress goes to stderr (--quiet: none); Ctrl-C stops with one line, exit status 130.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from engine.analysis.critical_points import step_size_rule
from engine.analysis.curvature import curvature, lanczos_step_count
from engine.analysis.directions import parameter_names
from engine.analysis.hessian import DENSE_LIMIT, memory_estimate
from engine.geometry.setup import check_memory, load_experiment, load_point, output_dir, parameter_count
from engine.io import atomic
from engine.progress import Progress

NAME = "hessian"
DEFAULT_TOP = 5
CRITICAL_GRADIENT = 1e-6  # ‖∇L‖ below this counts as a critical point


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="the Hessian of the training loss, its spectrum and the critical-point test",
                       description="Compute ∇²L(θ) of L(θ) = (1/T) Σ_t Div(y_t, d_t) + λ₂·½Σw² over the training split, "
                       "w.r.t. all parameters in the order W1 (row-major), b1, W2, b2, …, at the experiment's initial "
                       "weights or at FILE.npz. Writes DIR/hessian.npz (H P×P float64, eigenvalues ascending, gradient P, "
                       f"names) and prints P, λ_min, λ_max, the eigenvalue counts, the classification and 2/λ_max. Above "
                       f"{DENSE_LIMIT:,} parameters only the K smallest and K largest eigenvalues are computed (Lanczos, "
                       "H not formed, hessian.npz then holds no H).")
    p.add_argument("experiment", metavar="EXPERIMENT.json")
    p.add_argument("--weights", metavar="FILE.npz", help="at these weights instead of the initial ones")
    p.add_argument("--out", metavar="DIR", help="output directory (default: runs/<experiment name>)")
    p.add_argument("--top", type=_positive, metavar="K",
                   help=f"K extreme eigenvalues at each end (default {DEFAULT_TOP} above {DENSE_LIMIT:,} parameters; "
                   "with a full spectrum, only K of each end are printed)")
    p.add_argument("--quiet", action="store_true", help="no progress output on stderr")
    p.add_argument("--dense", action="store_true", help=f"form H even above {DENSE_LIMIT:,} parameters "
                   "(refused if it does not fit in memory)")


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {n}")
    return n


def run(args) -> int:
    experiment = load_experiment(args.experiment)
    P = parameter_count(experiment)
    dense = P <= DENSE_LIMIT or args.dense
    top = args.top or DEFAULT_TOP
    if dense:
        check_memory(memory_estimate(P), f"the dense Hessian of {P:,} parameters")
    else:
        check_memory(8 * P * (lanczos_step_count(top, P) + 8), f"Lanczos on {P:,} parameters")
    point = load_point(experiment, args.weights)
    progress = Progress(sys.stderr, args.quiet)
    products = P if dense else lanczos_step_count(top, P)  # H e_i for every i, or the Lanczos steps
    try:
        report = curvature(point.loss, point.theta, top=None if dense else top, dense_limit=P if dense else 0,
                           progress=lambda f: progress.update(f, round(f * products), None, unit="Hessian-vector products"))
    except KeyboardInterrupt:
        progress.close()
        print(f"interrupted: the Hessian of {P:,} parameters was not finished; nothing written", file=sys.stderr)
        return 130
    progress.close()
    out = output_dir(args.out, args.experiment)
    arrays = {"eigenvalues": report.eigenvalues, "gradient": report.gradient,
              "names": np.array(parameter_names(point.loss.layout), dtype=str)}
    if report.dense:
        arrays["H"] = report.hessian
    with atomic.atomic_open(out / "hessian.npz", "wb") as f:
        np.savez(f, **arrays)
    _print(report, point, top if args.top or not dense else None, out)
    return 0


def _print(report, point, top, out) -> None:
    c = report.classification
    lr = point.run.trainer.learning_rate
    rule = step_size_rule(lr, report.largest)
    print(f"P = {report.P:,} parameters, L(θ) = {report.value:.6g}, ‖∇L‖ = {np.linalg.norm(report.gradient):.3g}")
    if not report.dense:
        print(f"above {DENSE_LIMIT:,} parameters: only the {len(report.eigenvalues) // 2} smallest and largest "
              "eigenvalues, by Lanczos on Hessian-vector products (H not formed)")
    print(f"λ_min = {report.smallest:.6g}   λ_max = {report.largest:.6g}   "
          f"condition number {c.condition_number:.4g}")
    among = "" if c.complete else " among those computed"
    print(f"eigenvalues{among}: {c.negative} negative, {c.zero} zero (|λ| ≤ {c.tolerance:.2g}), {c.positive} positive")
    if top is not None and report.dense:
        lam = report.eigenvalues
        print("smallest: " + ", ".join(f"{v:.4g}" for v in lam[:top]))
        print("largest:  " + ", ".join(f"{v:.4g}" for v in lam[-top:]))
    print(f"classification: {c.description}")
    if not c.gradient_norm < CRITICAL_GRADIENT:
        print(f"  (‖∇L‖ = {c.gradient_norm:.3g}: θ is not a critical point; this is the curvature's shape there)")
    print(f"2/λ_max = {rule.limit:.4g}; learning rate η = {lr:.4g}, η·λ_max = {rule.product:.4g}"
          + (f" > 2: {rule.warning}" if not rule.stable else " < 2"))
    print(f"wrote {out / 'hessian.npz'}")
