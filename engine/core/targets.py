"""Target encoding: the desired outputs d the divergence compares y = y^(N) with.

Classification labels become d = one-hot(label) (K outputs), or d ∈ {0, 1} for one output.
"""

from __future__ import annotations

import numbers

import numpy as np

from engine.core.errors import ConfigurationError


def encode_targets(labels, n_outputs: int, dtype=np.float64) -> np.ndarray:
    """Desired outputs d for class labels: (T, 1) with 0/1 when n_outputs == 1, else one-hot (T, n_outputs)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not (np.issubdtype(labels.dtype, np.integer) or labels.size == 0):
        raise ConfigurationError(f"class labels must be a 1-D integer array, got {labels.dtype} of shape {labels.shape}")
    if isinstance(n_outputs, bool) or not isinstance(n_outputs, numbers.Integral) or n_outputs < 1:
        raise ConfigurationError(f"n_outputs must be a positive whole number, got {n_outputs!r}")
    if labels.size and labels.min() < 0:
        raise ConfigurationError(f"class labels must not be negative, found {labels.min()}")
    if n_outputs == 1:
        if labels.size and labels.max() > 1:
            raise ConfigurationError(f"one output unit can only encode two classes (0/1), found label {labels.max()}")
        return labels.astype(dtype).reshape(-1, 1)
    if labels.size and labels.max() >= n_outputs:
        raise ConfigurationError(f"label {labels.max()} does not fit {n_outputs} output units (one-hot)")
    encoded = np.zeros((labels.size, n_outputs), dtype=dtype)
    encoded[np.arange(labels.size), labels] = 1
    return encoded
