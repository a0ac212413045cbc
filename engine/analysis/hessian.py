"""The Hessian ∇²L(θ) of the training loss: exact Hessian-vector products by Pearlmutter's R-operator.

R{·} is the directional derivative d/dr (·)(θ + r v) at r = 0. Applied to the forward pass:
    R{y^(0)} = 0
    R{z^(k)} = R{y^(k−1)} W^(k) + y^(k−1) V^(k) + v_b^(k)          (V^(k), v_b^(k): v's blocks)
    R{y^(k)} = f_k'(z^(k)) ⊙ R{z^(k)}                 softmax: y ⊙ (R{z} − Σ_j y_j R{z_j})
and to the backward pass (δy = ∂Div/∂y, δz = ∂Div/∂z, per sample):
    R{δy^(N)} = Div''(y) ⊙ R{y^(N)}                   (fused y − d: R{δz^(N)} = R{y^(N)})
    R{δz^(k)} = f''(z) ⊙ R{z} ⊙ δy + f'(z) ⊙ R{δy}
                softmax: R{y} ⊙ (δy − s) + y ⊙ (R{δy} − R{s}),  s = Σ_j y_j δy_j
    R{δy^(k−1)} = R{δz^(k)} W^(k)ᵀ + δz^(k) V^(k)ᵀ
    R{∂L/∂W^(k)} = (1/T) Σ_t (R{y^(k−1)}ᵀ δz^(k) + y^(k−1)ᵀ R{δz^(k)}),  R{∂L/∂b^(k)} = (1/T) Σ_t R{δz^(k)}
so R{∇L} = H v, exactly (to rounding), for the cost of about two more passes, without forming H;
the λ₂ penalty adds λ₂ v on the weights (λ₁|w| has zero curvature away from w = 0).
Many directions go through at once as a batch V (m, P). The dense H is H applied to the unit
vectors; `finite_difference_hessian` is the independent check: central differences of the
backprop gradient, H[:, i] ≈ (∇L(θ + h e_i) − ∇L(θ − h e_i)) / 2h, whose error is
h²/6·|∂³∇L| (truncation) + ~ε‖∇L‖/h (rounding): about 1e-10 at h = 1e-5 in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.analysis.steps import finish
from engine.analysis.training_loss import TrainingLoss
from engine.core.divergences import _probabilities
from engine.core.threads import forward_flops, use_free_threads_for

#: parameters up to which the Hessian is formed and fully diagonalised (P = 3,000: H is 72 MB)
DENSE_LIMIT = 3000
#: elements per work array of a batch of products (1 MB; larger batches of directions amortise the
#: per-layer Python work better than the landscape's cache-sized chunks)
HVP_CHUNK_ELEMENTS = 1 << 17


def activation_second_derivative(name: str, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """f''(z) of a scalar activation (0 for the piecewise-linear ones, away from their kink)."""
    if name in ("identity", "relu", "leaky_relu"):
        return np.zeros_like(z)
    if name == "sigmoid":
        return y * (1.0 - y) * (1.0 - 2.0 * y)
    if name == "tanh":
        return -2.0 * y * (1.0 - y * y)
    if name == "elu":
        return np.where(z > 0, 0.0, y + 1.0)
    s = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
    if name == "softplus":
        return s * (1.0 - s)
    if name == "silu":
        return s * (1.0 - s) * (2.0 + z * (1.0 - 2.0 * s))
    raise ValueError(f"no second derivative for activation {name!r}")


def divergence_curvature(name: str, y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """∂²Div/∂y_i² per sample and unit (every divergence here is separable in y)."""
    if name == "l2":
        return np.ones_like(y)
    p = _probabilities(y)
    if name == "bce":
        return d / (p * p) + (1.0 - d) / ((1.0 - p) ** 2)
    if name in ("cross_entropy", "kl"):
        return d / (p * p)
    raise ValueError(f"no curvature for divergence {name!r}")


@dataclass(frozen=True, eq=False)
class HessianVectorProduct:
    """v ↦ ∇²L(θ) v at a fixed θ: the forward and backward pass are computed once and reused."""

    loss: TrainingLoss
    theta: np.ndarray
    value: float
    gradient: np.ndarray
    z: list
    y: list
    dy: list
    dz: list

    @property
    def P(self) -> int:
        return self.theta.size

    def chunk_size(self) -> int:
        """Directions per batch: each work array ≤ HVP_CHUNK_ELEMENTS."""
        return max(1, HVP_CHUNK_ELEMENTS // max(self.loss.T * max(self.loss.sizes), self.P))

    def __call__(self, v: np.ndarray) -> np.ndarray:
        """H v for v (P,), or H Vᵀ row by row for V (m, P): returns the same shape."""
        v = np.asarray(v, dtype=np.float64)
        V = np.atleast_2d(v)
        out = np.empty_like(V)
        step = self.chunk_size()
        for start in range(0, len(V), step):
            out[start : start + step] = self._batch(V[start : start + step])
        return out.reshape(v.shape)

    def _batch(self, V: np.ndarray) -> np.ndarray:
        """H vᵢ for the rows of V (B, P). The R-quantities are laid out (T, B, n_k), sample-major, so
        every product of a layer is one matrix product for all B directions: R{y} W^(k) as (T·B, n)
        rows, y V^(k) with the B blocks V^(k) side by side, Σ_t R{y}ᵀ δz over the (T, B·n) columns."""
        L, B = self.loss, len(V)
        sizes, N, T = L.sizes, len(L.sizes) - 1, L.T
        W, _ = L.layout.views(self.theta)
        off = L.layout.offsets()
        use_free_threads_for(forward_flops(sizes, T * B))
        blocks = [None] + [V[:, off[2 * k - 2] : off[2 * k - 1]].reshape(B, sizes[k - 1], sizes[k]) for k in range(1, N + 1)]
        Rz, Ry = [None] * (N + 1), [None] * (N + 1)
        for k in range(1, N + 1):
            side_by_side = np.ascontiguousarray(blocks[k].transpose(1, 0, 2)).reshape(sizes[k - 1], -1)  # [V_1 … V_B]
            Rz[k] = (self.y[k - 1] @ side_by_side).reshape(T, B, sizes[k])
            Rz[k] += V[:, off[2 * k - 1] : off[2 * k]]  # v_b^(k) of each direction, for every sample
            if k > 1:
                Rz[k] += (Ry[k - 1].reshape(T * B, -1) @ W[k]).reshape(T, B, sizes[k])
            Ry[k] = self._r_forward(k, Rz[k])
        out = np.empty_like(V)
        for k in range(N, 0, -1):
            Rdz = self._r_output(Ry[N]) if k == N else None
            if Rdz is None:
                if k == N:
                    Rdy = divergence_curvature(L.divergence.name, self.y[N], L.d)[:, None, :] * Ry[N]
                Rdz = self._r_backward(k, Rz[k], Ry[k], Rdy)
            RgW = (self.y[k - 1].T @ Rdz.reshape(T, -1)).reshape(sizes[k - 1], B, sizes[k]).transpose(1, 0, 2)
            if k > 1:
                RgW = RgW + (Ry[k - 1].reshape(T, -1).T @ self.dz[k]).reshape(B, sizes[k - 1], sizes[k])
                transposed = np.ascontiguousarray(blocks[k].transpose(2, 0, 1)).reshape(sizes[k], -1)  # [V_1ᵀ … V_Bᵀ]
                Rdy = (Rdz.reshape(T * B, -1) @ W[k].T).reshape(T, B, sizes[k - 1])
                Rdy += (self.dz[k] @ transposed).reshape(T, B, sizes[k - 1])
            out[:, off[2 * k - 2] : off[2 * k - 1]] = RgW.reshape(B, -1)
            out[:, off[2 * k - 2] : off[2 * k - 1]] /= T
            np.divide(Rdz.sum(axis=0), T, out=out[:, off[2 * k - 1] : off[2 * k]])
        if L.l2:
            out += L.l2 * V * L.weight_mask()
        return out

    def _r_output(self, Ry_N):
        """R{δz^(N)} = R{y^(N)} where the trainer uses the fused y − d; None otherwise."""
        act = self.loss.activations[-1]
        return Ry_N.copy() if self.loss.fused and self.loss.divergence.fused_dz(act) else None

    def _r_forward(self, k: int, Rz: np.ndarray) -> np.ndarray:
        """R{y^(k)} (T, B, n_k); per-sample quantities (T, n_k) broadcast over the B directions."""
        act, z, y = self.loss.activations[k - 1], self.z[k][:, None, :], self.y[k][:, None, :]
        if act.is_vector:
            return y * (Rz - np.sum(y * Rz, axis=-1, keepdims=True))
        return act.derivative(z, y) * Rz

    def _r_backward(self, k: int, Rz, Ry, Rdy) -> np.ndarray:
        act, z, y, dy = self.loss.activations[k - 1], self.z[k], self.y[k], self.dy[k]
        if act.is_vector:
            y, dy = y[:, None, :], dy[:, None, :]
            s = np.sum(y * dy, axis=-1, keepdims=True)
            Rs = np.sum(Ry * dy + y * Rdy, axis=-1, keepdims=True)
            return Ry * (dy - s) + y * (Rdy - Rs)
        second = (activation_second_derivative(act.name, z, y) * dy)[:, None, :]
        return second * Rz + act.derivative(z, y)[:, None, :] * Rdy


def hessian_vector_product(loss: TrainingLoss, theta: np.ndarray) -> HessianVectorProduct:
    """The operator v ↦ ∇²L(θ) v (one forward and one backward pass now, two per product later)."""
    theta = np.array(theta, dtype=np.float64)
    theta.flags.writeable = False
    net = loss.network(theta)
    with np.errstate(all="ignore"):
        trace = net.forward(loss.x)
        grads = net.backward(trace, loss.d, loss.divergence, fused=loss.fused)
    value, gradient = loss.gradient(theta)
    return HessianVectorProduct(loss, theta, value, gradient, list(trace.z), list(trace.y),
                                list(grads.dy), list(grads.dz))


def dense_hessian_steps(loss: TrainingLoss, theta: np.ndarray) -> Iterator[float]:
    """H = ∇²L(θ) (P × P) by R-operator products with the unit vectors, a chunk of them at a time:
    a generator yielding the fraction done, returning H (not symmetrised: symmetric to rounding)."""
    hvp = hessian_vector_product(loss, theta)
    P = hvp.P
    H = np.empty((P, P))
    step = hvp.chunk_size()
    for start in range(0, P, step):
        stop = min(P, start + step)
        units = np.zeros((stop - start, P))
        units[np.arange(stop - start), np.arange(start, stop)] = 1.0
        H[start:stop] = hvp._batch(units)  # row i = H e_i = column i
        yield stop / P
    return H


def dense_hessian(loss: TrainingLoss, theta: np.ndarray) -> np.ndarray:
    """∇²L(θ), exact to rounding (see `dense_hessian_steps`)."""
    return finish(dense_hessian_steps(loss, theta))


def finite_difference_hessian(loss: TrainingLoss, theta: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of the backprop gradient, column by column (the check; error in the module doc)."""
    theta = np.array(theta, dtype=np.float64)
    H = np.empty((theta.size, theta.size))
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        H[:, i] = (loss.gradient(theta + e)[1] - loss.gradient(theta - e)[1]) / (2 * h)
    return H


def memory_estimate(P: int) -> int:
    """Bytes a dense float64 P × P Hessian and its eigenvectors' work space take (about 3 P² × 8)."""
    return 3 * 8 * P * P


def spectrum(H: np.ndarray) -> np.ndarray:
    """Eigenvalues of ½(H + Hᵀ), ascending."""
    return np.linalg.eigvalsh(0.5 * (H + H.T))
