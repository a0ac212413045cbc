"""A trained network as an ONNX model: one Gemm per layer k plus its activation f_k.

    z^(k) = y^(k−1) W^(k) + b^(k)       Gemm(y^(k−1), W^(k), b^(k))   (no transposes: W is (n_{k−1}, n_k))
    y^(k) = f_k(z^(k))                  one ONNX op, or primitives (SiLU, softplus, leaky ReLU, ELU)

The input "x" is y^(0) as the network sees it (standardised inputs when the experiment
standardised them) and the output "y" is y^(N); both have a dynamic batch dimension "batch".
With a standardisation (mean, scale) the model carries it as metadata (`input_mean`,
`input_scale`, JSON lists) and, with `include_standardization`, as a first node
x' = (x − mean) / scale, so that "x" takes raw inputs instead.

`onnx` is an optional extra (`pip install "backprop-workbench[onnx]"`), imported only here.
"""

from __future__ import annotations

import json

import numpy as np

from engine.core.activations import ELU_ALPHA, LEAKY_SLOPE
from engine.core.errors import ConfigurationError, WorkbenchError
from engine.core.network import Network
from engine.io import atomic

OPSET = 17
INPUT, OUTPUT = "x", "y"


class MissingDependency(WorkbenchError):
    """An optional package the requested export needs is not installed."""


def _onnx():
    try:
        import onnx
    except ImportError:
        raise MissingDependency("ONNX export needs the 'onnx' package: pip install \"backprop-workbench[onnx]\"") from None
    return onnx


def _activation_nodes(helper, name: str, z: str, y: str, k: int) -> tuple[list, dict]:
    """Nodes computing y = f(z) for the activation `name` (every entry of ACTIVATIONS), and the
    scalar constants they read (name → value). Leaky ReLU and ELU are built from primitives as the
    engine computes them: exact in float64 (LeakyRelu's alpha attribute is a float32), and every
    op has a float64 kernel in onnxruntime (its Elu has none)."""
    p = f"layer{k}_{name}"
    single = {"identity": "Identity", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}
    if name in single:
        return [helper.make_node(single[name], [z], [y], name=p)], {}
    if name == "softmax":
        return [helper.make_node("Softmax", [z], [y], name=p, axis=-1)], {}
    if name == "leaky_relu":  # max(z, slope · z)
        return [helper.make_node("Mul", [z, f"{p}_slope"], [f"{p}_scaled"], name=f"{p}_scaled"),
                helper.make_node("Max", [z, f"{p}_scaled"], [y], name=p)], {f"{p}_slope": LEAKY_SLOPE}
    if name == "elu":  # z if z > 0 else α (e^min(z, 0) − 1)
        t = [f"{p}_{s}" for s in ("neg_part", "exp", "expm1", "left", "positive")]
        return [helper.make_node("Min", [z, f"{p}_zero"], [t[0]], name=t[0]),
                helper.make_node("Exp", [t[0]], [t[1]], name=t[1]),
                helper.make_node("Sub", [t[1], f"{p}_one"], [t[2]], name=t[2]),
                helper.make_node("Mul", [t[2], f"{p}_alpha"], [t[3]], name=t[3]),
                helper.make_node("Greater", [z, f"{p}_zero"], [t[4]], name=t[4]),
                helper.make_node("Where", [t[4], z, t[3]], [y], name=p)], \
            {f"{p}_zero": 0.0, f"{p}_one": 1.0, f"{p}_alpha": ELU_ALPHA}
    if name == "silu":  # z · sigmoid(z)
        return [helper.make_node("Sigmoid", [z], [f"{p}_sigmoid"], name=f"{p}_sigmoid"),
                helper.make_node("Mul", [z, f"{p}_sigmoid"], [y], name=p)], {}
    if name == "softplus":  # max(z, 0) + log(1 + e^(−|z|)): the engine's overflow-free form
        t = [f"{p}_{s}" for s in ("abs", "neg", "exp", "1pexp", "log1p", "relu")]
        return [helper.make_node("Abs", [z], [t[0]], name=t[0]),
                helper.make_node("Neg", [t[0]], [t[1]], name=t[1]),
                helper.make_node("Exp", [t[1]], [t[2]], name=t[2]),
                helper.make_node("Add", [t[2], f"{p}_one"], [t[3]], name=t[3]),
                helper.make_node("Log", [t[3]], [t[4]], name=t[4]),
                helper.make_node("Relu", [z], [t[5]], name=t[5]),
                helper.make_node("Add", [t[5], t[4]], [y], name=p)], {f"{p}_one": 1.0}
    raise ConfigurationError(f"layer {k}: no ONNX form for activation {name!r}")


def _standardization(mean, scale, n_inputs: int) -> tuple[np.ndarray, np.ndarray] | None:
    if mean is None and scale is None:
        return None
    mean = np.asarray(mean if mean is not None else np.zeros(n_inputs), np.float64).ravel()
    scale = np.asarray(scale if scale is not None else np.ones(n_inputs), np.float64).ravel()
    if mean.shape != (n_inputs,) or scale.shape != (n_inputs,):
        raise ConfigurationError(f"the standardisation has {mean.size} means and {scale.size} scales; "
                                 f"the network has n_0 = {n_inputs} inputs")
    if not (np.isfinite(mean).all() and np.isfinite(scale).all() and (scale > 0).all()):
        raise ConfigurationError("the standardisation's mean and scale must be finite, the scale > 0")
    return mean, scale


def network_model(network: Network, mean=None, scale=None, include_standardization: bool = False, name: str = ""):
    """The onnx.ModelProto computing y^(N) from y^(0) (or from raw x, see the module docstring)."""
    onnx = _onnx()
    from onnx import TensorProto, helper, numpy_helper

    dtype = network.dtype
    elem = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT
    standard = _standardization(mean, scale, network.sizes[0])
    if include_standardization and standard is None:
        raise ConfigurationError("--include-standardization needs the experiment's standardisation (its mean and scale)")
    nodes, initializers = [], []
    current = INPUT
    if include_standardization:
        initializers += [numpy_helper.from_array(standard[0].astype(dtype), "input_mean"),
                         numpy_helper.from_array(standard[1].astype(dtype), "input_scale")]
        nodes += [helper.make_node("Sub", [INPUT, "input_mean"], ["x_centred"], name="standardize_sub"),
                  helper.make_node("Div", ["x_centred", "input_scale"], ["y0"], name="standardize_div")]
        current = "y0"
    for k in range(1, network.N + 1):
        act = network.activation_names[k - 1]
        initializers += [numpy_helper.from_array(np.array(network.W[k], dtype), f"W{k}"),
                         numpy_helper.from_array(np.array(network.b[k], dtype), f"b{k}")]
        z, y = f"z{k}", OUTPUT if k == network.N else f"y{k}"
        nodes.append(helper.make_node("Gemm", [current, f"W{k}", f"b{k}"], [z], name=f"layer{k}_gemm"))
        activation, constants = _activation_nodes(helper, act, z, y, k)
        nodes += activation
        initializers += [numpy_helper.from_array(np.array(v, dtype), c) for c, v in constants.items()]
        current = y
    graph = helper.make_graph(
        nodes, name or "backprop_workbench_mlp",
        [helper.make_tensor_value_info(INPUT, elem, ["batch", network.sizes[0]])],
        [helper.make_tensor_value_info(OUTPUT, elem, ["batch", network.sizes[-1]])],
        initializer=initializers,
        doc_string=f"MLP {'-'.join(map(str, network.sizes))} [{', '.join(network.activation_names)}]: "
                   f"z^(k) = y^(k-1) W^(k) + b^(k), y^(k) = f_k(z^(k)); input x = "
                   + ("raw inputs (standardised by the first two nodes)" if include_standardization else "y^(0)"))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="backprop-workbench")
    model.ir_version = min(model.ir_version, 8)  # readable by older runtimes; opset 17 needs IR ≥ 8
    metadata = {"sizes": json.dumps(list(network.sizes)), "activations": json.dumps(list(network.activation_names))}
    if standard is not None:
        metadata |= {"input_mean": json.dumps(standard[0].tolist()), "input_scale": json.dumps(standard[1].tolist()),
                     "standardization": "in the graph" if include_standardization else
                     "not in the graph: feed x' = (x - input_mean) / input_scale"}
    helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model


def save_onnx(path, network: Network, mean=None, scale=None, include_standardization: bool = False) -> None:
    """Write `network_model(...)` to `path` atomically."""
    model = network_model(network, mean, scale, include_standardization)
    with atomic.atomic_open(path, "wb") as f:
        f.write(model.SerializeToString())
