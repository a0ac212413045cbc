"""What the current point of a descent is, in the lecture's words.

A point x is critical when ∇f(x) = 0; in practice when ‖∇f(x)‖ ≤ ε (GRADIENT_TOLERANCE:
a descent only ever comes near a critical point). There the second-derivative test decides:

    1-D:  f″ > 0 minimum      f″ < 0 maximum      f″ = 0 degenerate — needs higher order
    2-D:  the signs of the Hessian's eigenvalues (engine.analysis.critical_points)

"f″ = 0" means |f″| ≤ 2√ε (CURVATURE_TOLERANCE). Why not smaller: at a point where f″
vanishes, as at x⁴'s minimum, a descent stopped with |f′| = 4|x|³ ≤ ε still has
f″ = 12x² ≈ 4.8 ε^(2/3) > 0, which a tiny tolerance would call a minimum; 2√ε is above
4.8 ε^(2/3) for every ε ≤ 10⁻³, so that point is rightly reported as degenerate.
Away from a critical point the verdict says so, with the slope f′ (or ‖∇f‖) and which way
descent goes; the curvature there is still described.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.analysis.critical_points import Classification, classify
from engine.objectives.objective import Objective

GRADIENT_TOLERANCE = 1e-3
CURVATURE_TOLERANCE = 2.0 * math.sqrt(GRADIENT_TOLERANCE)


@dataclass(frozen=True)
class PointVerdict:
    """The verdict at one point: `kind` is "minimum", "maximum", "saddle", "degenerate" or "not critical"."""

    kind: str  # or "undefined" where f, ∇f or the Hessian is not finite
    critical: bool
    slope: float  # f′(x) in 1-D, ‖∇f(x)‖ in 2-D
    curvature: Classification | None  # the second-derivative test's view of the Hessian there
    words: str


def _num(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


def verdict(f: Objective, point) -> PointVerdict:
    """Classify `point` (the 1-D or 2-D test, with the tolerances above) and say it in words."""
    with np.errstate(all="ignore"):  # a diverging path's point: its huge numbers are said, not warned about
        return _verdict(f, point)


def _verdict(f: Objective, point) -> PointVerdict:
    x = np.asarray(point, dtype=np.float64).reshape(f.dimension)
    g, H = f.gradient(x), f.hessian(x)
    if not (np.isfinite(g).all() and np.isfinite(H).all() and np.isfinite(f.value(x))):
        return PointVerdict("undefined", False, math.nan, None,
                            "f or its derivatives are not defined here (outside the formula's domain): "
                            "start somewhere else")
    curvature = classify(np.linalg.eigvalsh(H), CURVATURE_TOLERANCE, gradient_norm=float(np.linalg.norm(g)))
    critical = bool(np.linalg.norm(g) <= GRADIENT_TOLERANCE)
    if f.dimension == 1:
        return _verdict_1d(float(g[0]), float(H[0, 0]), critical, curvature)
    return _verdict_2d(float(np.linalg.norm(g)), critical, curvature)


def _verdict_1d(slope: float, second: float, critical: bool, curvature: Classification) -> PointVerdict:
    eps, tau = _num(GRADIENT_TOLERANCE), _num(CURVATURE_TOLERANCE)
    if not critical:
        way = "right" if slope < 0 else "left"
        words = (f"f′(x) = {_num(slope)} ≠ 0: not a critical point — the slope is {_num(slope)}, "
                 f"so descent moves {way}")
        return PointVerdict("not critical", False, slope, curvature, words)
    head = f"f′(x) ≈ 0 (|f′| ≤ {eps}): a critical point; "
    if curvature.kind == "minimum":
        kind, tail = "minimum", f"f″(x) = {_num(second)} > 0: a minimum"
    elif curvature.kind == "maximum":
        kind, tail = "maximum", f"f″(x) = {_num(second)} < 0: a maximum"
    else:
        second_text = "f″(x) = 0" if second == 0 else f"f″(x) = {_num(second)} ≈ 0 (|f″| ≤ {tau})"
        kind, tail = "degenerate", f"{second_text}: degenerate — needs higher order (x³: inflection, x⁴: minimum)"
    return PointVerdict(kind, True, slope, curvature, head + tail)


def _verdict_2d(norm: float, critical: bool, curvature: Classification) -> PointVerdict:
    lam = f"λ = {_num(curvature.smallest)}, {_num(curvature.largest)}"
    if not critical:
        shape = {"minimum": "a bowl (both λ > 0)", "maximum": "a cap (both λ < 0)",
                 "saddle": "a saddle (λ of both signs)"}.get(curvature.kind, "flat in one direction (λ ≈ 0)")
        words = (f"‖∇f‖ = {_num(norm)} ≠ 0: not a critical point — −∇f points downhill; "
                 f"the curvature here is that of {shape} ({lam})")
        return PointVerdict("not critical", False, norm, curvature, words)
    words = f"‖∇f‖ ≈ 0 (≤ {_num(GRADIENT_TOLERANCE)}): a critical point; {curvature.description} ({lam})"
    return PointVerdict(curvature.kind, True, norm, curvature, words)
