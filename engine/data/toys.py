"""The seeded built-in toy generators (`BUILTIN`: name → `DatasetSpec`).

Input convention for every built-in generator: the noise-free inputs lie in [-1, 1] per
coordinate (noise may push points slightly outside). `noise` is always the standard deviation
of Gaussian jitter: added to the inputs for classification sets (for `gaussians` and `blobs`
the noise-free point is the cluster centre, so `noise` is the cluster spread) and added to the
target y = g(x) for regression sets. All randomness comes from `np.random.default_rng(seed)`,
so the same parameters and seed give identical arrays.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from engine.core.errors import ConfigurationError
from engine.core.network import MAX_SEED
from engine.data.dataset import MAX_SAMPLES, Dataset


@dataclass(frozen=True)
class DatasetSpec:
    """What a built-in generator makes: its parameters' defaults, problem kind and input size.

    `target_function` (regression only) is the noise-free g: X (T, D) -> (T, 1), for drawing g(x).
    """

    name: str
    problem: str
    description: str
    defaults: Mapping[str, object]
    input_dim: int
    generator: Callable[..., Dataset] = field(repr=False, compare=False)
    target_function: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)


BUILTIN: dict[str, DatasetSpec] = {}


# ---- parameter checking ---------------------------------------------------------------

def _check_int(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigurationError(f"{name} must be a whole number, got {value!r}")
    if not low <= int(value) <= high:
        raise ConfigurationError(f"{name} must be between {low} and {high:_}, got {value}")
    return int(value)


def _check_float(name: str, value, low: float, high: float = math.inf, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ConfigurationError(f"{name} must be a finite number, got {value!r}")
    value = float(value)
    if value < low or (low_open and value == low) or value > high:
        bound = f"> {low}" if low_open else f">= {low}"
        raise ConfigurationError(f"{name} must be {bound}" + (f" and <= {high}" if high < math.inf else "") + f", got {value}")
    return value


#: the largest noise (standard deviation, in the units of the points, which lie within about ±1): beyond
#: it the points are noise alone, and at ~1e300 the jitter overflows to inf
MAX_NOISE = 1e6

_CHECKS = {
    "samples": lambda v: _check_int("samples", v, 1, MAX_SAMPLES),
    "noise": lambda v: _check_float("noise", v, 0.0, MAX_NOISE),
    "classes": lambda v: _check_int("classes", v, 2, 100),
    "turns": lambda v: _check_float("turns", v, 0.0, 10.0, low_open=True),
    "cells": lambda v: _check_int("cells", v, 2, 32),
    "factor": lambda v: _check_float("factor", v, 0.0, 0.99, low_open=True),
    "seed": lambda v: _check_int("seed", v, 0, MAX_SEED),
}


def _builtin(name: str, problem: str, description: str, input_dim: int, target_function=None, **defaults):
    """Register a raw generator `raw(rng, samples, noise, **extra)` under `name`, with checked parameters."""

    def register(raw):
        @functools.wraps(raw)
        def generator(samples=defaults["samples"], noise=defaults["noise"], seed=0, **extra) -> Dataset:
            params = {"samples": samples, "noise": noise, **{k: defaults[k] for k in defaults if k not in ("samples", "noise")}}
            for key, value in extra.items():
                if key not in defaults:
                    raise ConfigurationError(
                        f"dataset {name!r} has no parameter {key!r}; it takes {', '.join(['seed', *defaults])}")
                params[key] = value
            params = {key: _CHECKS[key](value) for key, value in params.items()}
            rng = np.random.default_rng(_CHECKS["seed"](seed))
            X, y = raw(rng, **params)
            if problem == "regression":
                return Dataset(X, targets=y, problem=problem, name=name)
            classes = tuple(str(k) for k in range(params.get("classes", 2)))
            return Dataset(X, labels=y, problem=problem, class_names=classes, name=name)

        BUILTIN[name] = DatasetSpec(name, problem, description, MappingProxyType(dict(defaults)),
                                    input_dim, generator, target_function)
        return generator

    return register


def generate(name: str, **params) -> Dataset:
    """Make the built-in dataset `name` with the given samples, noise, seed and extra parameters."""
    spec = BUILTIN.get(name)
    if spec is None:
        raise ConfigurationError(f"unknown dataset {name!r}; built-in datasets are {', '.join(BUILTIN)}")
    return spec.generator(**params)


def regression_function(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The noise-free g of a built-in regression set: X (T, D) -> (T, 1)."""
    spec = BUILTIN.get(name)
    if spec is None or spec.target_function is None:
        raise ConfigurationError(f"{name!r} is not a built-in regression dataset")
    return spec.target_function


# ---- helpers --------------------------------------------------------------------------

def _class_counts(samples: int, classes: int) -> np.ndarray:
    """Balanced class sizes: they differ by at most one."""
    counts = np.full(classes, samples // classes)
    counts[: samples % classes] += 1
    return counts


def _balanced_labels(rng: np.random.Generator, samples: int, classes: int) -> np.ndarray:
    """Class labels with balanced counts, in shuffled order."""
    return rng.permutation(np.repeat(np.arange(classes), _class_counts(samples, classes)))


def _jitter(rng: np.random.Generator, X: np.ndarray, noise: float) -> np.ndarray:
    return X + noise * rng.standard_normal(X.shape) if noise > 0 else X


# ---- binary 2-D -----------------------------------------------------------------------

@_builtin("xor", "binary", "XOR: class 1 in the 2nd and 4th quadrants of [-1, 1]^2", 2, samples=200, noise=0.05)
def xor(rng, samples, noise):
    y = _balanced_labels(rng, samples, 2)
    magnitude = rng.uniform(0.0, 1.0, (samples, 2))
    sign1 = rng.choice([-1.0, 1.0], samples)
    sign2 = np.where(y == 1, -sign1, sign1)
    return _jitter(rng, magnitude * np.stack([sign1, sign2], axis=1), noise), y


@_builtin("circles", "binary", "Two concentric rings: outer radius 1 (class 0), inner radius `factor` (class 1)", 2,
          samples=200, noise=0.05, factor=0.5)
def circles(rng, samples, noise, factor):
    y = _balanced_labels(rng, samples, 2)
    angle = rng.uniform(0.0, 2 * np.pi, samples)
    radius = np.where(y == 1, factor, 1.0)
    return _jitter(rng, radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), noise), y


@_builtin("moons", "binary", "Two interleaving half circles, scaled into [-1, 1] x [-0.5, 0.5]", 2,
          samples=200, noise=0.05)
def moons(rng, samples, noise):
    y = _balanced_labels(rng, samples, 2)
    t = rng.uniform(0.0, np.pi, samples)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = (np.where((y == 1)[:, None], lower, upper) - [0.5, 0.25]) / 1.5
    return _jitter(rng, X, noise), y


def _spiral_arms(rng, samples, noise, classes, turns):
    y = _balanced_labels(rng, samples, classes)
    t = rng.uniform(0.0, 1.0, samples)
    radius = 0.05 + 0.95 * t
    angle = 2 * np.pi * (turns * t + y / classes)
    return _jitter(rng, radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), noise), y


@_builtin("spirals", "binary", "Two interleaved spiral arms of radius up to 1", 2, samples=300, noise=0.02, turns=1.25)
def spirals(rng, samples, noise, turns):
    return _spiral_arms(rng, samples, noise, 2, turns)


@_builtin("gaussians", "binary", "Two Gaussian clouds centred at (-0.5, -0.5) and (0.5, 0.5); noise = spread", 2,
          samples=200, noise=0.3)
def gaussians(rng, samples, noise):
    y = _balanced_labels(rng, samples, 2)
    centres = np.where((y == 1)[:, None], 0.5, -0.5) * np.ones((samples, 2))
    return _jitter(rng, centres, noise), y


@_builtin("checkerboard", "binary", "Checkerboard of `cells` x `cells` squares on [-1, 1]^2, alternating classes", 2,
          samples=400, noise=0.0, cells=4)
def checkerboard(rng, samples, noise, cells):
    y = _balanced_labels(rng, samples, 2)
    # Pick a square of the example's colour, then a uniform point inside it.
    row = rng.integers(0, cells, samples)
    col = (2 * rng.integers(0, (cells + 1) // 2, samples) + (row + y) % 2)
    col = np.where(col >= cells, col - 2, col)  # odd `cells`: fold the missing last square back
    corner = np.stack([col, row], axis=1) + rng.uniform(0.0, 1.0, (samples, 2))
    return _jitter(rng, 2.0 * corner / cells - 1.0, noise), y


# ---- multi-class 2-D ------------------------------------------------------------------

@_builtin("spirals_k", "multiclass", "Interleaved spiral arms, one per class, of radius up to 1", 2,
          samples=300, noise=0.02, classes=3, turns=1.0)
def spirals_k(rng, samples, noise, classes, turns):
    return _spiral_arms(rng, samples, noise, classes, turns)


@_builtin("blobs", "multiclass", "`classes` Gaussian clusters on a circle of radius 0.6; noise = spread", 2,
          samples=300, noise=0.15, classes=3)
def blobs(rng, samples, noise, classes):
    y = _balanced_labels(rng, samples, classes)
    angle = np.pi / 2 + 2 * np.pi * y / classes
    return _jitter(rng, 0.6 * np.stack([np.cos(angle), np.sin(angle)], axis=1), noise), y


# ---- regression -----------------------------------------------------------------------

def _regression(name, description, g, input_dim=1, samples=100, noise=0.05):
    """Register y = g(x) + noise with x uniform on [-1, 1]^input_dim."""

    def target_function(X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1 and input_dim == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != input_dim:
            raise ConfigurationError(f"{name}: g expects inputs of shape (T, {input_dim}), got {X.shape}")
        return g(X).reshape(-1, 1)

    def raw(rng, samples, noise):
        X = rng.uniform(-1.0, 1.0, (samples, input_dim))
        return X, _jitter(rng, target_function(X), noise)

    raw.__name__ = raw.__qualname__ = name
    raw.__doc__ = f"{description}."
    return _builtin(name, "regression", description, input_dim, target_function, samples=samples, noise=noise)(raw)


sine = _regression("sine", "y = sin(pi x) on [-1, 1]", lambda X: np.sin(np.pi * X[:, 0]))
abs_ = _regression("abs", "y = |x| on [-1, 1]", lambda X: np.abs(X[:, 0]))
step = _regression("step", "y = -1 for x < 0, +1 for x >= 0, on [-1, 1]", lambda X: np.where(X[:, 0] < 0, -1.0, 1.0))
cubic = _regression("cubic", "y = 4x^3 - 3x on [-1, 1] (two bends)", lambda X: 4 * X[:, 0] ** 3 - 3 * X[:, 0])
plane = _regression("plane", "y = 0.6 x1 - 0.4 x2 + 0.2 on [-1, 1]^2",
                    lambda X: 0.6 * X[:, 0] - 0.4 * X[:, 1] + 0.2, input_dim=2, samples=200)
bump = _regression("bump", "y = exp(-|x|^2 / 0.18), a Gaussian bump at the origin of [-1, 1]^2",
                   lambda X: np.exp(-(X ** 2).sum(axis=1) / 0.18), input_dim=2, samples=200)
