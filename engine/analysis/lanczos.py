"""Extreme eigenvalues of a symmetric operator from matrix-vector products alone: Lanczos.

From a start vector q₁, k steps build an orthonormal basis Q = [q₁ … q_k] of the Krylov
space span{q₁, Hq₁, …, H^(k−1)q₁} and the tridiagonal T = QᵀHQ:
    w = H q_j − β_(j−1) q_(j−1),  α_j = q_jᵀ w,  w ← w − α_j q_j,  β_j = ‖w‖,  q_(j+1) = w / β_j
with full reorthogonalisation (w ← w − Q(Qᵀw), twice) so that rounding does not bring back
copies of converged eigenvectors. The eigenvalues of T (Ritz values) approach H's extreme
eigenvalues first; Q s, for an eigenvector s of T, is the Ritz vector. Memory: k vectors of P.
The Hessian is never formed: H enters only through `matvec` (an R-operator product).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from engine.analysis.steps import finish

DEFAULT_STEPS = 30
#: a new Krylov direction shorter than this (relative) means the space is exhausted
BREAKDOWN = 1e-10


@dataclass(frozen=True)
class LanczosResult:
    """Ritz values (ascending) of the k-step Lanczos tridiagonal, their vectors (P, k) and the residuals."""

    eigenvalues: np.ndarray
    vectors: np.ndarray
    residuals: np.ndarray  # ‖H u − θ u‖ bound per Ritz pair: β_k |s_k|
    steps: int

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[-1])


def lanczos_steps(matvec: Callable[[np.ndarray], np.ndarray], P: int, steps: int = DEFAULT_STEPS,
                  seed: int = 0) -> Iterator[tuple[int, float, float]]:
    """A generator yielding (step, current smallest, current largest Ritz value) after each
    product, returning a LanczosResult. The start vector is Gaussian from `seed` (own generator)."""
    k_max = max(1, min(int(steps), P))
    Q = np.zeros((k_max + 1, P))
    q = np.random.default_rng(seed).standard_normal(P)
    Q[0] = q / np.linalg.norm(q)
    alpha, beta = np.zeros(k_max), np.zeros(k_max)
    k = 0
    for j in range(k_max):
        w = np.asarray(matvec(Q[j]), dtype=np.float64)
        alpha[j] = Q[j] @ w
        for _ in range(2):  # full reorthogonalisation, "twice is enough"
            w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
        beta[j] = np.linalg.norm(w)
        k = j + 1
        ritz = _ritz_values(alpha[:k], beta[: k - 1])
        yield k, float(ritz[0]), float(ritz[-1])
        if beta[j] <= BREAKDOWN * max(1.0, np.abs(alpha[:k]).max()):
            break
        Q[j + 1] = w / beta[j]
    values, S = _tridiagonal_eigen(alpha[:k], beta[: k - 1])
    return LanczosResult(values, Q[:k].T @ S, np.abs(beta[k - 1] * S[-1]), k)


def _tridiagonal(alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)


def _ritz_values(alpha, beta) -> np.ndarray:
    return np.linalg.eigvalsh(_tridiagonal(alpha, beta))


def _tridiagonal_eigen(alpha, beta) -> tuple[np.ndarray, np.ndarray]:
    return np.linalg.eigh(_tridiagonal(alpha, beta))


def lanczos(matvec, P: int, steps: int = DEFAULT_STEPS, seed: int = 0) -> LanczosResult:
    """Run `lanczos_steps` to the end."""
    return finish(lanczos_steps(matvec, P, steps, seed))

