"""Optimisers: how a gradient g = ∂loss/∂θ becomes a parameter update θ ← θ − Δ.

The update rules, defaults and hyperparameter meanings are those documented for PyTorch's
`torch.optim` (SGD, Adagrad, RMSprop, Adam), so results can be cross-checked. Every
hyperparameter is a plain attribute read at each update: change it between any two
iterations and the next update uses the new value (nothing is cached from the first step).

Optimisers act on the flat parameter vector θ of `Network.parameters`; their state
(momentum, squared-gradient averages) has the same layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from engine.core.errors import ConfigurationError


@dataclass
class Optimizer:
    """Base: `step(g, out)` writes the update Δ (θ ← θ − Δ) for gradient g into `out`."""

    learning_rate: float = 1e-3
    name = ""

    def __post_init__(self):
        self.validate()
        self._state: dict[str, np.ndarray] = {}
        self.t = 0  # updates taken so far

    def validate(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigurationError(f"optimizer {f.name} must be finite, got {value}")
        if self.learning_rate < 0:
            raise ConfigurationError(f"learning_rate must be ≥ 0, got {self.learning_rate}")
        for key in ("eps", "lr_decay"):  # a negative ε can divide by 0; a negative decay turns descent into ascent
            value = getattr(self, key, 0.0)
            if value < 0:
                raise ConfigurationError(f"{key} must be ≥ 0, got {value}")

    def hyperparameters(self) -> dict:
        """The hyperparameters by name (what an experiment file stores)."""
        return {"name": self.name, **{f.name: getattr(self, f.name) for f in fields(self)}}

    def set(self, **values) -> None:
        """Change hyperparameters; the next update uses them."""
        names = {f.name for f in fields(self)}
        for key in values:
            if key not in names:
                raise ConfigurationError(f"{self.name} has no hyperparameter {key!r}")
        old = {k: getattr(self, k) for k in values}
        for key, value in values.items():
            setattr(self, key, type(getattr(self, key))(value))
        try:
            self.validate()
        except ConfigurationError:
            for key, value in old.items():
                setattr(self, key, value)
            raise

    def state(self) -> tuple[int, dict[str, np.ndarray]]:
        """(t, the moment buffers by name): what continuing exactly needs besides θ."""
        return self.t, {name: buf.copy() for name, buf in self._state.items()}

    def load_state(self, t: int, buffers: dict[str, np.ndarray]) -> None:
        """Continue from a saved `state()`: the next update is the one after it."""
        self.t = int(t)
        self._state = {name: np.array(buf, copy=True) for name, buf in buffers.items()}

    def _buffer(self, name: str, like: np.ndarray) -> np.ndarray:
        buf = self._state.get(name)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = self._state[name] = np.zeros_like(like)
        return buf

    def step(self, g: np.ndarray, out: np.ndarray, lr: float) -> np.ndarray:
        raise NotImplementedError

    def update_bound(self, gradient_norm: float, lr: float) -> float:
        """An upper bound of every |Δ_i| and of lr for the next step, from ‖g‖ alone (inf: none known).

        Where it is finite and small, the trainer knows the update is finite without looking at it.
        """
        return math.inf


@dataclass
class SGD(Optimizer):
    """b ← μ b + g (b = g at the first step); Δ = lr · (g + μ b if nesterov else b)."""

    learning_rate: float = 1e-3
    momentum: float = 0.0
    nesterov: bool = False
    name = "sgd"

    def validate(self):
        super().validate()
        if not 0.0 <= self.momentum < 1.0:
            raise ConfigurationError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.nesterov and self.momentum <= 0:
            raise ConfigurationError("nesterov needs a momentum > 0")

    def step(self, g, out, lr):
        self.t += 1
        if self.momentum:
            b = self._state.get("momentum")
            if b is None:  # first step with momentum on: b = g, as torch.optim.SGD
                b = self._state["momentum"] = g.copy()
            else:
                b *= self.momentum
                b += g
            if self.nesterov:
                np.multiply(b, self.momentum, out=out)
                out += g
            else:
                np.copyto(out, b)
            out *= lr
        else:
            np.multiply(g, lr, out=out)
        return out

    def update_bound(self, gradient_norm, lr):
        # plain SGD: |Δ_i| = lr |g_i| ≤ lr ‖g‖ (and lr itself, cast to the parameters' dtype, must be finite)
        return math.inf if self.momentum else lr * max(gradient_norm, 1.0)


@dataclass
class Adagrad(Optimizer):
    """s ← s + g²;  Δ = lr / (1 + (t−1)·lr_decay) · g / (√s + ε)."""

    learning_rate: float = 1e-2
    lr_decay: float = 0.0
    eps: float = 1e-10
    name = "adagrad"

    def step(self, g, out, lr):
        self.t += 1
        s = self._buffer("sum", g)
        np.multiply(g, g, out=out)
        s += out
        np.sqrt(s, out=out)
        out += self.eps
        np.divide(g, out, out=out)
        out *= lr / (1.0 + (self.t - 1) * self.lr_decay)
        return out


@dataclass
class RMSprop(Optimizer):
    """v ← α v + (1−α) g²;  u = g / (√v + ε);  with momentum μ: b ← μ b + u, Δ = lr b; else Δ = lr u."""

    learning_rate: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    momentum: float = 0.0
    name = "rmsprop"

    def validate(self):
        super().validate()
        if not 0.0 <= self.alpha < 1.0:
            raise ConfigurationError(f"alpha must be in [0, 1), got {self.alpha}")
        if not 0.0 <= self.momentum < 1.0:
            raise ConfigurationError(f"momentum must be in [0, 1), got {self.momentum}")

    def step(self, g, out, lr):
        self.t += 1
        v = self._buffer("square_avg", g)
        v *= self.alpha
        np.multiply(g, g, out=out)
        out *= 1.0 - self.alpha
        v += out
        np.sqrt(v, out=out)
        out += self.eps
        np.divide(g, out, out=out)
        if self.momentum:
            b = self._buffer("momentum", g)
            b *= self.momentum
            b += out
            np.copyto(out, b)
        out *= lr
        return out


@dataclass
class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  Δ = lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)."""

    learning_rate: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    name = "adam"

    def validate(self):
        super().validate()
        for key in ("beta1", "beta2"):
            if not 0.0 <= getattr(self, key) < 1.0:
                raise ConfigurationError(f"{key} must be in [0, 1), got {getattr(self, key)}")

    def step(self, g, out, lr):
        self.t += 1
        m, v = self._buffer("exp_avg", g), self._buffer("exp_avg_sq", g)
        m *= self.beta1
        np.multiply(g, 1.0 - self.beta1, out=out)
        m += out
        v *= self.beta2
        np.multiply(g, g, out=out)
        out *= 1.0 - self.beta2
        v += out
        np.sqrt(v, out=out)
        out *= 1.0 / math.sqrt(1.0 - self.beta2**self.t)
        out += self.eps
        np.divide(m, out, out=out)
        out *= lr / (1.0 - self.beta1**self.t)
        return out


OPTIMIZERS: dict[str, type[Optimizer]] = {c.name: c for c in (SGD, Adagrad, RMSprop, Adam)}


def create(name: str, **hyperparameters) -> Optimizer:
    """A new optimiser `name` (one of OPTIMIZERS) with the given hyperparameters."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ConfigurationError(
            f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}"
        ) from None
    known = {f.name for f in fields(cls)}
    unknown = set(hyperparameters) - known
    if unknown:
        raise ConfigurationError(
            f"{name} has no hyperparameter {sorted(unknown)[0]!r}; it has {', '.join(sorted(known))}"
        )
    try:
        return cls(**{k: (type(getattr(cls, k))(v)) for k, v in hyperparameters.items()})
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{name}: {exc}") from None
