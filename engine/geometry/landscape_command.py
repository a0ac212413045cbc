"""`backprop-workbench landscape`: the training loss over a plane θ + a e₁ + b e₂ through the weights.

Directions: two named parameters (--param W2[0,1] --param b1[3]), or --directions
  random   filter-normalised Gaussian directions (Li et al. 2018), seeded by --seed;
  hessian  the unit eigenvectors of the two largest Hessian eigenvalues;
  pca      the first two principal components of a trajectory: the experiment is trained for
           --steps updates from the start weights (or --weights), θ is recorded after each,
           and the plane is centred on the last θ; the path and its real loss are saved too.
Writes DIR/landscape.npz (a, b, loss[i, j] = L(θ + a[i] e1 + b[j] e2), e1, e2, …) and
DIR/landscape.png (heatmap, white level lines, black cross at θ, red path for pca, tick labels
and a colour bar with the loss range and the levels).

Progress goes to stderr (a bar on a terminal, a line per tenth otherwise; --quiet: none).
Ctrl-C stops the computation with one line on stderr, exit status 130, nothing written.
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np

from engine.analysis.contour_plot import levels
from engine.analysis.curvature import curvature, eigen_directions
from engine.analysis.directions import filter_normalized, named_direction, trajectory_pca
from engine.analysis.figure import figure
from engine.analysis.hessian import DENSE_LIMIT
from engine.analysis.landscape import MAX_RESOLUTION, landscape, offsets, projected_path
from engine.analysis.training_loss import CHUNK_ELEMENTS
from engine.core.errors import ConfigurationError
from engine.geometry.setup import check_memory, load_experiment, load_point, output_dir, parameter_count
from engine.io import atomic
from engine.io.png import write_png
from engine.progress import Progress

NAME = "landscape"
DEFAULT_SPAN = 1.0
DEFAULT_RESOLUTION = 51
DEFAULT_PCA_STEPS = 200


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="the training loss over a plane through the weights (npz + contour PNG)",
                       description="Evaluate L(θ + a·e1 + b·e2) on an R×R grid, a and b evenly from −S to S. Writes "
                       "DIR/landscape.npz (a, b, loss[i, j] = L(θ + a[i]e1 + b[j]e2), e1, e2) and DIR/landscape.png. "
                       "--directions pca first trains the experiment for --steps updates (from the start weights or "
                       "--weights) and centres the plane on the last point; the path is saved and drawn.")
    p.add_argument("experiment", metavar="EXPERIMENT.json")
    p.add_argument("--weights", metavar="FILE.npz", help="at these weights instead of the initial ones")
    axes = p.add_mutually_exclusive_group(required=True)
    axes.add_argument("--param", action="append", metavar="NAME",
                      help="a parameter axis, like W2[0,1] or b1[3] (0-based indices into the weights.npz arrays); twice")
    axes.add_argument("--directions", choices=("random", "pca", "hessian"), help="two directions of this kind")
    p.add_argument("--span", type=_span, default=DEFAULT_SPAN, metavar="S", help=f"offsets from −S to S (default {DEFAULT_SPAN:g})")
    p.add_argument("--resolution", type=int, default=DEFAULT_RESOLUTION, metavar="R",
                   help=f"grid points per axis, 2..{MAX_RESOLUTION} (default {DEFAULT_RESOLUTION})")
    p.add_argument("--out", metavar="DIR", help="output directory (default: runs/<experiment name>)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the random directions (default 0)")
    p.add_argument("--steps", type=int, default=DEFAULT_PCA_STEPS, metavar="N",
                   help=f"training updates for the pca trajectory (default {DEFAULT_PCA_STEPS})")
    p.add_argument("--quiet", action="store_true", help="no progress output on stderr")


def landscape_memory(P: int, R: int) -> int:
    """Bytes: the grid and its coordinates, a handful of chunk-sized work arrays, θ and the directions."""
    return 8 * (3 * R * R + 8 * CHUNK_ELEMENTS + 6 * P)


def _span(text: str) -> float:
    s = float(text)
    if not (s > 0 and math.isfinite(s)):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text}")
    return s


def run(args) -> int:
    if args.param is not None and len(args.param) != 2:
        raise ConfigurationError(f"--param needs exactly two parameter names, got {len(args.param)}")
    offsets(args.span, args.resolution)  # refuse an impossible grid before any work
    if args.directions == "pca" and args.steps < 2:
        raise ConfigurationError(f"--steps must be at least 2 for a pca trajectory, got {args.steps}")
    experiment = load_experiment(args.experiment)
    P = parameter_count(experiment)
    check_memory(landscape_memory(P, args.resolution), f"a {args.resolution}×{args.resolution} landscape of {P:,} parameters")
    point = load_point(experiment, args.weights)
    progress = Progress(sys.stderr, args.quiet)
    try:
        e1, e2, path, extra, what = _directions(args, point)
        scape = landscape(point.loss, point.theta, e1, e2, args.span, args.resolution,
                          progress=_shown(progress, args.resolution**2))
    except KeyboardInterrupt:
        progress.close()
        print(f"interrupted: the {args.resolution}×{args.resolution} landscape was not finished; nothing written",
              file=sys.stderr)
        return 130
    progress.close()
    out = output_dir(args.out, args.experiment)
    with atomic.atomic_open(out / "landscape.npz", "wb") as f:
        np.savez(f, a=scape.a, b=scape.b, loss=scape.loss, e1=scape.e1, e2=scape.e2, **extra)
    write_png(out / "landscape.png", figure(scape.a, scape.b, scape.loss, path=path))
    _print(scape, what, extra, out)
    return 0


def _directions(args, point):
    """(e1, e2, path, extra arrays, what they are) for the chosen axes."""
    loss, layout = point.loss, point.loss.layout
    if args.param is not None:
        e1, e2 = (named_direction(layout, n) for n in args.param)
        return e1, e2, None, {}, f"parameters {args.param[0]} and {args.param[1]}"
    if args.directions == "random":
        e1, e2 = filter_normalized(layout, point.theta, args.seed), filter_normalized(layout, point.theta, args.seed + 1)
        return e1, e2, None, {}, f"random filter-normalised directions (seed {args.seed})"
    if args.directions == "hessian":
        report = curvature(loss, point.theta, top=2 if loss.P > DENSE_LIMIT else None)
        e1, e2 = eigen_directions(report)
        return e1, e2, None, {}, f"Hessian eigenvectors of λ = {report.eigenvalues[-1]:.4g} and {report.eigenvalues[-2]:.4g}"
    return _pca(point, args.steps)


def _shown(progress: Progress, points: int):
    """The progress callback: the bar redrawn at most once per 0.1 % of the grid's points."""
    last = [-1]

    def show(fraction: float) -> None:
        if int(1000 * fraction) != last[0]:
            last[0] = int(1000 * fraction)
            progress.update(fraction, round(fraction * points), None, unit="points")

    return show


def _pca(point, steps: int):
    """Train `steps` updates recording θ; the plane through the last θ along the first two components."""
    trainer = point.run.trainer
    trajectory = [point.theta.copy()]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if not trainer.step():
                break
            trajectory.append(trainer.network.parameters.copy())
    path = np.array(trajectory)
    pca = trajectory_pca(path)
    point.theta = path[-1].copy()
    e1, e2 = pca.directions
    proj = projected_path(point.loss, point.theta, e1, e2, path)
    extra = {"explained_variance": pca.explained_variance, "path_a": proj.coordinates[:, 0],
             "path_b": proj.coordinates[:, 1], "path_loss": proj.real_loss, "path_plane_loss": proj.plane_loss}
    what = (f"first two principal components of {len(path)} points of training "
            f"(explained variance {100 * pca.explained_variance[0]:.1f} % and {100 * pca.explained_variance[1]:.1f} %)")
    return e1, e2, proj.coordinates, extra, what


def _print(scape, what, extra, out) -> None:
    R = len(scape.a)
    print(f"landscape {R}×{R} over a, b in [{scape.a[0]:g}, {scape.a[-1]:g}] along {what}")
    finite = scape.loss[np.isfinite(scape.loss)]
    low = f"{finite.min():.6g}" if finite.size else "nan"
    print(f"L(θ) = {scape.centre_loss:.6g} at the centre; over the grid {low} .. {finite.max() if finite.size else math.nan:.6g}")
    if "path_loss" in extra:
        print(f"path: {len(extra['path_loss'])} points, real loss {extra['path_loss'][0]:.6g} → {extra['path_loss'][-1]:.6g}")
    lv = levels(scape.loss)
    if len(lv):
        print("level lines at " + ", ".join(f"{v:.4g}" for v in lv))
    print(f"wrote {out / 'landscape.npz'}, {out / 'landscape.png'}")
