"""Derived input features: y^(0) = (x, φ_1(x), …, φ_F(x)) — the "features or hidden layers?" lesson.

For 2-D inputs x = (x1, x2):  x1^2, x2^2, x1*x2, sin(x1), sin(x2).
For 1-D inputs x:             x^2, x^3, sin(x).

They are computed from the inputs as the network sees them (after standardisation, if the
experiment standardises), appended after the D original columns in the order given, and not
standardised again. The experiment names them in `network.input_features`; n_0 = D + F.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.core.errors import ConfigurationError


@dataclass(frozen=True)
class Feature:
    name: str
    label: str  # as the views write it
    inputs: int  # the input dimension D it is defined for
    compute: Callable[[np.ndarray], np.ndarray]  # X (T, D) -> (T,)


FEATURES: dict[str, Feature] = {f.name: f for f in (
    Feature("x1^2", "x₁²", 2, lambda X: X[:, 0] ** 2),
    Feature("x2^2", "x₂²", 2, lambda X: X[:, 1] ** 2),
    Feature("x1*x2", "x₁·x₂", 2, lambda X: X[:, 0] * X[:, 1]),
    Feature("sin(x1)", "sin x₁", 2, lambda X: np.sin(X[:, 0])),
    Feature("sin(x2)", "sin x₂", 2, lambda X: np.sin(X[:, 1])),
    Feature("x^2", "x²", 1, lambda X: X[:, 0] ** 2),
    Feature("x^3", "x³", 1, lambda X: X[:, 0] ** 3),
    Feature("sin(x)", "sin x", 1, lambda X: np.sin(X[:, 0])),
)}


def available(n_inputs: int) -> tuple[str, ...]:
    """The feature names defined for D = n_inputs (none for D > 2)."""
    return tuple(name for name, f in FEATURES.items() if f.inputs == n_inputs)


def check(names, n_inputs: int) -> tuple[str, ...]:
    """The names, checked for this input dimension (ConfigurationError says which exist)."""
    names = tuple(names)
    if len(set(names)) != len(names):
        raise ConfigurationError("an input feature is listed twice")
    for name in names:
        feature = FEATURES.get(name)
        if feature is None or feature.inputs != n_inputs:
            offered = ", ".join(available(n_inputs)) or "none (they are defined for 1-D and 2-D inputs)"
            raise ConfigurationError(f"input feature {name!r} is not defined for {n_inputs}-D inputs; "
                                     f"available: {offered}")
    return names


def expand(X: np.ndarray, names) -> np.ndarray:
    """(T, D + F): the D inputs followed by each named feature of them, in X's dtype."""
    names = check(names, X.shape[1])
    if not names:
        return X
    out = np.empty((X.shape[0], X.shape[1] + len(names)), dtype=X.dtype)
    out[:, : X.shape[1]] = X
    for j, name in enumerate(names):
        out[:, X.shape[1] + j] = FEATURES[name].compute(X)
    return out


def labels(names) -> tuple[str, ...]:
    return tuple(FEATURES[n].label for n in names)
