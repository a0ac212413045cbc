"""Activation functions f_k, applied to the affine input z^(k) of layer k: y^(k) = f_k(z^(k)).

Each activation maps a batch z of shape (B, n_k) to y of the same shape and back-propagates
∂Div/∂y^(k) to ∂Div/∂z^(k). Scalar activations act elementwise, so
    ∂Div/∂z_j = f'(z_j) · ∂Div/∂y_j .
A vector activation (softmax) couples the units of a layer; its backward pass multiplies by
the transposed Jacobian J_ij = ∂y_j/∂z_i:
    ∂Div/∂z_i = Σ_j J_ij · ∂Div/∂y_j .

Conventions at the kinks: relu'(0) = 0 and leaky_relu'(0) = slope (the derivative of the
left branch), the same choice PyTorch makes; elu is differentiable at 0 with α = 1.

All functions write into caller-provided arrays (`out=`) so the trainer can reuse buffers.
"""

from __future__ import annotations

import numpy as np

from engine.core.errors import ConfigurationError

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


_EXP_LIMIT = {np.dtype(t): float(np.log(np.finfo(t).max)) - 1.0 for t in (np.float32, np.float64)}


def _exp_limit(dtype: np.dtype) -> float:
    """Largest argument whose exp is finite in `dtype` (clamping avoids overflow warnings)."""
    return _EXP_LIMIT.get(dtype, _EXP_LIMIT[np.dtype(np.float64)])


class Activation:
    """An activation f with its forward map and its backward map (derivative or Jacobian)."""

    name: str = ""
    is_vector: bool = False
    formula: str = ""

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """y = f(z), written into `out`."""
        raise NotImplementedError

    def derivative(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """f'(z) elementwise (scalar activations only; a new array)."""
        raise NotImplementedError

    def backward(self, z: np.ndarray, y: np.ndarray, dy: np.ndarray, out: np.ndarray) -> np.ndarray:
        """∂Div/∂z = f'(z) · ∂Div/∂y, written into `out`."""
        np.multiply(self.derivative(z, y), dy, out=out)
        return out

    def __call__(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.result_type(z, np.float32))
        return self.forward(z, np.empty_like(z))

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Identity(Activation):
    name, formula = "identity", "f(z) = z"

    def forward(self, z, out):
        np.copyto(out, z)
        return out

    def derivative(self, z, y):
        return np.ones_like(z)

    def backward(self, z, y, dy, out):
        np.copyto(out, dy)
        return out


class Sigmoid(Activation):
    name, formula = "sigmoid", "f(z) = 1 / (1 + e^(−z))"

    def forward(self, z, out):
        np.negative(z, out=out)
        np.minimum(out, _exp_limit(out.dtype), out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
        return out

    def derivative(self, z, y):
        return y * (1.0 - y)

    def backward(self, z, y, dy, out):
        np.subtract(1.0, y, out=out)
        out *= y
        out *= dy
        return out


class Tanh(Activation):
    name, formula = "tanh", "f(z) = tanh z"

    def forward(self, z, out):
        return np.tanh(z, out=out)

    def derivative(self, z, y):
        return 1.0 - y * y

    def backward(self, z, y, dy, out):
        np.multiply(y, y, out=out)
        np.subtract(1.0, out, out=out)
        out *= dy
        return out


_SMALL = 1 << 16  # elements: below this, max(z, 0) against an array of zeros (kept) is the faster form


class ReLU(Activation):
    name, formula = "relu", "f(z) = max(0, z);  f'(0) = 0"

    def __init__(self):
        self._zeros: dict = {}  # (shape, dtype) → a read-only array of zeros

    def forward(self, z, out):
        if z.size > _SMALL:
            return np.maximum(z, 0.0, out=out)
        zeros = self._zeros.get((z.shape, z.dtype))
        if zeros is None:  # NumPy's maximum has a vector loop for two arrays, not for an array and a scalar
            if len(self._zeros) > 64:
                self._zeros.clear()
            zeros = self._zeros[z.shape, z.dtype] = np.zeros(z.shape, z.dtype)
            zeros.flags.writeable = False
        return np.maximum(z, zeros, out=out)

    def derivative(self, z, y):
        return (z > 0).astype(z.dtype)

    def backward(self, z, y, dy, out):
        if out is dy:
            return np.multiply(dy, z > 0, out=out)
        np.greater(z, 0.0, out=out)  # 1.0 where z > 0, else 0.0: then a float × float product, faster than float × bool
        out *= dy
        return out


class LeakyReLU(Activation):
    name, formula = "leaky_relu", f"f(z) = z if z > 0 else {LEAKY_SLOPE}·z;  f'(0) = {LEAKY_SLOPE}"

    def forward(self, z, out):
        np.multiply(z, LEAKY_SLOPE, out=out)
        return np.maximum(z, out, out=out)

    def derivative(self, z, y):
        return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


class ELU(Activation):
    name, formula = "elu", "f(z) = z if z > 0 else e^z − 1"

    def forward(self, z, out):
        np.minimum(z, 0.0, out=out)
        np.expm1(out, out=out)
        out *= ELU_ALPHA
        np.copyto(out, z, where=z > 0)
        return out

    def derivative(self, z, y):
        # for z ≤ 0, f'(z) = α e^z = y + α
        return np.where(z > 0, 1.0, y + ELU_ALPHA).astype(z.dtype)


class Softplus(Activation):
    name, formula = "softplus", "f(z) = log(1 + e^z)"

    def forward(self, z, out):
        # log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), finite for every z
        np.abs(z, out=out)
        np.negative(out, out=out)
        np.exp(out, out=out)
        np.log1p(out, out=out)
        out += np.maximum(z, 0.0)
        return out

    def derivative(self, z, y):
        return SIGMOID(z)


class SiLU(Activation):
    name, formula = "silu", "f(z) = z · sigmoid(z)"

    def forward(self, z, out):
        SIGMOID.forward(z, out)
        out *= z
        return out

    def derivative(self, z, y):
        s = SIGMOID(z)
        return s * (1.0 + z * (1.0 - s))


class Softmax(Activation):
    """Vector activation y_i = e^(z_i) / Σ_j e^(z_j) over the units of a layer.

    Its Jacobian is J_ij = ∂y_j/∂z_i = y_j (δ_ij − y_i), so the backward pass is
    ∂Div/∂z_i = y_i (∂Div/∂y_i − Σ_j y_j ∂Div/∂y_j).
    """

    name, formula, is_vector = "softmax", "y_i = e^(z_i) / Σ_j e^(z_j)", True

    def forward(self, z, out):
        # the ufunc reductions are what z.max / out.sum call, without their Python wrappers
        np.subtract(z, np.maximum.reduce(z, axis=1, keepdims=True), out=out)  # stable: largest exponent is 0
        np.exp(out, out=out)
        out /= np.add.reduce(out, axis=1, keepdims=True)
        return out

    def jacobian(self, y: np.ndarray) -> np.ndarray:
        """J[t, i, j] = ∂y_j/∂z_i for every sample t: shape (B, n, n)."""
        eye = np.eye(y.shape[1], dtype=y.dtype)
        return y[:, None, :] * (eye[None, :, :] - y[:, :, None])

    def backward(self, z, y, dy, out):
        np.multiply(y, dy, out=out)
        s = np.add.reduce(out, axis=1, keepdims=True)
        np.subtract(dy, s, out=out)
        out *= y
        return out

    def derivative(self, z, y):
        raise TypeError("softmax is a vector activation: use jacobian(y) or backward()")


SIGMOID = Sigmoid()

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (Identity(), SIGMOID, Tanh(), ReLU(), LeakyReLU(), ELU(), Softplus(), SiLU(), Softmax())
}


def get(name: str | Activation) -> Activation:
    """The activation called `name` (one of ACTIVATIONS)."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ConfigurationError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None

