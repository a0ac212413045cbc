"""The numbers behind one weight's or one unit's gradient: the chain rule, written out.

For weight w_ij^(k) and sample t of the batch (lecture notation):

    ∂Div/∂w_ij^(k) = y_i^(k−1) · ∂Div/∂z_j^(k)
    ∂Div/∂z_j^(k)  = f_k′(z_j^(k)) · ∂Div/∂y_j^(k)              (scalar activation)
                   = Σ_m J_jm · ∂Div/∂y_m^(k),  J_jm = ∂y_m/∂z_j   (vector activation: softmax)
    ∂Div/∂y_j^(k)  = Σ_l w_jl^(k+1) · ∂Div/∂z_l^(k+1)           (k < N)
                   = ∂Div/∂y_j  from the divergence               (k = N)

and the update uses the batch mean (1/B) Σ_t y_i^(k−1)[t] · ∂Div/∂z_j^(k)[t].
Everything is read from a completed Trace and Gradients; nothing is recomputed except the
activation derivative (and the softmax Jacobian row) of the one unit asked about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.core.errors import ConfigurationError
from engine.core.network import Gradients, Network, Trace


@dataclass(frozen=True)
class WeightExplanation:
    """Every factor of ∂Div/∂w_ij^(k) for sample t, and the batch mean the update uses."""

    k: int
    i: int
    j: int
    t: int
    weight: float                 # w_ij^(k)
    y_in: float                   # y_i^(k−1)[t]
    z: float                      # z_j^(k)[t]
    dDiv_dz: float                # ∂Div/∂z_j^(k)[t]
    dDiv_dy: float                # ∂Div/∂y_j^(k)[t]
    activation_derivative: float | None   # f_k′(z_j^(k)[t]); None for a vector activation
    jacobian_row: np.ndarray | None       # J_jm = ∂y_m/∂z_j for m = 1..n_k (vector activation)
    dDiv_dy_layer: np.ndarray | None      # ∂Div/∂y_m^(k)[t] for all m (vector activation)
    downstream: tuple[tuple[int, float, float], ...]  # (l, w_jl^(k+1), ∂Div/∂z_l^(k+1)[t]) for k < N
    per_sample_gradient: np.ndarray      # y_i^(k−1)[s] · ∂Div/∂z_j^(k)[s] for every sample s
    batch_mean_gradient: float           # ∂Div/∂w_ij^(k) used by the update

    @property
    def sample_gradient(self) -> float:
        """y_i^(k−1) · ∂Div/∂z_j^(k) for sample t."""
        return self.y_in * self.dDiv_dz

    @property
    def chain_dz(self) -> float:
        """∂Div/∂z_j^(k) rebuilt from its factors (equals dDiv_dz up to rounding)."""
        if self.jacobian_row is not None:
            return float(self.jacobian_row @ self.dDiv_dy_layer)
        return self.activation_derivative * self.dDiv_dy

    @property
    def chain_dy(self) -> float:
        """∂Div/∂y_j^(k) rebuilt from the next layer (k < N), or the divergence's value (k = N)."""
        if not self.downstream:
            return self.dDiv_dy
        return float(sum(w * dz for _, w, dz in self.downstream))


@dataclass(frozen=True)
class UnitExplanation:
    """Unit j of layer k for sample t: b_j, z_j, y_j, ∂Div/∂z_j, ∂Div/∂y_j and ∂Div/∂b_j (batch mean)."""

    k: int
    j: int
    t: int
    bias: float
    z: float
    y: float
    dDiv_dz: float
    dDiv_dy: float
    bias_gradient: float


def _check(net: Network, trace: Trace, grads: Gradients, k: int, j: int, t: int, i: int | None = None):
    if not 1 <= k <= net.N:
        raise ConfigurationError(f"layers are 1..{net.N}, not {k}")
    if not 0 <= j < net.sizes[k]:
        raise ConfigurationError(f"layer {k} has units 0..{net.sizes[k] - 1}, not {j}")
    if i is not None and not 0 <= i < net.sizes[k - 1]:
        raise ConfigurationError(f"layer {k - 1} has units 0..{net.sizes[k - 1] - 1}, not {i}")
    if not 0 <= t < trace.batch_size:
        raise ConfigurationError(f"the batch has samples 0..{trace.batch_size - 1}, not {t}")
    if k not in grads.computed:
        raise ConfigurationError(f"the backward pass has not reached layer {k} yet")


def explain_weight(net: Network, trace: Trace, grads: Gradients, k: int, i: int, j: int, t: int = 0
                   ) -> WeightExplanation:
    """The chain rule for ∂Div/∂w_ij^(k) at sample t, with every factor's value."""
    _check(net, trace, grads, k, j, t, i)
    act = net.activations[k - 1]
    z_row, y_row = trace.z[k][t : t + 1], trace.y[k][t : t + 1]
    if act.is_vector:
        derivative, jac = None, act.jacobian(y_row)[0, j, :].copy()
        dy_layer = grads.dy[k][t].copy()
    else:
        derivative, jac, dy_layer = float(act.derivative(z_row, y_row)[0, j]), None, None
    downstream = ()
    if k < net.N:
        downstream = tuple((l, float(net.W[k + 1][j, l]), float(grads.dz[k + 1][t, l]))
                           for l in range(net.sizes[k + 1]))
    per_sample = trace.y[k - 1][:, i] * grads.dz[k][:, j]
    return WeightExplanation(
        k=k, i=i, j=j, t=t, weight=float(net.W[k][i, j]), y_in=float(trace.y[k - 1][t, i]),
        z=float(trace.z[k][t, j]), dDiv_dz=float(grads.dz[k][t, j]), dDiv_dy=float(grads.dy[k][t, j]),
        activation_derivative=derivative, jacobian_row=jac, dDiv_dy_layer=dy_layer,
        downstream=downstream, per_sample_gradient=per_sample.astype(np.float64),
        batch_mean_gradient=float(grads.dW[k][i, j]),
    )


def explain_unit(net: Network, trace: Trace, grads: Gradients, k: int, j: int, t: int = 0) -> UnitExplanation:
    """Bias, pre-activation, activation and their gradients for unit j of layer k at sample t."""
    _check(net, trace, grads, k, j, t)
    return UnitExplanation(
        k=k, j=j, t=t, bias=float(net.b[k][j]), z=float(trace.z[k][t, j]), y=float(trace.y[k][t, j]),
        dDiv_dz=float(grads.dz[k][t, j]), dDiv_dy=float(grads.dy[k][t, j]), bias_gradient=float(grads.db[k][j]),
    )
