"""ONNX export (issue 16): the model computes the engine's y^(N), checked by onnx's own reference runtime."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from engine import cli
from engine.core.activations import ACTIVATIONS
from engine.core.errors import WorkbenchError
from engine.core.network import Network
from engine.io.experiment import EXAMPLES_DIR, Experiment
from engine.io.weights import save_weights
from engine.run import build

onnx = pytest.importorskip("onnx")
from onnx.reference import ReferenceEvaluator  # noqa: E402

from engine.io.onnx_export import OPSET, network_model, save_onnx  # noqa: E402

# onnx's reference Sigmoid and Elu evaluate both branches of np.where: their overflow warnings are not ours
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:onnx.reference.ops")


def _network(activation: str, dtype="float64") -> Network:
    hidden = "tanh" if ACTIVATIONS[activation].is_vector else activation  # softmax only on the output
    net = Network.create([3, 6, 5, 4], [hidden, hidden, activation], init="xavier_normal", seed=3, dtype=dtype)
    rng = np.random.default_rng(1)
    for k in range(1, net.N + 1):
        net.b[k][...] = rng.normal(size=net.b[k].shape)
        net.W[k][...] *= 4  # z^(k) reach both saturated ends (softplus, sigmoid) and the kinks
    return net


def _inputs(n: int, dtype=np.float64) -> np.ndarray:
    x = np.random.default_rng(2).normal(scale=3.0, size=(n, 3))
    x[0] = [40.0, -40.0, 0.0]  # e^z overflows a naive softplus here
    return x.astype(dtype)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_onnx_model_matches_forward_pass_for_every_activation(activation):
    net = _network(activation)
    model = network_model(net)
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == OPSET >= 13
    gemms = [n for n in model.graph.node if n.op_type == "Gemm"]
    assert [n.input[1] for n in gemms] == ["W1", "W2", "W3"]
    session = ReferenceEvaluator(model)
    for batch in (1, 7):  # the batch dimension is dynamic
        x = _inputs(batch)
        (y,) = session.run(None, {"x": x})
        assert y.shape == (batch, 4)
        np.testing.assert_allclose(y, net.predict(x), rtol=0, atol=1e-6)


def test_onnx_inputs_outputs_named_with_a_dynamic_batch():
    model = network_model(_network("tanh"))
    (inp,), (out,) = model.graph.input, model.graph.output
    assert (inp.name, out.name) == ("x", "y")
    dims_in = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    dims_out = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
    assert dims_in == ["batch", 3] and dims_out == ["batch", 4]


def test_onnx_float32_network_stays_float32():
    net = _network("sigmoid", dtype="float32")
    x = _inputs(5, np.float32)
    (y,) = ReferenceEvaluator(network_model(net)).run(None, {"x": x})
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, net.predict(x), rtol=0, atol=1e-6)


def test_onnx_standardization_as_metadata_or_first_node():
    net = _network("relu")
    mean, scale = np.array([1.0, -2.0, 0.5]), np.array([2.0, 0.5, 3.0])
    raw = _inputs(6) * scale + mean
    as_metadata = network_model(net, mean, scale)
    props = {p.key: p.value for p in as_metadata.metadata_props}
    assert json.loads(props["input_mean"]) == mean.tolist() and json.loads(props["input_scale"]) == scale.tolist()
    assert not [n for n in as_metadata.graph.node if n.op_type in ("Sub", "Div")]
    (y_std,) = ReferenceEvaluator(as_metadata).run(None, {"x": (raw - mean) / scale})
    in_graph = network_model(net, mean, scale, include_standardization=True)
    assert [n.op_type for n in in_graph.graph.node[:2]] == ["Sub", "Div"]
    (y_raw,) = ReferenceEvaluator(in_graph).run(None, {"x": raw})
    expected = net.predict((raw - mean) / scale)
    np.testing.assert_allclose(y_std, expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(y_raw, expected, rtol=0, atol=1e-6)


def test_onnx_refuses_standardization_it_cannot_apply():
    net = _network("tanh")
    with pytest.raises(WorkbenchError, match="needs"):
        network_model(net, include_standardization=True)
    with pytest.raises(WorkbenchError, match="n_0 = 3"):
        network_model(net, [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(WorkbenchError, match="scale > 0"):
        network_model(net, [0.0] * 3, [1.0, 0.0, 1.0])


def test_export_command_writes_a_model_from_weights_and_experiment(tmp_path, capsys):
    experiment = Experiment.load(EXAMPLES_DIR / "default.json")
    run = build(experiment)
    run.trainer.run(steps=30)
    save_weights(tmp_path / "weights.npz", run.network)
    experiment.save(tmp_path / "experiment.json")
    out = tmp_path / "model.onnx"
    status = cli.main(["export", str(tmp_path / "weights.npz"), "--format", "onnx", "--out", str(out),
                       "--experiment", str(tmp_path / "experiment.json"), "--include-standardization"])
    assert status == 0, capsys.readouterr().err
    model = onnx.load(str(out))
    onnx.checker.check_model(model)
    raw = run.data.inverse_transform(run.data.X_test)
    (y,) = ReferenceEvaluator(model).run(None, {"x": raw})
    np.testing.assert_allclose(y, run.network.predict(run.data.X_test), rtol=0, atol=1e-6)


def test_export_command_errors_are_one_line(tmp_path, capsys):
    net = Network.create([3, 2], ["tanh"], seed=0)
    save_weights(tmp_path / "weights.npz", net)
    status = cli.main(["export", str(tmp_path / "weights.npz"), "--out", str(tmp_path / "m.onnx"),
                       "--experiment", str(EXAMPLES_DIR / "default.json")])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1 and "weights.npz" in err
    assert not (tmp_path / "m.onnx").exists()


def test_export_without_onnx_installed_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    save_weights(tmp_path / "weights.npz", _network("tanh"))
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    status = cli.main(["export", str(tmp_path / "weights.npz"), "--out", str(tmp_path / "m.onnx")])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1 and "pip install" in err and "[onnx]" in err


def test_saved_model_round_trips(tmp_path):
    net = _network("silu")
    save_onnx(tmp_path / "m.onnx", net)
    x = _inputs(4)
    (y,) = ReferenceEvaluator(onnx.load(str(tmp_path / "m.onnx"))).run(None, {"x": x})
    np.testing.assert_allclose(y, net.predict(x), rtol=0, atol=1e-6)
