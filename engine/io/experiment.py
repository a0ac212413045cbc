"""Experiment files: one JSON document that fully determines a training run.

    {"format": "backprop-workbench-experiment", "version": 1, "seed": 0,
     "dataset": {"builtin": "spirals", "samples": 400, "noise": 0.1, "test_fraction": 0.5},
     "network": {"sizes": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"]},
     "training": {"divergence": "bce", "batch_size": 10,
                  "optimizer": {"name": "sgd", "learning_rate": 0.03}}}

The seed s determines everything: the dataset (unless dataset.seed is given), the split, the
initial weights W^(k) (first child of SeedSequence(s)) and the shuffling (second child).

Keys and defaults (required keys have no default):
    format                      required, "backprop-workbench-experiment"
    version                     required, 1 (a newer version is refused)
    seed                        0
    dataset                     required: see engine.io.dataset_settings (builtin / bundled / file /
                                points); test_fraction 0.0, standardize true, seed = experiment seed,
                                generator parameters = the generator's defaults
    network.sizes               required, [n_0, …, n_N], n_0 = inputs, n_N = outputs of the data
    network.activations         required, one per layer k = 1..N (softmax only on layer N)
    network.init                "xavier_uniform"
    network.init_scale          0.5 (the a of init "uniform": w ~ U(−a, a); another value with another init is refused)
    network.dtype               "float64" (or "float32")
    network.input_features      [] (derived inputs, e.g. ["x1^2", "x2^2", "x1*x2"]: engine.data.features;
                                sizes[0] counts them)
    training.divergence         "l2"
    training.label_smoothing    0.0
    training.batch_size         10
    training.shuffle            true
    training.l1, training.l2    0.0, 0.0
    training.optimizer          {"name": "sgd"}; missing hyperparameters take the optimiser's
                                defaults (engine.core.optimizers), learning_rate must be > 0
    training.schedule           {"name": "constant"} (gamma 0.5, step_size 100, decay 0.01)
    training.evaluate_every     null: about every 10 epochs (the trainer's default)

Every problem raises `ExperimentError` naming the key, e.g.
"training.batch_size: must be a whole number between 1 and 1_000_000, got -3". `to_dict` writes every key.

Limits, checked before memory is spent: the file is a regular file of at most
`MAX_EXPERIMENT_BYTES`; at most `MAX_LAYERS` layers, `MAX_UNITS` units per layer and
`MAX_PARAMETERS` parameters; init_scale at most `MAX_INIT_SCALE`; batch_size at most `MAX_BATCH_SIZE`. A key given twice in one
object is refused (JSON would silently keep the last); a UTF-8 byte-order mark is accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from engine.core import initializers, optimizers
from engine.core.activations import ACTIVATIONS
from engine.core.divergences import DIVERGENCES
from engine.core.errors import ConfigurationError, ExperimentError
from engine.core.network import DTYPES, MAX_LAYERS, MAX_SEED, SOFTMAX_ONE_OUTPUT
from engine.core.schedules import SCHEDULES, Schedule
from engine.data.features import FEATURES
from engine.data.reading import read_limited
from engine.data.resources import resource_dir
from engine.io import atomic
from engine.io.dataset_settings import DatasetSettings, check_sizes
from engine.io.validation import Section, array, boolean, describe, join, number, string, whole
from engine.training.trainer import MAX_BATCH_SIZE

FORMAT = "backprop-workbench-experiment"
VERSION = 1
MAX_UNITS = 100_000  # per layer
MAX_PARAMETERS = 50_000_000  # 400 MB of float64
MAX_EXPERIMENT_BYTES = 16 * 1024 * 1024  # drawn points included; a hand-written file is a few kB
MAX_INIT_SCALE = 1e6  # w ~ U(−a, a): beyond this every activation saturates or overflows at once
EXAMPLES_DIR = resource_dir("experiments")


@dataclass(frozen=True)
class NetworkSettings:
    """Sizes n_0..n_N, the activation f_k of each layer k = 1..N, initialiser and float type."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    init: str = "xavier_uniform"
    init_scale: float = initializers.DEFAULT_UNIFORM_SCALE
    dtype: str = "float64"
    input_features: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Any) -> "NetworkSettings":
        s = Section(data, "network")
        key = s.key("sizes")
        listed = array(s.take("sizes"), key, 2)
        if len(listed) - 1 > MAX_LAYERS:
            raise ExperimentError(key, f"{len(listed) - 1:_} layers is more than the {MAX_LAYERS:_} allowed")
        sizes = tuple(whole(n, join(key, i), 1, MAX_UNITS) for i, n in enumerate(listed))
        key = s.key("activations")
        names = array(s.take("activations"), key)
        if len(names) != len(sizes) - 1:
            raise ExperimentError(key, f"{len(sizes) - 1} layers (sizes {list(sizes)}) need {len(sizes) - 1} "
                                  f"activations, got {len(names)}")
        acts = tuple(string(a, join(key, i), ACTIVATIONS, "activation") for i, a in enumerate(names))
        for i, a in enumerate(acts[:-1]):
            if ACTIVATIONS[a].is_vector:
                raise ExperimentError(join(key, i), f"{a} is only offered on the output layer, not layer {i + 1}")
        if ACTIVATIONS[acts[-1]].is_vector and sizes[-1] < 2:
            raise ExperimentError(join(key, len(acts) - 1), SOFTMAX_ONE_OUTPUT)
        n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        if n_params > MAX_PARAMETERS:
            raise ExperimentError(s.key("sizes"), f"{n_params:_} parameters is more than the {MAX_PARAMETERS:_} allowed")
        out = cls(
            sizes, acts,
            init=string(s.take("init", cls.init), s.key("init"), initializers.INITIALIZERS, "initialiser"),
            init_scale=number(s.take("init_scale", cls.init_scale), s.key("init_scale"), 0.0, MAX_INIT_SCALE, low_open=True),
            dtype=string(s.take("dtype", cls.dtype), s.key("dtype"), DTYPES, "dtype"),
            input_features=_input_features(s.take("input_features", []), s.key("input_features")),
        )
        if out.init != "uniform" and out.init_scale != cls.init_scale:  # accepted means applied
            raise ExperimentError(s.key("init_scale"), f"only init \"uniform\" has a scale (w ~ U(−a, a)); "
                                  f"{out.init} sets its own from the layer sizes — remove init_scale "
                                  f"or set init to \"uniform\"")
        s.finish()
        return out

    def to_dict(self) -> dict:
        return {"sizes": list(self.sizes), "activations": list(self.activations), "init": self.init,
                "init_scale": self.init_scale, "dtype": self.dtype, "input_features": list(self.input_features)}


def _input_features(value: Any, key: str) -> tuple[str, ...]:
    """Names from engine.data.features; whether they fit the data's dimension is checked at build."""
    names = tuple(string(v, join(key, i), FEATURES, "input feature") for i, v in enumerate(array(value, key)))
    if len(set(names)) != len(names):
        raise ExperimentError(key, "an input feature is listed twice")
    return names


@dataclass(frozen=True)
class OptimizerSettings:
    """An optimiser name (sgd, adagrad, rmsprop, adam) and all its hyperparameters."""

    name: str = "sgd"
    hyperparameters: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType(_defaults(optimizers.OPTIMIZERS["sgd"])))

    def __deepcopy__(self, memo):  # immutable (mappingproxy inside cannot be deep-copied): share it
        return self

    @property
    def learning_rate(self) -> float:
        return self.hyperparameters["learning_rate"]

    @classmethod
    def from_dict(cls, data: Any, path: str = "training.optimizer") -> "OptimizerSettings":
        s = Section(data, path)
        name = string(s.take("name", "sgd"), s.key("name"), optimizers.OPTIMIZERS, "optimizer")
        params = {}
        for key, default in _defaults(optimizers.OPTIMIZERS[name]).items():
            value = s.take(key, default)
            if isinstance(default, bool):
                params[key] = boolean(value, s.key(key))
            elif key == "learning_rate":
                params[key] = number(value, s.key(key), 0.0, low_open=True)
            else:
                params[key] = number(value, s.key(key))
            if isinstance(default, bool):
                continue  # a switch has no range; combinations are checked below
            try:  # the optimiser's own range check, one hyperparameter at a time to name it
                optimizers.create(name, **{key: params[key]})
            except ConfigurationError as exc:
                raise ExperimentError(s.key(key), str(exc)) from None
        s.finish()
        try:
            optimizers.create(name, **params)
        except ConfigurationError as exc:
            raise ExperimentError(path, str(exc)) from None
        return cls(name, MappingProxyType(params))

    def to_dict(self) -> dict:
        return {"name": self.name, **self.hyperparameters}

    def create(self) -> optimizers.Optimizer:
        return optimizers.create(self.name, **self.hyperparameters)


def _defaults(cls) -> dict:
    return {f.name: f.default for f in fields(cls)}


def _schedule(data: Any, path: str = "training.schedule") -> Schedule:
    s = Section(data, path)
    name = string(s.take("name", "constant"), s.key("name"), SCHEDULES, "schedule")
    d = Schedule()
    values = {
        "gamma": number(s.take("gamma", d.gamma), s.key("gamma")),
        "step_size": whole(s.take("step_size", d.step_size), s.key("step_size"), 1),
        "decay": number(s.take("decay", d.decay), s.key("decay")),
    }
    s.finish()
    for key, value in values.items():
        try:
            Schedule(name, **{key: value})
        except ConfigurationError as exc:
            raise ExperimentError(s.key(key), str(exc)) from None
    return Schedule(name, **values)


@dataclass(frozen=True)
class TrainingSettings:
    """Divergence Div, penalties, mini-batch size B, optimiser, schedule of η_t, evaluation rate."""

    divergence: str = "l2"
    label_smoothing: float = 0.0
    batch_size: int = 10
    shuffle: bool = True
    l1: float = 0.0
    l2: float = 0.0
    optimizer: OptimizerSettings = field(default_factory=OptimizerSettings)
    schedule: Schedule = field(default_factory=Schedule)
    evaluate_every: int | None = None

    @classmethod
    def from_dict(cls, data: Any) -> "TrainingSettings":
        s = Section(data, "training")
        d = cls()
        every = s.take("evaluate_every", None)
        out = cls(
            divergence=string(s.take("divergence", d.divergence), s.key("divergence"), DIVERGENCES, "divergence"),
            label_smoothing=number(s.take("label_smoothing", 0.0), s.key("label_smoothing"), 0.0, 0.5, high_open=True),
            batch_size=whole(s.take("batch_size", d.batch_size), s.key("batch_size"), 1, MAX_BATCH_SIZE),
            shuffle=boolean(s.take("shuffle", True), s.key("shuffle")),
            l1=number(s.take("l1", 0.0), s.key("l1"), 0.0),
            l2=number(s.take("l2", 0.0), s.key("l2"), 0.0),
            optimizer=OptimizerSettings.from_dict(s.take("optimizer", {})),
            schedule=_schedule(s.take("schedule", {})),
            evaluate_every=None if every is None else whole(every, s.key("evaluate_every"), 1),
        )
        s.finish({"learning_rate": "the learning rate belongs in training.optimizer.learning_rate"})
        return out

    def to_dict(self) -> dict:
        return {"divergence": self.divergence, "label_smoothing": self.label_smoothing,
                "batch_size": self.batch_size, "shuffle": self.shuffle, "l1": self.l1, "l2": self.l2,
                "optimizer": self.optimizer.to_dict(), "schedule": self.schedule.to_dict(),
                "evaluate_every": self.evaluate_every}


@dataclass(frozen=True)
class Experiment:
    """Dataset, network and training settings plus the seed s of one run.

    `base_dir` (not compared) is the directory a relative dataset file path is read from:
    the experiment file's directory after `load`, else the working directory.
    """

    dataset: DatasetSettings
    network: NetworkSettings
    training: TrainingSettings = field(default_factory=TrainingSettings)
    seed: int = 0
    base_dir: Path | None = field(default=None, compare=False, repr=False)

    @property
    def dataset_seed(self) -> int:
        """The seed of the dataset generator and of the train/test split."""
        return self.seed if self.dataset.seed is None else self.dataset.seed

    # -- dictionaries -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, base_dir=None) -> "Experiment":
        """Check and read an experiment document; any problem is an ExperimentError naming the key."""
        if not isinstance(data, Mapping):
            raise ExperimentError("", f"an experiment is a JSON object {{...}}, got {describe(data)}")
        s = Section(data, "")
        fmt = s.take("format")
        if fmt != FORMAT:
            raise ExperimentError("format", f"must be {FORMAT!r} (is this a Backprop Workbench experiment?), "
                                  f"got {describe(fmt)}")
        version = whole(s.take("version"), "version", 1)
        if version > VERSION:
            raise ExperimentError("version", f"this file is version {version}, written by a newer Backprop "
                                  f"Workbench; this one reads version {VERSION}. Please update.")
        seed = whole(s.take("seed", 0), "seed", 0, MAX_SEED)
        dataset = DatasetSettings.from_dict(s.take("dataset"))
        network = NetworkSettings.from_dict(s.take("network"))
        training = TrainingSettings.from_dict(s.take("training", {}))
        s.finish()
        try:
            DIVERGENCES[training.divergence](training.label_smoothing).check_outputs(network.sizes[-1])
        except ConfigurationError as exc:
            raise ExperimentError("training.divergence", str(exc)) from None
        shape = dataset.shape()
        if shape is not None:  # n_0 counts the derived input features too
            check_sizes(network.sizes, shape[0] + len(network.input_features), *shape[1:])
            if shape[1] == "regression" and training.label_smoothing:
                raise ExperimentError("training.label_smoothing", "label smoothing applies to class labels; this "
                                      "dataset is a regression problem, so it must be 0")
        experiment = cls(dataset, network, training, seed, None if base_dir is None else Path(base_dir))
        object.__setattr__(experiment, "_checked", True)  # not a field: `replace` makes an unchecked copy
        return experiment

    def to_dict(self) -> dict:
        """The JSON document, every key written out."""
        return {"format": FORMAT, "version": VERSION, "seed": self.seed, "dataset": self.dataset.to_dict(),
                "network": self.network.to_dict(), "training": self.training.to_dict()}

    def validated(self) -> "Experiment":
        """The same experiment, checked as if read from a file (settings built by hand are not).

        An experiment `from_dict` read is returned as it is: it was checked then, and is frozen."""
        if getattr(self, "_checked", False):
            return self
        return Experiment.from_dict(self.to_dict(), self.base_dir)

    # -- files --------------------------------------------------------------------------
    @classmethod
    def load(cls, path) -> "Experiment":
        """Read an experiment file (UTF-8 JSON); ExperimentError naming the file if it cannot be read."""
        path = Path(path)
        raw = read_limited(path, MAX_EXPERIMENT_BYTES, lambda reason, where: ExperimentError("", reason, where))
        try:
            data = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
        except ExperimentError as exc:
            raise ExperimentError("", exc.reason, path) from None
        except UnicodeDecodeError:
            raise ExperimentError("", f"{path} is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise ExperimentError("", f"{path} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise ExperimentError("", f"{path} is not valid JSON: {exc}") from None
        try:
            return cls.from_dict(data, base_dir=path.parent)
        except ExperimentError as exc:
            raise ExperimentError(exc.key, exc.reason, path) from None

    def save(self, path) -> "Experiment":
        """Write atomically (the old file survives any failure); returns the experiment as saved.

        A relative dataset file path is rewritten relative to the new file's directory.
        """
        path = Path(path)
        moved = self.relocated(path.parent)
        atomic.write_text(path, dumps(moved.to_dict()) + "\n")
        return moved

    def relocated(self, new_dir) -> "Experiment":
        """The experiment as it reads from `new_dir` (relative dataset paths adjusted)."""
        dataset = self.dataset.relocated(self.base_dir, new_dir)
        return replace(self, dataset=dataset, base_dir=Path(new_dir))

    # -- changes ------------------------------------------------------------------------
    def with_dataset_sizes(self, n_inputs: int, n_outputs: int) -> "Experiment":
        """n_0 and n_N replaced (the hidden sizes kept), e.g. after choosing another dataset."""
        sizes = (n_inputs + len(self.network.input_features), *self.network.sizes[1:-1], n_outputs)
        return replace(self, network=replace(self.network, sizes=sizes)).validated()

    def with_network(self, network) -> "Experiment":
        """Sizes, activations and dtype taken from an `engine.core.network.Network`."""
        settings = replace(self.network, sizes=tuple(network.sizes), activations=tuple(network.activation_names),
                           dtype=network.dtype.name)
        return replace(self, network=settings).validated()

    def with_training(self, trainer) -> "Experiment":
        """The training settings as a `Trainer` has them now (after mid-run changes).

        evaluate_every is kept unset unless the file set it or it was changed on the trainer.
        Raises ExperimentError if a current setting cannot be saved (e.g. learning rate 0).
        """
        hyper = trainer.optimizer.hyperparameters()
        name = hyper.pop("name")
        every = self.training.evaluate_every
        if every is not None or any(e.name == "evaluate_every" for e in trainer.history.events):
            every = int(trainer.evaluate_every)
        training = TrainingSettings(
            divergence=trainer.divergence.name, label_smoothing=float(trainer.divergence.label_smoothing),
            batch_size=int(trainer.batch_size), shuffle=bool(trainer.shuffle), l1=float(trainer.l1),
            l2=float(trainer.l2), optimizer=OptimizerSettings(name, MappingProxyType(hyper)),
            schedule=trainer.schedule, evaluate_every=every)
        return replace(self, training=training).validated()


def _no_duplicates(pairs: list) -> dict:
    """A JSON object, refusing a key given twice (plain json.loads keeps the last one silently)."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise ExperimentError("", f"the key {key!r} appears twice in one object; keep one")
        out[key] = value
    return out


def _no_constant(name: str):
    raise ValueError(f"{name} is not allowed in an experiment (numbers must be finite)")


def dumps(document: Any, indent: int = 0) -> str:
    """JSON with objects indented and lists of numbers kept on one line (drawn points stay compact)."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(document, Mapping):
        if not document:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in document.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(document, (list, tuple)) and any(isinstance(v, (Mapping, list, tuple)) for v in document):
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in document) + "\n" + pad + "]"
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


def default_experiment() -> Experiment:
    """The GUI's ready default: two-arm spirals, 2-8-8-1 tanh/tanh/sigmoid, bce."""
    return Experiment.load(EXAMPLES_DIR / "default.json")


def examples() -> dict[str, Path]:
    """The shipped example experiments by name (file stem)."""
    return {p.stem: p for p in sorted(EXAMPLES_DIR.glob("*.json"))}
