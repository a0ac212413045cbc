"""Weight initialisers: how W^(k) (shape (n_{k-1}, n_k)) is drawn before training.

fan_in = n_{k-1}, fan_out = n_k. Biases start at 0 for every initialiser.
`zeros` makes every hidden unit identical and keeps them so: the symmetry problem.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from engine.core.errors import ConfigurationError

Initializer = Callable[[np.random.Generator, int, int, float], np.ndarray]


def xavier_uniform(rng, fan_in, fan_out, scale):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal(rng, fan_in, fan_out, scale):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


def he_uniform(rng, fan_in, fan_out, scale):
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal(rng, fan_in, fan_out, scale):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def uniform(rng, fan_in, fan_out, scale):
    """w ~ U(−a, a) with a = `scale` (2a must be a finite float)."""
    if not (0 <= scale and np.isfinite(2.0 * scale)):
        raise ConfigurationError(f"uniform init scale must be ≥ 0 with 2 × scale finite, got {scale!r}")
    return rng.uniform(-scale, scale, size=(fan_in, fan_out))


def zeros(rng, fan_in, fan_out, scale):
    return np.zeros((fan_in, fan_out))


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f for f in (xavier_uniform, xavier_normal, he_uniform, he_normal, uniform, zeros)
}
DEFAULT_UNIFORM_SCALE = 0.5


def get(name: str) -> Initializer:
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        raise ConfigurationError(
            f"unknown initialiser {name!r}; choose one of {', '.join(INITIALIZERS)}"
        ) from None
