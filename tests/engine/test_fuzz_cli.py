"""Fuzz/soak (issue 18): hypothesis-generated experiments and data through the CLI contract.

Every generated experiment is trained (3 steps) and gradient-checked by `engine.cli.main` in a
subprocess whose address space is capped (RLIMIT_AS) and whose run is timed out: the answer
must be exit status 0, or 1 with exactly one "backprop-workbench: error: …" line on stderr —
never an uncaught exception, a hang, an abort or a blow-up.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 * 1024**3  # bytes of address space for the whole batch
TIMEOUT = 60  # seconds for the whole batch

DRIVER = """
import contextlib, io, json, sys, traceback
from engine.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(argv)
        except BaseException:
            status, text = "raised", traceback.format_exc()
        else:
            text = err.getvalue()
    results.append([status, text])
print(json.dumps(results))
"""

NASTY = st.one_of(
    st.integers(-3, 3), st.sampled_from([2**31, 2**63, 10**30, -(2**63)]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -1e308, 5e-324, -0.0, 1e155]),
    st.none(), st.booleans(), st.text(max_size=8), st.lists(st.integers(-1, 5), max_size=4), st.just({}),
)
ACTIVATIONS = st.sampled_from(["identity", "sigmoid", "tanh", "relu", "softmax", "elu", "silu", "tanh", "nope"])
SIZES = st.lists(st.integers(0, 6), min_size=1, max_size=5).map(lambda s: [2, *s])
SETTINGS = {
    "seed": NASTY, "dataset.samples": st.one_of(st.integers(-1, 60), NASTY), "dataset.noise": NASTY,
    "dataset.test_fraction": st.one_of(st.floats(0, 1), NASTY), "dataset.standardize": NASTY,
    "network.init": st.sampled_from(["uniform", "zeros", "he_normal", "xavier_uniform", "bad"]),
    "network.init_scale": NASTY, "network.dtype": st.sampled_from(["float32", "float64", "float16"]),
    "training.divergence": st.sampled_from(["l2", "bce", "cross_entropy", "kl", "hinge"]),
    "training.label_smoothing": st.one_of(st.floats(0, 0.6), NASTY), "training.batch_size": st.one_of(
        st.integers(-1, 50), NASTY), "training.l1": NASTY, "training.l2": NASTY,
    "training.optimizer.name": st.sampled_from(["sgd", "adagrad", "rmsprop", "adam", "lbfgs"]),
    "training.optimizer.learning_rate": st.one_of(st.floats(1e-4, 10), NASTY),
    "training.optimizer.eps": NASTY, "training.optimizer.lr_decay": NASTY, "training.optimizer.momentum": NASTY,
    "training.schedule": st.one_of(st.just({"name": "step", "gamma": 0.5}), NASTY),
    "training.evaluate_every": NASTY,
}


def _set(doc: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    node = doc
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


@st.composite
def experiments(draw) -> dict:
    builtin = draw(st.sampled_from(["xor", "blobs", "sine", "spirals_k", "points", "csv"]))
    sizes = draw(SIZES)
    if draw(st.booleans()) or draw(st.booleans()):  # mostly: the output size the data calls for
        sizes[-1] = {"xor": 1, "sine": 1, "points": 1, "csv": 1}.get(builtin, 3)
    doc = {"format": "backprop-workbench-experiment", "version": 1, "seed": 0,
           "dataset": {"builtin": builtin, "samples": 30},
           "network": {"sizes": sizes, "activations": draw(st.lists(ACTIVATIONS, min_size=len(sizes) - 1,
                                                                     max_size=len(sizes) - 1))},
           "training": {"divergence": "l2", "optimizer": {"name": "sgd", "learning_rate": 0.1}}}
    if builtin in ("points", "csv"):
        rows = draw(st.integers(1, 8))
        values = st.one_of(st.floats(-1e308, 1e308), st.sampled_from([0.0, 1e155, -1e200, 1.0]))
        X = [[draw(values), draw(values)] for _ in range(rows)]
        labels = draw(st.lists(st.integers(0, 1), min_size=rows, max_size=rows))
        doc["dataset"] = ({"points": {"X": X, "labels": labels}} if builtin == "points"
                          else {"file": "data.csv", "_csv": [[*x, y] for x, y in zip(X, labels)]})
    for key in draw(st.lists(st.sampled_from(sorted(SETTINGS)), max_size=2, unique=True)):
        if key.startswith("dataset.") and "builtin" not in doc["dataset"]:
            continue
        _set(doc, key, draw(SETTINGS[key]))
    return doc


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_batch(tmp_path: Path, docs: list[dict]) -> list:
    argvs = []
    for i, doc in enumerate(docs):
        folder = tmp_path / f"e{i}"
        folder.mkdir(exist_ok=True)
        rows = doc["dataset"].pop("_csv", None)
        if rows is not None:
            (folder / "data.csv").write_text("x1,x2,y\n" + "".join(",".join(map(repr, r)) + "\n" for r in rows))
        (folder / "e.json").write_text(json.dumps(doc))
        argvs.append(["train", str(folder / "e.json"), "--steps", "3", "--quiet", "--out", str(folder / "run")])
        argvs.append(["gradcheck", str(folder / "e.json"), "--samples", "2"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    r = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(argvs)], env=env, capture_output=True, text=True,
                       timeout=TIMEOUT, preexec_fn=_limit_memory)
    assert r.returncode == 0, f"the driver died ({r.returncode}): {r.stderr[-2000:]}"
    return list(zip(argvs, json.loads(r.stdout)))


def check_contract(results) -> None:
    for argv, (status, err) in results:
        assert status != "raised", f"{argv}: uncaught exception\n{err}"
        assert status in (0, 1), f"{argv}: exit status {status}"
        lines = [line for line in err.splitlines() if line.strip()]
        if status == 1 and argv[0] == "train" or lines:
            assert len(lines) == 1 and lines[0].startswith("backprop-workbench: error: "), f"{argv}: {err}"
            assert "not enough memory" not in lines[0], f"{argv}: {err}"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=st.lists(experiments(), min_size=6, max_size=6))
def test_generated_experiments_keep_the_cli_contract(tmp_path, docs):
    check_contract(run_batch(tmp_path, docs))
