"""Divergences Div(y, d) between the network output y = y^(N) and the target d.

Each divergence gives the value per sample t and the gradient ∂Div/∂y per sample; the
training loss is the batch mean, the lecture's (1/T) Σ_t Div(y_t, d_t).

Targets d are arrays shaped like y: one-hot rows (or smoothed rows) for classification,
real values for regression. Class indices (T,) become one-hot rows; with label smoothing ε
(any divergence: the lecture smooths the target vector itself) the true class gets 1 − (K−1)ε
and every other class ε. One output unit is two classes (K = 2): d ∈ {ε, 1 − ε}. Smoothing
applies to class labels only; regression targets with ε > 0 are refused.

Cross-entropy and KL compare probability vectors; on a single output unit −d log y ignores
every example with d = 0, so `check_outputs` refuses them there (bce is the one-output form).

Logarithms are taken of max(y, ε_machine-tiny) so that y = 0 gives a large finite value,
never inf or a warning. Any divergence may follow any output activation.
"""

from __future__ import annotations

import numpy as np

from engine.core.activations import Activation
from engine.core.errors import ConfigurationError
from engine.core.targets import encode_targets

_FLOOR = {np.dtype(t): float(np.finfo(t).tiny) ** 0.5 for t in (np.float32, np.float64)}
_CEILING = {np.dtype(t): 1.0 - float(np.finfo(t).epsneg) for t in (np.float32, np.float64)}


def _floor(dtype: np.dtype) -> float:
    """Smallest probability a log is taken of (keeps −log y finite)."""
    return _FLOOR.get(dtype, _FLOOR[np.dtype(np.float64)])


def _probabilities(y: np.ndarray) -> np.ndarray:
    """y clipped into [floor, 1 − ε] (a new array), so log y and log(1 − y) stay finite."""
    p = np.maximum(y, _floor(y.dtype))
    return np.minimum(p, _CEILING.get(y.dtype, _CEILING[np.dtype(np.float64)]), out=p)


def _row_sums(a: np.ndarray) -> np.ndarray:
    """Σ_i a[t, i] for every row t (the one column itself for one output: the same values, one call fewer)."""
    return a[:, 0] if a.shape[1] == 1 else np.add.reduce(a, axis=1)


class Divergence:
    """Div(y, d) per sample and its gradient ∂Div/∂y."""

    name: str = ""
    description: str = ""  # what the GUI calls it
    formula: str = ""  # Div(y, d) in lecture notation, as the GUI shows it
    label_smoothing: float = 0.0

    def __init__(self, label_smoothing: float = 0.0):
        self.label_smoothing = check_label_smoothing(label_smoothing)

    def targets(self, d: np.ndarray, n_outputs: int, dtype=np.float64) -> np.ndarray:
        """The target matrix D (T, n_outputs): class indices one-hot encoded and smoothed, values as given."""
        d = np.asarray(d)
        eps = self.label_smoothing
        if d.ndim != 1:
            if eps:
                raise ConfigurationError(f"label smoothing (ε = {eps:g}) applies to class labels; these targets are "
                                         "real values (regression), so set label_smoothing to 0")
            return np.ascontiguousarray(d, dtype=dtype)
        d = encode_targets(d, n_outputs, dtype)
        if eps:  # true class: (1 − Kε) + ε = 1 − (K−1)ε ; others: ε
            K = max(n_outputs, 2)
            if K * eps >= 1:
                raise ConfigurationError(f"label smoothing ε = {eps:g} with {K} classes gives the true class "
                                         f"1 − (K−1)ε = {1 - (K - 1) * eps:g}, no more than the others' ε; "
                                         f"use ε < 1/K = {1 / K:g}")
            d = d * (1.0 - K * eps) + eps
        return np.ascontiguousarray(d, dtype=dtype)

    def check_outputs(self, n_outputs: int) -> None:
        """Refuse an output layer this divergence cannot train (ConfigurationError with the reason)."""

    def value(self, y: np.ndarray, d: np.ndarray) -> np.ndarray:
        """Div(y_t, d_t) for every sample t: shape (B,)."""
        raise NotImplementedError

    def gradient(self, y: np.ndarray, d: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """∂Div/∂y for every sample: shape (B, n_N)."""
        raise NotImplementedError

    def fused_dz(self, activation: Activation) -> bool:
        """True where ∂Div/∂z^(N) = y − d exactly (the shortcut the trainer may take)."""
        return False

    def loss(self, y: np.ndarray, d: np.ndarray) -> float:
        """The batch mean (1/B) Σ_t Div(y_t, d_t)."""
        return float(self.value(y, d).mean())

    def __repr__(self) -> str:
        return f"<divergence {self.name}>"


class L2(Divergence):
    name, description, formula = "l2", "L2", "Div = ½ ‖y − d‖²"

    def value(self, y, d):
        r = y - d
        return 0.5 * np.einsum("ij,ij->i", r, r)

    def gradient(self, y, d, out=None):
        return np.subtract(y, d, out=out)


class BinaryCrossEntropy(Divergence):
    name, description, formula = "bce", "binary cross-entropy", "Div = −Σ_i [d_i log y_i + (1 − d_i) log(1 − y_i)]"

    def value(self, y, d):
        p = _probabilities(y)
        # −[d log p + (1 − d) log(1 − p)] = −[d (log p − log(1 − p)) + log(1 − p)]
        log_q = np.log1p(-p)
        np.log(p, out=p)
        p -= log_q
        p *= d
        p += log_q
        return -_row_sums(p)

    def gradient(self, y, d, out=None):
        p = _probabilities(y)
        # −d/y + (1 − d)/(1 − y) = (y − d) / (y (1 − y))
        q = np.subtract(1.0, p)
        q *= p
        out = np.subtract(y, d, out=out)
        return np.divide(out, q, out=out)

    def fused_dz(self, activation):
        return activation.name == "sigmoid"


def _needs_two_outputs(name: str, n_outputs: int) -> None:
    if n_outputs < 2:
        raise ConfigurationError(f"{name} on a single output unit ignores every example with d = 0 (−d log y = 0), "
                                 "so the model only learns y → 1; use bce with one sigmoid output, or two outputs "
                                 "with softmax")


class CrossEntropy(Divergence):
    name, description, formula = "cross_entropy", "cross-entropy (targets smoothed by ε)", "Div = −Σ_i d_i log y_i"

    def check_outputs(self, n_outputs):
        _needs_two_outputs(self.name, n_outputs)

    def value(self, y, d):
        d = self._as_rows(d, y.shape[1])
        logs = np.log(np.maximum(y, _floor(y.dtype)))
        logs *= d
        return -np.add.reduce(logs, axis=1)

    def gradient(self, y, d, out=None):
        d = self._as_rows(d, y.shape[1])
        out = np.maximum(y, _floor(y.dtype), out=out)
        np.divide(d, out, out=out)
        return np.negative(out, out=out)

    def _as_rows(self, d, k):
        return self.targets(d, k, np.float64) if np.ndim(d) == 1 else d

    def fused_dz(self, activation):
        return activation.name == "softmax"


class KL(Divergence):
    name, description, formula = "kl", "Kullback–Leibler", "Div = Σ_i d_i log(d_i / y_i),  0 log 0 = 0"

    def check_outputs(self, n_outputs):
        _needs_two_outputs(self.name, n_outputs)

    def value(self, y, d):
        lo = _floor(y.dtype)
        safe_d = np.where(d > 0, d, 1.0)
        return (d * (np.log(safe_d) - np.log(np.maximum(y, lo)))).sum(axis=1)

    def gradient(self, y, d, out=None):
        out = np.maximum(y, _floor(y.dtype), out=out)
        np.divide(d, out, out=out)
        return np.negative(out, out=out)


DIVERGENCES: dict[str, type[Divergence]] = {
    c.name: c for c in (L2, BinaryCrossEntropy, CrossEntropy, KL)
}


SMOOTHING_FORMULA = "true class d_i = 1 − (K−1)ε, every other class d_i = ε"  # the lecture's smoothed one-hot


def check_label_smoothing(eps: float) -> float:
    eps = float(eps)
    if not 0.0 <= eps < 0.5:
        raise ConfigurationError(f"label_smoothing must be in [0, 0.5), got {eps}")
    return eps


def get(name: str | Divergence, label_smoothing: float = 0.0) -> Divergence:
    """The divergence called `name` (one of DIVERGENCES) with label smoothing ε on its class targets."""
    if isinstance(name, Divergence):
        return name
    try:
        cls = DIVERGENCES[name]
    except (KeyError, TypeError):
        raise ConfigurationError(
            f"unknown divergence {name!r}; choose one of {', '.join(DIVERGENCES)}"
        ) from None
    return cls(label_smoothing)
