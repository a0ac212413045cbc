"""An objective f: ℝⁿ → ℝ (n = 1 or 2) from an expression, with its exact gradient and Hessian,
and the second-derivative test at a point.

Points are arrays whose last axis holds the coordinates (x) or (x, y), so a whole grid
evaluates at once: `value(P)` has P's shape without the last axis, `gradient(P)` P's shape,
`hessian(P)` P's shape plus one more axis of n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis.critical_points import Classification, classify
from engine.objectives.calculus import derivative
from engine.objectives.expression import ExpressionError, evaluate, parse, variables


@dataclass(frozen=True)
class Objective:
    """f given by `expression` in the variables x (and y)."""

    name: str
    expression: str
    dimension: int
    tree: tuple
    gradient_trees: tuple
    hessian_trees: tuple
    view: tuple[float, float, float, float] = (-2.0, 2.0, -2.0, 2.0)  # x range, y range to draw
    start: tuple[float, ...] = (1.5,)

    @property
    def names(self) -> tuple[str, ...]:
        return ("x", "y")[: self.dimension]

    def _env(self, points) -> tuple[dict, tuple]:
        p = np.asarray(points, dtype=np.float64)
        if p.ndim == 0 or p.shape[-1] != self.dimension:
            raise ValueError(f"points need a last axis of {self.dimension}, got shape {p.shape}")
        return {n: p[..., i] for i, n in enumerate(self.names)}, p.shape[:-1]

    def _eval(self, tree, env, shape) -> np.ndarray:
        return np.broadcast_to(np.asarray(evaluate(tree, env), dtype=np.float64), shape)

    def value(self, points) -> np.ndarray:
        env, shape = self._env(points)
        return self._eval(self.tree, env, shape).copy()

    def gradient(self, points) -> np.ndarray:
        env, shape = self._env(points)
        return np.stack([self._eval(t, env, shape) for t in self.gradient_trees], axis=-1)

    def hessian(self, points) -> np.ndarray:
        env, shape = self._env(points)
        rows = [np.stack([self._eval(t, env, shape) for t in row], axis=-1) for row in self.hessian_trees]
        return np.stack(rows, axis=-2)

    def classify(self, point, tolerance: float | None = None) -> Classification:
        """The second-derivative test at one point (tolerance: see engine.analysis.critical_points)."""
        H = self.hessian(point)
        g = self.gradient(point)
        return classify(np.linalg.eigvalsh(H), tolerance, gradient_norm=float(np.linalg.norm(g)))

    def curvature_axes(self, point) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (ascending) and unit eigenvectors (columns) of the Hessian at a point."""
        return np.linalg.eigh(self.hessian(point))


def objective(expression: str, name: str | None = None, dimension: int | None = None, view=None,
              start=None) -> Objective:
    """Parse an expression in x (and y) into an Objective; ExpressionError names the position of a fault."""
    tree = parse(expression)
    used = variables(tree)
    n = dimension or (2 if "y" in used else 1)
    if n == 1 and "y" in used:
        raise ExpressionError("a 1-D objective may use x only")
    names = ("x", "y")[:n]
    grads = tuple(derivative(tree, v) for v in names)
    hess = tuple(tuple(derivative(g, v) for v in names) for g in grads)
    view = tuple(view) if view is not None else ((-2.0, 2.0, -2.0, 2.0))
    start = tuple(start) if start is not None else (1.5,) * n
    if len(start) != n:
        raise ExpressionError(f"the start point needs {n} coordinates, got {len(start)}")
    return Objective(name or expression, expression, n, tree, grads, hess, view, start)
