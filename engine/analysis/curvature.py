"""The curvature report at θ: the Hessian's spectrum (dense when small, Lanczos extremes when large),
the gradient, the second-derivative test and the eigenvectors a landscape can use as axes.

Up to `dense_limit` parameters H is formed exactly (R-operator products with the unit
vectors) and fully diagonalised; above it only the extreme eigenvalues are computed by
Lanczos on R-operator products (H never formed), and the counts cover only those.
`curvature_steps` is a generator (yielding progress in [0, 1]) for probes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.analysis.critical_points import Classification, classify
from engine.analysis.hessian import DENSE_LIMIT, dense_hessian_steps, hessian_vector_product
from engine.analysis.lanczos import lanczos_steps
from engine.analysis.steps import finish
from engine.analysis.training_loss import TrainingLoss


@dataclass(frozen=True)
class Curvature:
    """Eigenvalues (ascending; all of them when `dense`), their eigenvectors (P, m), H if formed."""

    P: int
    value: float
    gradient: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    hessian: np.ndarray | None
    classification: Classification

    @property
    def dense(self) -> bool:
        return self.hessian is not None

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[0])


def lanczos_step_count(top: int, P: int) -> int:
    """Lanczos steps for `top` extreme eigenvalues: enough for the ends of the spectrum to converge."""
    return min(P, max(30, 3 * top + 20))


def curvature_steps(loss: TrainingLoss, theta, top: int | None = None, dense_limit: int = DENSE_LIMIT,
                    seed: int = 0) -> Iterator[float]:
    """Yields progress; returns a Curvature. `top`: keep only the K smallest and K largest eigenvalues
    (and force Lanczos when K is given and P is above dense_limit)."""
    theta = np.asarray(theta, dtype=np.float64)
    P = theta.size
    if P <= dense_limit:
        H = yield from dense_hessian_steps(loss, theta)
        H = 0.5 * (H + H.T)
        values, vectors = np.linalg.eigh(H)
        complete = True
    else:
        hvp = hessian_vector_product(loss, theta)
        steps = lanczos_step_count(top or 2, P)
        result = yield from _progress(lanczos_steps(hvp, P, steps, seed), steps)
        values, vectors, H, complete = result.eigenvalues, result.vectors, None, False
    if top is not None and 2 * top < len(values):
        keep = np.r_[0:top, len(values) - top : len(values)]
        values, vectors = values[keep], vectors[:, keep]
    value, gradient = loss.gradient(theta)
    verdict = classify(values, complete=complete, gradient_norm=float(np.linalg.norm(gradient)))
    return Curvature(P, value, gradient, values, vectors, H, verdict)


def _progress(gen, steps: int):
    """Lanczos' (step, λ_min, λ_max) yields as fractions done; returns its result."""
    while True:
        try:
            k, _, _ = next(gen)
        except StopIteration as stop:
            return stop.value
        yield k / steps


def curvature(loss: TrainingLoss, theta, top: int | None = None, dense_limit: int = DENSE_LIMIT,
              progress=None, cancelled=None) -> Curvature:
    """The whole report; `progress(fraction)` and `cancelled()` as in engine.analysis.steps.finish."""
    return finish(curvature_steps(loss, theta, top, dense_limit), progress, cancelled)


def eigen_directions(report: Curvature, which: str = "largest") -> tuple[np.ndarray, np.ndarray]:
    """Two unit eigenvectors as landscape axes: of the two largest eigenvalues, or ("extremes") of λ_max and λ_min."""
    V = report.eigenvectors
    if which == "largest":
        return V[:, -1].copy(), V[:, -2].copy()
    if which == "extremes":
        return V[:, -1].copy(), V[:, 0].copy()
    raise ValueError(f"which must be 'largest' or 'extremes', got {which!r}")



def escape_point(loss: TrainingLoss, theta, report: Curvature, step: float = 0.1) -> np.ndarray:
    """θ + step·v_min along the eigenvector of the most negative eigenvalue (the saddle's way down),
    with the sign whose loss is lower; ValueError if no eigenvalue is negative."""
    if report.smallest >= -report.classification.tolerance:
        raise ValueError("no direction curves downwards: there is no saddle to step off")
    v = report.eigenvectors[:, 0] * step
    theta = np.asarray(theta, dtype=np.float64)
    up, down = theta + v, theta - v
    return up if loss.value(up) <= loss.value(down) else down
