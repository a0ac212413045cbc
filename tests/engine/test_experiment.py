"""Experiment files: round trips, defaults, errors naming the key, atomic save, fuzzing, build()."""

from __future__ import annotations

import copy
import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Network, spawn_seeds
from engine.core.errors import ExperimentError, WorkbenchError
from engine.io.experiment import EXAMPLES_DIR, FORMAT, Experiment, default_experiment, examples
from engine.run import build

EXAMPLE = {
    "format": "backprop-workbench-experiment", "version": 1, "seed": 0,
    "dataset": {"builtin": "spirals", "samples": 400, "noise": 0.1, "test_fraction": 0.5},
    "network": {"sizes": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"], "init": "xavier_uniform"},
    "training": {"divergence": "bce", "label_smoothing": 0.0, "batch_size": 10, "shuffle": True,
                 "l1": 0.0, "l2": 0.0, "optimizer": {"name": "sgd", "learning_rate": 0.03, "momentum": 0.0}},
}
MINIMAL = {"format": FORMAT, "version": 1, "dataset": {"builtin": "xor"},
           "network": {"sizes": [2, 4, 1], "activations": ["tanh", "sigmoid"]}}


def doc(**changes):
    """EXAMPLE with changes at dotted paths; the value DELETE removes the key."""
    d = copy.deepcopy(EXAMPLE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = d
        for p in parents:
            node = node.setdefault(p, {})
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return d


DELETE = object()


# -- reading and writing ----------------------------------------------------------------
def test_example_document_reads_as_written():
    e = Experiment.from_dict(EXAMPLE)
    assert e.seed == 0 and e.dataset.source == "builtin" and e.dataset.name == "spirals"
    assert dict(e.dataset.parameters)["samples"] == 400 and e.dataset.test_fraction == 0.5
    assert e.network.sizes == (2, 8, 8, 1) and e.network.activations == ("tanh", "tanh", "sigmoid")
    assert e.training.divergence == "bce" and e.training.optimizer.name == "sgd"
    assert e.training.optimizer.learning_rate == 0.03


def test_to_dict_round_trip_and_every_key_written():
    e = Experiment.from_dict(EXAMPLE)
    d = e.to_dict()
    assert Experiment.from_dict(d) == e
    assert json.loads(json.dumps(d)) == d
    for section, keys in {"network": {"sizes", "activations", "init", "init_scale", "dtype", "input_features"},
                          "training": {"divergence", "label_smoothing", "batch_size", "shuffle", "l1", "l2",
                                       "optimizer", "schedule", "evaluate_every"}}.items():
        assert set(d[section]) == keys


def test_save_load_round_trip(tmp_path):
    e = Experiment.from_dict(EXAMPLE)
    e.save(tmp_path / "e.json")
    loaded = Experiment.load(tmp_path / "e.json")
    assert loaded == e and loaded.base_dir == tmp_path
    assert json.loads((tmp_path / "e.json").read_text())["format"] == FORMAT


def test_points_round_trip_classification_and_regression(tmp_path):
    pts = dict(MINIMAL, dataset={"points": {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "labels": [0, 1, 1, 0],
                                            "classes": ["off", "on"]}})
    reg = dict(MINIMAL, dataset={"points": {"X": [[0.0], [0.5], [1.0]], "targets": [0.1, 0.2, 0.3]}},
               network={"sizes": [1, 3, 1], "activations": ["tanh", "identity"]})
    for d in (pts, reg):
        e = Experiment.from_dict(d)
        e.save(tmp_path / "p.json")
        assert Experiment.load(tmp_path / "p.json") == e
    run = build(Experiment.from_dict(reg))
    assert run.data.problem == "regression" and run.data.n_outputs == 1


def test_defaults_are_the_documented_ones():
    e = Experiment.from_dict(MINIMAL)
    t = e.training
    assert e.seed == 0 and e.dataset_seed == 0
    assert (t.divergence, t.label_smoothing, t.batch_size, t.shuffle, t.l1, t.l2) == ("l2", 0.0, 10, True, 0.0, 0.0)
    assert t.optimizer.name == "sgd" and t.optimizer.learning_rate == 1e-3  # engine.core.optimizers.SGD default
    assert t.schedule.name == "constant" and t.evaluate_every is None
    assert (e.network.init, e.network.init_scale, e.network.dtype) == ("xavier_uniform", 0.5, "float64")
    assert (e.dataset.test_fraction, e.dataset.standardize, e.dataset.seed) == (0.0, True, None)
    assert dict(e.dataset.parameters) == {"samples": 200, "noise": 0.05}  # the generator's defaults


def test_dataset_seed_defaults_to_the_experiment_seed():
    assert Experiment.from_dict(dict(MINIMAL, seed=7)).dataset_seed == 7
    d = dict(MINIMAL, seed=7, dataset={"builtin": "xor", "seed": 3})
    assert Experiment.from_dict(d).dataset_seed == 3


# -- errors naming the key ------------------------------------------------------------------
BAD = [
    (doc(training__batch_size=-3), "training.batch_size", "must be a whole number between 1 and 1_000_000, got -3"),
    (doc(training__batch_size=True), "training.batch_size", "true"),
    (doc(training__batch_size=2.5), "training.batch_size", "whole number"),
    (doc(training__optimizer__learning_rate=0), "training.optimizer.learning_rate", "> 0"),
    (doc(training__optimizer__learning_rate=-0.1), "training.optimizer.learning_rate", "> 0"),
    (doc(training__optimizer__learning_rate=float("inf")), "training.optimizer.learning_rate", "finite"),
    (doc(training__optimizer__learning_rate=float("nan")), "training.optimizer.learning_rate", "finite"),
    (doc(training__optimizer__learning_rate=True), "training.optimizer.learning_rate", "number"),
    (doc(training__optimizer__learning_rate="0.1"), "training.optimizer.learning_rate", "number"),
    (doc(training__optimizer__name="adamw"), "training.optimizer.name", "adamw"),
    (doc(training__optimizer__beta1=0.9), "training.optimizer.beta1", "unknown key"),
    (doc(training__optimizer__momentum=1.5), "training.optimizer.momentum", "momentum"),
    (doc(training__optimizer__nesterov=1), "training.optimizer.nesterov", "true or false"),
    (doc(training__optimizer="sgd"), "training.optimizer", "object"),
    (doc(training__learning_rate=0.1), "training.learning_rate", "training.optimizer.learning_rate"),
    (doc(training__divergence="mse"), "training.divergence", "mse"),
    (doc(training__label_smoothing=0.5), "training.label_smoothing", "0.5"),
    (doc(training__l2=-1), "training.l2", "≥ 0"),
    (doc(training__shuffle="yes"), "training.shuffle", "true or false"),
    (doc(training__schedule={"name": "cosine"}), "training.schedule.name", "cosine"),
    (doc(training__schedule={"name": "step", "gamma": 2.0}), "training.schedule.gamma", "gamma"),
    (doc(training__evaluate_every=0), "training.evaluate_every", "≥ 1"),
    (doc(network__sizes=[2, 0, 8, 1]), "network.sizes[1]", "got 0"),
    (doc(network__sizes=[2, -8, 8, 1]), "network.sizes[1]", "got -8"),
    (doc(network__sizes=["2", 8, 8, 1]), "network.sizes[0]", "whole number"),
    (doc(network__sizes=[2]), "network.sizes", "at least 2"),
    (doc(network__sizes="2-8-8-1"), "network.sizes", "list"),
    (doc(network__sizes=DELETE), "network.sizes", "missing"),
    (doc(network__sizes=[3, 8, 8, 1]), "network.sizes", "2 input features"),
    (doc(network__sizes=[2, 8, 8, 3]), "network.sizes", "last size must be 1 or 2"),
    (doc(network__activations=["tanh", "tanhh", "sigmoid"]), "network.activations[1]", "tanhh"),
    (doc(network__activations=["tanh", "sigmoid"]), "network.activations", "need 3 activations"),
    (doc(network__activations=["softmax", "tanh", "sigmoid"]), "network.activations[0]", "output layer"),
    (doc(network__init="glorot"), "network.init", "glorot"),
    (doc(network__init_scale=0), "network.init_scale", "in (0, 1e+06]"),
    (doc(network__init_scale=20.0), "network.init_scale", "only init \"uniform\" has a scale"),
    (doc(network__dtype="float16"), "network.dtype", "float16"),
    (doc(dataset__test_fraction=1.0), "dataset.test_fraction", "[0, 1)"),
    (doc(dataset__test_fraction=-0.1), "dataset.test_fraction", "[0, 1)"),
    (doc(dataset__builtin="spiral"), "dataset.builtin", "spiral"),
    (doc(dataset__samples=0), "dataset.samples", "got 0"),
    (doc(dataset__noise=-1.0), "dataset.noise", "-1"),
    (doc(dataset__classes=3), "dataset.classes", "unknown key"),
    (doc(dataset__bundled="iris"), "dataset", "exactly one source"),
    (doc(dataset={"test_fraction": 0.2}), "dataset", "exactly one source"),
    (doc(dataset={"builtin": "spirals_k", "classes": 1}), "dataset.classes", "between 2"),
    (doc(dataset={"bundled": "mnist"}), "dataset.bundled", "mnist"),
    (doc(dataset={"file": ""}), "dataset.file", "empty"),
    (doc(dataset={"file": "a.csv", "features": [1.5]}), "dataset.features[0]", "column"),
    (doc(dataset={"points": {"X": [[0, 0], [1, 1]], "labels": [0]}}), "dataset.points.labels", "1 labels for 2"),
    (doc(dataset={"points": {"X": [[0, 0], [1]], "labels": [0, 1]}}), "dataset.points.X[1]", "coordinates"),
    (doc(dataset={"points": {"X": [[0, 0], [1, 1]], "labels": [0, 0]}}), "dataset.points", "1 classes"),
    (doc(dataset={"points": {"X": [[0, 0]], "labels": [0], "targets": [1.0]}}), "dataset.points", "exactly one"),
    (doc(dataset={"points": {"X": [[0, float("nan")]], "targets": [1.0]}}), "dataset.points.X[0][1]", "finite"),
    (doc(seed=-1), "seed", "≥ 0"),
    (doc(seed=True), "seed", "whole number"),
    (doc(comment="hi"), "comment", "unknown key"),
    (doc(format="something-else"), "format", FORMAT),
    (doc(format=DELETE), "format", "missing"),
    (doc(version=2), "version", "newer"),
    (doc(version=0), "version", "≥ 1"),
    (doc(version="1"), "version", "whole number"),
    (doc(network=DELETE), "network", "missing"),
    ([1, 2, 3], "", "JSON object"),
]


@pytest.mark.parametrize("document, key, fragment", BAD, ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(BAD)])
def test_bad_value_names_the_key(document, key, fragment):
    with pytest.raises(ExperimentError) as info:
        Experiment.from_dict(document)
    err = info.value
    assert err.key == key
    assert str(err).startswith(f"{key}: " if key else "")
    assert fragment in str(err)
    assert isinstance(err, WorkbenchError) and isinstance(err, ValueError)


def test_batch_size_message_is_exact():
    with pytest.raises(ExperimentError, match=r"^training\.batch_size: must be a whole number between 1 and 1_000_000, got -3$"):
        Experiment.from_dict(doc(training__batch_size=-3))


def test_newer_version_file_is_refused(tmp_path):
    (tmp_path / "new.json").write_text(json.dumps(doc(version=2, hologram={"depth": 3})))
    with pytest.raises(ExperimentError, match="newer") as info:
        Experiment.load(tmp_path / "new.json")
    assert info.value.key == "version"  # refused for its version, before the unknown key


@pytest.mark.parametrize("text, fragment", [
    ('{"format": ', "not valid JSON: line 1"),
    ('{"format": NaN}', "NaN"),
    (b"\xff\xfe{", "UTF-8"),
])
def test_broken_file_is_a_clear_error(tmp_path, text, fragment):
    path = tmp_path / "broken.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ExperimentError, match=fragment):
        Experiment.load(path)


# -- atomic save ------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["replace", "fsync"])
def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch, target):
    path = tmp_path / "e.json"
    Experiment.from_dict(EXAMPLE).save(path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    import engine.io.atomic
    monkeypatch.setattr(engine.io.atomic.os, target, fail)
    changed = Experiment.from_dict(doc(seed=99))
    with pytest.raises(OSError):
        changed.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.json"]  # no temporary left behind


def test_relative_data_file_follows_the_experiment(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "points.csv").write_text("a,b,label\n0,0,x\n1,1,y\n0,1,x\n1,0,y\n")
    (tmp_path / "exp").mkdir()
    d = dict(MINIMAL, dataset={"file": "../data/points.csv", "features": ["a", "b"], "target": "label"})
    (tmp_path / "exp" / "e.json").write_text(json.dumps(d))
    e = Experiment.load(tmp_path / "exp" / "e.json")
    (tmp_path / "other" / "deeper").mkdir(parents=True)
    saved = e.save(tmp_path / "other" / "deeper" / "e.json")
    written = json.loads((tmp_path / "other" / "deeper" / "e.json").read_text())
    assert written["dataset"]["file"] == "../../data/points.csv"
    run = build(Experiment.load(tmp_path / "other" / "deeper" / "e.json"))
    assert run.data.n_train == 4 and saved.dataset.name == "../../data/points.csv"


# -- fuzzing: anything JSON-like either loads or is an ExperimentError -----------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
PATHS = ["seed", "version", "dataset", "dataset.builtin", "dataset.samples", "dataset.noise", "dataset.turns",
         "dataset.test_fraction", "dataset.seed", "dataset.points", "dataset.file", "network", "network.sizes",
         "network.activations", "network.init", "network.dtype", "network.init_scale", "training",
         "training.batch_size", "training.optimizer", "training.optimizer.name",
         "training.optimizer.learning_rate", "training.schedule", "training.divergence", "training.evaluate_every"]


def _outcome(document):
    try:
        return Experiment.from_dict(document)
    except ExperimentError as exc:
        assert exc.key is not None
        return exc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_fuzz_random_documents(value):
    _outcome(value)
    if isinstance(value, dict):
        _outcome({**value, "format": FORMAT, "version": 1})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), json_values)
def test_fuzz_one_entry_of_a_valid_document(path, value):
    d = copy.deepcopy(EXAMPLE)
    *parents, last = path.split(".")
    node = d
    for p in parents:
        if not isinstance(node.get(p), dict):
            node[p] = {}
        node = node[p]
    node[last] = value
    result = _outcome(d)
    if isinstance(result, Experiment):
        assert Experiment.from_dict(result.to_dict()) == result


# -- changes ---------------------------------------------------------------------------------
def test_with_dataset_sizes_keeps_hidden_sizes():
    e = Experiment.from_dict(doc(dataset={"builtin": "spirals_k", "classes": 4}, network__sizes=[2, 8, 8, 4],
                                 network__activations=["tanh", "tanh", "softmax"], training__divergence="cross_entropy"))
    assert e.network.sizes == (2, 8, 8, 4)
    with pytest.raises(ExperimentError, match="network.sizes"):
        e.with_dataset_sizes(2, 3)
    iris = Experiment.from_dict({**e.to_dict(), "dataset": {"bundled": "iris"}, "network": {
        **e.to_dict()["network"], "sizes": [4, 8, 8, 3]}})
    assert iris.with_dataset_sizes(4, 3).network.sizes == (4, 8, 8, 3)


def test_with_training_stores_mid_run_changes(tmp_path):
    run = build(Experiment.from_dict(EXAMPLE))
    run.trainer.run(steps=5)
    run.trainer.configure(optimizer="adam", learning_rate=0.005, batch_size=20, divergence="l2", l2=1e-4,
                          schedule={"name": "step", "gamma": 0.5, "step_size": 50})
    e = run.current_experiment()
    t = e.training
    assert (t.optimizer.name, t.optimizer.learning_rate, t.batch_size, t.divergence, t.l2) == \
        ("adam", 0.005, 20, "l2", 1e-4)
    assert t.schedule.name == "step" and t.evaluate_every is None
    e.save(tmp_path / "changed.json")
    assert Experiment.load(tmp_path / "changed.json") == e
    run.trainer.configure(learning_rate=0.0)
    with pytest.raises(ExperimentError, match="training.optimizer.learning_rate"):
        Experiment.from_dict(EXAMPLE).with_training(run.trainer)
    run.trainer.configure(learning_rate=0.01, evaluate_every=7)
    assert Experiment.from_dict(EXAMPLE).with_training(run.trainer).training.evaluate_every == 7


# -- build ----------------------------------------------------------------------------------
def test_build_is_deterministic_from_the_seed():
    e = Experiment.from_dict(EXAMPLE)
    a, b = build(e), build(e)
    expected = Network.create([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=spawn_seeds(0)[0])
    np.testing.assert_array_equal(a.network.parameters, expected.parameters)
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    a.trainer.run(steps=60)
    b.trainer.run(steps=30)
    b.trainer.run(steps=30)
    np.testing.assert_array_equal(a.network.parameters, b.network.parameters)
    other = build(Experiment.from_dict(doc(seed=1)))
    assert not np.array_equal(other.network.parameters, a.network.parameters)
    assert not np.array_equal(other.data.X_train, a.data.X_train)
    assert a.data.n_test == 200 and a.trainer.x_test is not None


def test_build_checks_sizes_against_a_data_file(tmp_path):
    (tmp_path / "three.csv").write_text("a,b,c,label\n0,0,0,0\n1,1,1,1\n0,1,0,0\n1,0,1,1\n")
    d = dict(MINIMAL, dataset={"file": "three.csv"})
    (tmp_path / "e.json").write_text(json.dumps(d))
    with pytest.raises(ExperimentError) as info:
        build(Experiment.load(tmp_path / "e.json"))
    assert info.value.key == "network.sizes" and "3 input features" in str(info.value)


def test_build_reports_a_missing_data_file(tmp_path):
    with pytest.raises(ExperimentError) as info:
        build(Experiment.from_dict(dict(MINIMAL, dataset={"file": "nowhere.csv"})), base_dir=tmp_path)
    assert info.value.key == "dataset.file" and "nowhere.csv" in str(info.value)


def test_bundled_dataset_builds():
    d = dict(MINIMAL, dataset={"bundled": "iris", "test_fraction": 0.2},
             network={"sizes": [4, 5, 3], "activations": ["tanh", "softmax"]})
    run = build(Experiment.from_dict(d))
    assert run.data.n_train + run.data.n_test == 150 and run.trainer.step()


# -- shipped examples ----------------------------------------------------------------------------
def test_examples_are_shipped():
    assert {"default", "xor_tanh", "spiral_softmax", "sine_regression", "l2_vs_cross_entropy_l2",
            "l2_vs_cross_entropy_ce", "diverging_learning_rate"} <= set(examples())
    e = default_experiment()
    assert e.dataset.name == "spirals" and e.network.sizes == (2, 8, 8, 1)
    assert e.training.divergence == "bce" and e.dataset.test_fraction == 0.5
    assert EXAMPLES_DIR.is_dir()


def _accuracy(run):
    run.trainer.evaluate()
    return run.trainer.history.evaluation("train_accuracy")[-1]


def test_xor_reaches_100_percent_quickly():
    run = build(Experiment.load(EXAMPLES_DIR / "xor_tanh.json"))
    run.trainer.run(steps=200)
    assert _accuracy(run) == 1.0


def test_diverging_example_diverges_within_a_few_hundred_steps():
    run = build(Experiment.load(EXAMPLES_DIR / "diverging_learning_rate.json"))
    with np.errstate(all="ignore"):
        reason = run.trainer.run(steps=500)
    assert reason.kind == "diverged" and 20 < reason.step < 500
    assert np.isfinite(run.network.parameters).all()


def test_l2_vs_cross_entropy_differ_only_in_the_divergence():
    l2, ce = (Experiment.load(EXAMPLES_DIR / f"l2_vs_cross_entropy_{s}.json") for s in ("l2", "ce"))
    assert l2.training.divergence == "l2" and ce.training.divergence == "cross_entropy"
    assert l2.to_dict()["dataset"] == ce.to_dict()["dataset"] and l2.network == ce.network and l2.seed == ce.seed
    runs = [build(e) for e in (l2, ce)]
    np.testing.assert_array_equal(runs[0].network.parameters, runs[1].network.parameters)
    for r in runs:
        r.trainer.run(steps=2000)
    assert _accuracy(runs[1]) > _accuracy(runs[0])  # cross-entropy learns faster through the softmax


def test_default_example_learns_visibly():
    run = build(default_experiment())
    before = _accuracy(run)
    run.trainer.run(steps=20_000)
    assert before < 0.7 < 0.9 < _accuracy(run)


def test_evaluation_never_overwrites_the_test_set():
    """Regression: evaluate() once shared trace buffers with training, so with n_test equal to the
    batch size the next mini-batch was written into the test inputs (or failed on read-only data)."""
    d = dict(MINIMAL, dataset={"builtin": "xor", "samples": 40, "test_fraction": 0.25},
             training={"batch_size": 10, "evaluate_every": 2, "divergence": "bce"})
    run = build(Experiment.from_dict(d))
    assert run.data.n_test == run.trainer.batch_size == 10
    x_test = np.array(run.trainer.x_test, copy=True)
    run.trainer.run(steps=9)
    np.testing.assert_array_equal(run.trainer.x_test, x_test)
    writable = np.array(run.data.X_train, copy=True), np.array(run.data.X_test, copy=True)
    from engine import Trainer
    t = Trainer(run.network, writable[0], run.data.labels_train, x_test=writable[1],
                targets_test=run.data.labels_test, batch_size=10, evaluate_every=2)
    t.run(steps=9)
    np.testing.assert_array_equal(writable[1], x_test)


def test_experiments_are_immutable_and_copyable():
    e = Experiment.from_dict(EXAMPLE)
    assert copy.deepcopy(e) == e and copy.copy(e) == e
    with pytest.raises(TypeError):
        e.training.optimizer.hyperparameters["learning_rate"] = 1.0
    with pytest.raises(AttributeError):
        e.seed = 3


def test_nesterov_with_momentum_loads_and_without_it_names_the_optimizer():
    from engine.core.errors import ExperimentError
    from engine.io.experiment import OptimizerSettings
    ok = OptimizerSettings.from_dict({"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True})
    assert ok.create().nesterov
    with pytest.raises(ExperimentError, match=r"training\.optimizer.*nesterov needs a momentum"):
        OptimizerSettings.from_dict({"name": "sgd", "learning_rate": 0.1, "nesterov": True})


def test_validated_reuses_a_read_experiment_and_rechecks_a_hand_made_copy():
    """An experiment `from_dict` read is already checked: `validated` (which `build` calls) returns
    it as it is, and it equals a fresh re-read of every shipped experiment; a copy made with
    `replace` is checked again, so a setting changed by hand cannot slip past."""
    for path in examples().values():
        experiment = Experiment.load(path)
        assert experiment.validated() is experiment
        assert Experiment.from_dict(experiment.to_dict(), experiment.base_dir) == experiment
    bad = dataclasses.replace(default_experiment(), seed=-1)
    with pytest.raises(ExperimentError, match="seed"):
        bad.validated()


def test_generator_parameters_are_checked_in_one_small_draw_and_a_bad_one_is_named(monkeypatch):
    """Reading a built-in dataset's settings draws once from the generator with all of them (not
    once per parameter: a sweep reads an experiment per run); a refused value still names its key."""
    import engine.io.dataset_settings as settings

    document = default_experiment().to_dict()
    calls = []
    real = settings.generate
    monkeypatch.setattr(settings, "generate", lambda *a, **k: (calls.append(k), real(*a, **k))[1])
    Experiment.from_dict(document)
    assert len(calls) == 1 and calls[0]["samples"] == 4
    document["dataset"]["turns"] = -3.0
    with pytest.raises(ExperimentError, match="dataset.turns"):
        Experiment.from_dict(document)
