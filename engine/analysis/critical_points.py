"""What kind of point θ is, from the eigenvalues λ_i of the Hessian (the second-derivative test).

    all λ_i > 0: minimum      all λ_i < 0: maximum      some of each: saddle
    otherwise (some λ_i ≈ 0, the rest of one sign): degenerate, the test needs higher order
           (x³ and x⁴ at 0 both have f'' = 0: an inflection and a minimum)

"≈ 0" means |λ| ≤ tolerance; the default is TOLERANCE · max|λ| (plus a floor), and it is
reported with the counts. The test speaks of critical points (∇L = 0); away from one it
still describes the curvature, and `gradient_norm` says how far from critical θ is.

The step-size rule: on a quadratic with curvature λ along an eigenvector, gradient descent
multiplies the error along it by (1 − ηλ) per step, so it converges iff η·λ_max < 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-6  # relative to max |λ|
FLOOR = 1e-12


@dataclass(frozen=True)
class Classification:
    """The second-derivative test's verdict at one point."""

    kind: str  # "minimum", "maximum", "saddle" or "degenerate"
    negative: int
    zero: int
    positive: int
    tolerance: float
    smallest: float
    largest: float
    condition_number: float  # max|λ| / min|λ| (inf if some λ ≈ 0)
    complete: bool = True  # False: only some (extreme) eigenvalues were known
    gradient_norm: float = math.nan

    @property
    def description(self) -> str:
        """The verdict in words, e.g. "saddle: 3 directions still descend"."""
        some = "" if self.complete else "at least "
        if self.kind == "minimum":
            text = "minimum: every direction curves upwards"
        elif self.kind == "maximum":
            text = "maximum: every direction curves downwards"
        elif self.kind == "saddle":
            n = self.negative
            text = f"saddle: {some}{n} direction{'s' if n != 1 else ''} still descend{'s' if n == 1 else ''}"
        else:
            n = self.zero
            text = (f"degenerate: {some}{n} flat direction{'s' if n != 1 else ''} (|λ| ≤ {self.tolerance:.2g}), "
                    "needs higher order")
        if not self.complete and self.kind in ("minimum", "maximum"):
            text = text.split(":")[0] + " (from the extreme eigenvalues only)"
        return text


def classify(eigenvalues, tolerance: float | None = None, complete: bool = True,
             gradient_norm: float = math.nan) -> Classification:
    """Classify from eigenvalues (all of them, or with complete=False the extreme ones found)."""
    lam = np.sort(np.asarray(eigenvalues, dtype=np.float64).ravel())
    if lam.size == 0:
        raise ValueError("classify needs at least one eigenvalue")
    scale = float(np.abs(lam).max())
    tol = TOLERANCE * scale + FLOOR if tolerance is None else float(tolerance)
    neg, pos = int((lam < -tol).sum()), int((lam > tol).sum())
    zero = lam.size - neg - pos
    if neg and pos:
        kind = "saddle"
    elif zero:
        kind = "degenerate"
    else:
        kind = "minimum" if pos else "maximum"
    smallest_magnitude = float(np.abs(lam).min())
    kappa = math.inf if smallest_magnitude <= tol else scale / smallest_magnitude
    return Classification(kind, neg, zero, pos, tol, float(lam[0]), float(lam[-1]), kappa, complete, gradient_norm)


@dataclass(frozen=True)
class StepSizeRule:
    """η·λ_max against the limit 2 of gradient descent on a quadratic."""

    learning_rate: float
    largest: float

    @property
    def product(self) -> float:
        """η·λ_max."""
        return self.learning_rate * self.largest

    @property
    def limit(self) -> float:
        """2/λ_max: the largest stable step (inf where no direction curves upwards)."""
        return 2.0 / self.largest if self.largest > 0 else math.inf

    @property
    def stable(self) -> bool:
        return self.product < 2.0

    @property
    def warning(self) -> str:
        """Empty while η·λ_max < 2, otherwise the reason gradient descent oscillates and diverges."""
        if self.stable:
            return ""
        return (f"η·λ_max = {self.product:.3g} > 2: along the steepest eigenvector each step overshoots "
                f"(factor |1 − ηλ| = {abs(1 - self.product):.3g}); use η < {self.limit:.3g}")


def step_size_rule(learning_rate: float, largest: float) -> StepSizeRule:
    return StepSizeRule(float(learning_rate), float(largest))
