"""The multilayer perceptron, its forward pass and its backward pass, in the lecture's notation.

Layers are numbered k = 1..N; n_0 is the input size. Lists `W`, `b`, `z`, `y`, `dy`, `dz`,
`dW`, `db` are indexed by k itself, so `net.W[1]` is W^(1); slot 0 holds None, except
`trace.y[0]`, which is the input x = y^(0).

    z^(k) = y^(k−1) W^(k) + b^(k)        W^(k): (n_{k−1}, n_k),  W[i, j] = w_ij^(k)
    y^(k) = f_k(z^(k))

Backward, for one sample (the rows of a batch are independent):
    ∂Div/∂y^(N)  = Div'(y, d)                           (divergence phase)
    ∂Div/∂y^(k)  = ∂Div/∂z^(k+1) W^(k+1)ᵀ                (k < N)
    ∂Div/∂z^(k)  = f_k'(z^(k)) · ∂Div/∂y^(k)             (Jacobian product for softmax)
    ∂Div/∂W^(k)  = (1/B) Σ_t y_t^(k−1)ᵀ ∂Div/∂z_t^(k)      (batch mean)
    ∂Div/∂b^(k)  = (1/B) Σ_t ∂Div/∂z_t^(k)

All parameters live in one flat vector `parameters`; W^(k) and b^(k) are views into it, and
the gradient vector has the same layout. Optimisers then update every layer in one call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from engine.core import activations as activations_module
from engine.core import initializers
from engine.core.activations import Activation
from engine.core.divergences import Divergence
from engine.core.errors import ConfigurationError

DTYPES = {"float64": np.float64, "float32": np.float32}
MAX_LAYERS = 1000
"""Most layers N a network may have (each layer costs Python-level work and buffers per batch)."""


# Refused where training starts (Trainer, experiment files), not here: edits pass through such networks.
SOFTMAX_ONE_OUTPUT = ("softmax over a single output is always 1, so the loss is constant and nothing learns; "
                      "use sigmoid for one output, or softmax over two or more")


MAX_SEED = 2**63 - 1  # the largest seed an experiment, a network or a dataset accepts (an int64 in every file)


def _dtype(dtype) -> np.dtype:
    dt = np.dtype(DTYPES.get(dtype, dtype) if isinstance(dtype, str) else dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ConfigurationError(f"dtype must be float64 or float32, got {dtype!r}")
    return dt


@dataclass(frozen=True)
class Layout:
    """Where W^(k) and b^(k) sit in a flat parameter (or gradient) vector."""

    sizes: tuple[int, ...]

    @property
    def N(self) -> int:
        return len(self.sizes) - 1

    def offsets(self) -> list[int]:
        """Start of W^(1), b^(1), W^(2), b^(2), … and the total length, in order."""
        out, pos = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            out += [pos, pos + n_in * n_out]
            pos += n_in * n_out + n_out
        return out + [pos]

    @property
    def size(self) -> int:
        return self.offsets()[-1]

    def views(self, vector: np.ndarray) -> tuple[list, list]:
        """W and b lists (index k = 1..N) of views into `vector`."""
        off = self.offsets()
        W, b = [None], [None]
        for k in range(1, self.N + 1):
            n_in, n_out = self.sizes[k - 1], self.sizes[k]
            w0, b0 = off[2 * k - 2], off[2 * k - 1]
            W.append(vector[w0 : w0 + n_in * n_out].reshape(n_in, n_out))
            b.append(vector[b0 : b0 + n_out])
        return W, b

    def weight_index(self, k: int, i: int, j: int) -> int:
        """Position of w_ij^(k) in the flat vector."""
        return self.offsets()[2 * k - 2] + i * self.sizes[k] + j

    def bias_index(self, k: int, j: int) -> int:
        """Position of b_j^(k) in the flat vector."""
        return self.offsets()[2 * k - 1] + j

    def weight_mask(self) -> np.ndarray:
        """1 where the flat vector holds a weight, 0 where it holds a bias."""
        mask = np.zeros(self.size)
        W, _ = self.views(mask)
        for w in W[1:]:
            w[...] = 1.0
        return mask


@dataclass
class Trace:
    """Forward quantities of a batch: y[0] = x, and z[k], y[k] for k = 1..N, each (B, n_k)."""

    z: list
    y: list
    computed: int = 0  # layers of the forward pass filled in so far

    @property
    def x(self) -> np.ndarray:
        return self.y[0]

    @property
    def output(self) -> np.ndarray:
        return self.y[-1]

    @property
    def batch_size(self) -> int:
        return self.y[0].shape[0]

    def copy(self) -> "Trace":
        """An independent copy (for snapshots handed to another thread)."""
        return Trace([None] + [a.copy() for a in self.z[1:]], [a.copy() for a in self.y], self.computed)


@dataclass
class Gradients:
    """Backward quantities: per-sample dy[k], dz[k] (B, n_k); batch-mean dW[k], db[k].

    `vector` is the flat gradient with the layout of `Network.parameters`.
    """

    dy: list
    dz: list
    dW: list
    db: list
    vector: np.ndarray
    loss: float = float("nan")
    divergence_values: np.ndarray | None = None  # Div(y_t, d_t) per sample
    computed: list = field(default_factory=list)  # layers whose backward phase ran, N first
    scaled_dz: list = field(default_factory=list)  # work buffers: ∂Div/∂z^(k) / B

    def copy(self) -> "Gradients":
        """An independent copy (for snapshots handed to another thread); work buffers are not copied."""
        vector = self.vector.copy()
        sizes = (self.dW[1].shape[0],) + tuple(b.size for b in self.db[1:])
        dW, db = Layout(sizes).views(vector)
        values = None if self.divergence_values is None else self.divergence_values.copy()
        return Gradients([None] + [a.copy() for a in self.dy[1:]], [None] + [a.copy() for a in self.dz[1:]],
                         dW, db, vector, self.loss, values, list(self.computed))


class BatchPass:
    """The forward and backward pass over one batch's buffers, with every array looked up once.

    The trainer's hot path: the operations of `Network.forward_layer` and `backward_layer`,
    in the same order (so bit-identical), without their per-layer lookups. The input
    y^(0) is read from the trace at each pass (a full batch points it at the data).
    """

    def __init__(self, net: "Network", trace: Trace, grads: Gradients):
        N, W, b, acts = net.N, net.W, net.b, net.activations
        self.trace, self.grads, self.N = trace, grads, N
        self._forward = [(W[k], b[k], acts[k - 1].forward, trace.z[k], trace.y[k]) for k in range(1, N + 1)]
        self._backward = [
            (k, acts[k - 1].backward, trace.z[k], trace.y[k], None if k == 1 else trace.y[k - 1].T,
             grads.dy[k], grads.dz[k], grads.scaled_dz[k], grads.dW[k], grads.db[k],
             None if k == N else grads.dz[k + 1], None if k == N else W[k + 1].T)
            for k in range(N, 0, -1)]

    def forward(self) -> None:
        """z^(k) = y^(k−1) W^(k) + b^(k), y^(k) = f_k(z^(k)) for k = 1..N."""
        y_prev = self.trace.y[0]
        for W, b, f, z, y in self._forward:
            np.matmul(y_prev, W, out=z)
            z += b
            f(z, y)
            y_prev = y
        self.trace.computed = self.N

    def backward(self, d: np.ndarray, shortcut: bool) -> None:
        """Layers N..1 after the divergence phase; `shortcut`: ∂Div/∂z^(N) = y − d (the fused case)."""
        computed = self.grads.computed
        for k, f_backward, z, y, y_prev_T, dy, dz, scaled, dW, db, dz_next, W_next_T in self._backward:
            if dz_next is not None:
                np.matmul(dz_next, W_next_T, out=dy)
                f_backward(z, y, dy, out=dz)
            elif shortcut:
                np.subtract(y, d, out=dz)
            else:
                f_backward(z, y, dy, out=dz)
            np.multiply(dz, 1.0 / dz.shape[0], out=scaled)
            np.matmul(self.trace.y[0].T if y_prev_T is None else y_prev_T, scaled, out=dW)
            np.add.reduce(scaled, axis=0, out=db)
            computed.append(k)


class Network:
    """An MLP with sizes n_0..n_N and one activation per layer k = 1..N."""

    def __init__(
        self,
        sizes: Sequence[int],
        activations: Sequence[str | Activation],
        parameters: np.ndarray | None = None,
        dtype="float64",
    ):
        sizes = tuple(int(n) for n in sizes)
        if len(sizes) < 2:
            raise ConfigurationError("sizes needs at least an input and an output size")
        if len(sizes) - 1 > MAX_LAYERS:
            raise ConfigurationError(f"{len(sizes) - 1:_} layers is more than the {MAX_LAYERS:_} allowed")
        if any(n < 1 for n in sizes):
            raise ConfigurationError(f"every layer size must be at least 1, got {list(sizes)}")
        if len(activations) != len(sizes) - 1:
            raise ConfigurationError(
                f"{len(sizes) - 1} layers need {len(sizes) - 1} activations, got {len(activations)}"
            )
        acts = tuple(activations_module.get(a) for a in activations)
        for k, a in enumerate(acts[:-1], start=1):
            if a.is_vector:
                raise ConfigurationError(f"softmax is only offered on the output layer, not layer {k}")
        self.sizes = sizes
        self.N = len(sizes) - 1  # layers with weights; the output layer is layer N
        self.activations = acts
        self.dtype = _dtype(dtype)
        self.layout = Layout(sizes)
        if parameters is None:
            parameters = np.zeros(self.layout.size, dtype=self.dtype)
        parameters = np.ascontiguousarray(parameters, dtype=self.dtype)
        if parameters.shape != (self.layout.size,):
            raise ConfigurationError(
                f"parameter vector has length {parameters.size}, the network needs {self.layout.size}"
            )
        self.parameters = parameters
        self.W, self.b = self.layout.views(parameters)

    @classmethod
    def create(
        cls,
        sizes: Sequence[int],
        activations: Sequence[str],
        init: str = "xavier_uniform",
        seed: int | np.random.Generator = 0,
        dtype="float64",
        scale: float = initializers.DEFAULT_UNIFORM_SCALE,
    ) -> "Network":
        """A new network with weights drawn by initialiser `init` from a seeded generator."""
        net = cls(sizes, activations, dtype=dtype)
        net.initialize(init, seed, scale)
        return net

    def initialize(self, init: str = "xavier_uniform", seed=0, scale=initializers.DEFAULT_UNIFORM_SCALE):
        """Redraw every W^(k) with `init`; set every b^(k) to 0."""
        draw = initializers.get(init)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        for k in range(1, self.N + 1):
            self.W[k][...] = draw(rng, self.sizes[k - 1], self.sizes[k], scale)
            self.b[k][...] = 0.0

    # -- description -------------------------------------------------------------------
    @property
    def activation_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.activations)

    def copy(self) -> "Network":
        return Network(self.sizes, self.activations, self.parameters.copy(), self.dtype)

    def __repr__(self) -> str:
        layers = "-".join(map(str, self.sizes))
        return f"<Network {layers} [{', '.join(self.activation_names)}] {self.dtype.name}>"

    # -- forward -----------------------------------------------------------------------
    def new_trace(self, batch_size: int) -> Trace:
        """Empty buffers for the forward pass of a batch of `batch_size` samples."""
        z = [None] + [np.empty((batch_size, n), self.dtype) for n in self.sizes[1:]]
        y = [np.empty((batch_size, self.sizes[0]), self.dtype)] + [np.empty_like(a) for a in z[1:]]
        return Trace(z, y)

    def forward_layer(self, k: int, trace: Trace) -> None:
        """Fill z^(k) = y^(k−1) W^(k) + b^(k) and y^(k) = f_k(z^(k)) in `trace`."""
        z = trace.z[k]
        np.matmul(trace.y[k - 1], self.W[k], out=z)
        z += self.b[k]
        self.activations[k - 1].forward(z, trace.y[k])
        trace.computed = k

    def forward(self, x: np.ndarray, trace: Trace | None = None) -> Trace:
        """Forward pass of a batch x (B, n_0): every z^(k) and y^(k)."""
        x = self._check_input(x)
        if trace is None:
            trace = self.new_trace(x.shape[0])
        trace.y[0] = x
        for k in range(1, self.N + 1):
            self.forward_layer(k, trace)
        return trace

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network output y^(N) for a batch x."""
        return self.forward(x).output

    def _check_input(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim == 1:
            x = x.reshape(1, -1)
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ConfigurationError(f"input must have shape (B, {self.sizes[0]}), got {x.shape}")
        return np.ascontiguousarray(x, dtype=self.dtype)

    # -- backward ----------------------------------------------------------------------
    def new_gradients(self, batch_size: int) -> Gradients:
        """Empty buffers for the backward pass of a batch of `batch_size` samples."""
        per_sample = [None] + [np.empty((batch_size, n), self.dtype) for n in self.sizes[1:]]
        vector = np.zeros(self.layout.size, self.dtype)
        dW, db = self.layout.views(vector)
        return Gradients([None] + [np.empty_like(a) for a in per_sample[1:]], per_sample, dW, db, vector,
                         scaled_dz=[None] + [np.empty_like(a) for a in per_sample[1:]])

    def divergence_phase(self, trace: Trace, d: np.ndarray, divergence: Divergence, grads: Gradients,
                         output_gradient: bool = True) -> None:
        """Div(y_t, d_t) per sample, the batch loss and (unless `output_gradient` is False) ∂Div/∂y^(N).

        The trainer leaves ∂Div/∂y^(N) out where the backward pass takes the y − d shortcut
        (nothing there reads it) and fills it in with `output_gradient` when it is looked at.
        """
        y = trace.y[self.N]
        values = grads.divergence_values = divergence.value(y, d)
        grads.loss = float(np.add.reduce(values)) / values.shape[0]
        if output_gradient:
            divergence.gradient(y, d, out=grads.dy[self.N])
        grads.computed = []

    def output_gradient(self, trace: Trace, d: np.ndarray, divergence: Divergence, grads: Gradients) -> None:
        """∂Div/∂y^(N) = Div'(y^(N), d) into grads.dy[N]."""
        divergence.gradient(trace.y[self.N], d, out=grads.dy[self.N])

    def backward_layer(
        self, k: int, trace: Trace, d: np.ndarray, divergence: Divergence, grads: Gradients, fused: bool = True
    ) -> None:
        """Fill ∂Div/∂y^(k) (k < N), ∂Div/∂z^(k), ∂Div/∂W^(k) and ∂Div/∂b^(k)."""
        N, dz = self.N, grads.dz[k]
        if k < N:
            np.matmul(grads.dz[k + 1], self.W[k + 1].T, out=grads.dy[k])
        act = self.activations[k - 1]
        if k == N and fused and divergence.fused_dz(act):
            np.subtract(trace.y[N], d, out=dz)  # sigmoid+bce, softmax+cross_entropy: y − d
        else:
            act.backward(trace.z[k], trace.y[k], grads.dy[k], out=dz)
        # batch means: scale the (B, n_k) factor once rather than the (n_{k−1}, n_k) product
        scaled = np.multiply(dz, 1.0 / dz.shape[0], out=grads.scaled_dz[k])
        np.matmul(trace.y[k - 1].T, scaled, out=grads.dW[k])
        np.add.reduce(scaled, axis=0, out=grads.db[k])
        grads.computed.append(k)

    def backward(
        self, trace: Trace, d: np.ndarray, divergence: Divergence, fused: bool = True,
        grads: Gradients | None = None,
    ) -> Gradients:
        """Divergence phase and backward pass over layers N..1 for the batch in `trace`.

        `fused=False` forces the general path (Jacobian product for softmax, Div'(y) for
        every divergence) even where the y − d shortcut applies.
        """
        if grads is None:
            grads = self.new_gradients(trace.batch_size)
        d = np.ascontiguousarray(d, dtype=self.dtype)
        if d.shape != trace.output.shape:
            raise ConfigurationError(f"targets must have shape {trace.output.shape}, got {d.shape}")
        self.divergence_phase(trace, d, divergence, grads)
        for k in range(self.N, 0, -1):
            self.backward_layer(k, trace, d, divergence, grads, fused)
        return grads
