"""GUI-side state of one open experiment: the experiment document, its file, dirty flag, undo.

This is the one place that knows how an experiment document turns into a training run and
how a settings change is written back into it. It uses `engine.experiment` (branch
`experiment`) when that module exists, and a small dictionary-based stand-in with the same
contract (`default_experiment`, `Experiment.load/save/to_dict/from_dict`, `build -> Run`)
until then.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path

from engine import Network, Trainer, optimizers
from engine.errors import ConfigurationError
from engine.schedules import Schedule

try:  # the real experiment module, once branch `experiment` is merged
    from engine import experiment as _experiment  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on merge state
    _experiment = None

FORMAT = "backprop-workbench-experiment"
VERSION = 1

#: The training settings the run controls edit, with their engine `configure` names.
SETTING_KEYS = ("learning_rate", "optimizer", "optimizer_params", "divergence", "label_smoothing",
                "batch_size", "shuffle", "l1", "l2", "schedule")


def _default_document() -> dict:
    """Two spirals, a small tanh network, Adam: Space trains it to a clean boundary in seconds."""
    return {
        "format": FORMAT, "version": VERSION, "seed": 0,
        "dataset": {"name": "spirals", "params": {"samples": 300, "noise": 0.02, "seed": 0},
                    "test_fraction": 0.2, "standardize": True},
        "network": {"sizes": [2, 16, 16, 1], "activations": ["tanh", "tanh", "sigmoid"],
                    "init": "xavier_uniform", "dtype": "float64"},
        "training": {"divergence": "bce", "label_smoothing": 0.0,
                     "optimizer": {"name": "adam", "learning_rate": 0.01},
                     "batch_size": 16, "shuffle": True, "l1": 0.0, "l2": 0.0,
                     "schedule": {"name": "constant"}},
    }


class Experiment:
    """Stand-in experiment document (a JSON dictionary) until `engine.experiment` lands."""

    def __init__(self, document: dict):
        self.document = document

    @classmethod
    def from_dict(cls, document: dict) -> "Experiment":
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ConfigurationError("this is not a Backprop Workbench experiment file")
        if int(document.get("version", 0)) > VERSION:
            raise ConfigurationError(f"the experiment file has version {document['version']}; "
                                     f"this program reads up to version {VERSION}")
        merged = _default_document()
        for key, value in document.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
        return cls(merged)

    def to_dict(self) -> dict:
        return copy.deepcopy(self.document)

    @classmethod
    def load(cls, path) -> "Experiment":
        with open(path, encoding="utf-8") as f:
            try:
                return cls.from_dict(json.load(f))
            except json.JSONDecodeError as e:
                raise ConfigurationError(f"{Path(path).name} is not valid JSON: {e}") from None

    def save(self, path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.document, indent=2), encoding="utf-8")
        os.replace(tmp, path)


@dataclass
class Run:
    """Everything one training run needs: the document, the data and the live engine objects."""

    experiment: object
    dataset: object
    data: object
    network: Network
    trainer: Trainer


def _build(experiment: Experiment, base_dir=None) -> Run:
    from engine import datasets, preparation

    doc = experiment.document
    ds_doc, net_doc, tr = doc["dataset"], doc["network"], doc["training"]
    dataset = datasets.generate(ds_doc["name"], **ds_doc.get("params", {}))
    data = preparation.prepare(dataset, ds_doc.get("test_fraction", 0.2), ds_doc.get("standardize", True),
                               seed=int(doc.get("seed", 0)))
    seed = int(doc.get("seed", 0))
    from engine.trainer import spawn_seeds
    init_rng, _ = spawn_seeds(seed)
    network = Network.create(net_doc["sizes"], net_doc["activations"], net_doc.get("init", "xavier_uniform"),
                             seed=init_rng, dtype=net_doc.get("dtype", "float64"))
    opt = dict(tr["optimizer"])
    optimizer = optimizers.create(opt.pop("name"), **opt)
    targets = data.labels_train if data.labels_train is not None else data.targets_train
    targets_test = data.labels_test if data.labels_test is not None else data.targets_test
    trainer = Trainer(network, data.X_train, targets, divergence=tr["divergence"],
                      label_smoothing=tr.get("label_smoothing", 0.0), optimizer=optimizer,
                      batch_size=tr["batch_size"], shuffle=tr.get("shuffle", True), l1=tr.get("l1", 0.0),
                      l2=tr.get("l2", 0.0), schedule=Schedule(**tr.get("schedule", {})), seed=seed,
                      x_test=data.X_test if data.n_test else None,
                      targets_test=targets_test if data.n_test else None)
    return Run(experiment, dataset, data, network, trainer)


def default_experiment():
    return _experiment.default_experiment() if _experiment else Experiment(_default_document())


def load_experiment(path):
    return _experiment.Experiment.load(path) if _experiment else Experiment.load(path)


def build_run(experiment, base_dir=None) -> Run:
    """A fresh run of `experiment`: same seed → identical initial weights and batch order."""
    return _experiment.build(experiment, base_dir) if _experiment else _build(experiment, base_dir)


def settings_of(experiment) -> dict:
    """The training settings of `experiment` in `Trainer.configure` terms."""
    tr = experiment.to_dict()["training"]
    opt = dict(tr["optimizer"])
    name = opt.pop("name")
    lr = opt.pop("learning_rate", optimizers.create(name).learning_rate)
    params = {**{k: v for k, v in optimizers.create(name).hyperparameters().items()
                 if k not in ("name", "learning_rate")}, **opt}
    return {"learning_rate": float(lr), "optimizer": name, "optimizer_params": params,
            "divergence": tr["divergence"], "label_smoothing": float(tr.get("label_smoothing", 0.0)),
            "batch_size": int(tr["batch_size"]), "shuffle": bool(tr.get("shuffle", True)),
            "l1": float(tr.get("l1", 0.0)), "l2": float(tr.get("l2", 0.0)),
            "schedule": dict(Schedule(**tr.get("schedule", {})).to_dict())}


def with_settings(experiment, changes: dict):
    """A new experiment document with training `changes` (configure names) written in."""
    doc = experiment.to_dict()
    tr = doc["training"]
    if "optimizer" in changes:
        tr["optimizer"] = {"name": changes["optimizer"],
                           "learning_rate": tr["optimizer"].get("learning_rate", 0.01)}
    if "optimizer_params" in changes:
        tr["optimizer"].update(changes["optimizer_params"])
    if "learning_rate" in changes:
        tr["optimizer"]["learning_rate"] = float(changes["learning_rate"])
    for key in ("divergence", "label_smoothing", "batch_size", "shuffle", "l1", "l2", "schedule"):
        if key in changes:
            tr[key] = changes[key]
    return type(experiment).from_dict(doc)


def with_seed(experiment, seed: int):
    doc = experiment.to_dict()
    doc["seed"] = int(seed)
    return type(experiment).from_dict(doc)


class Session:
    """The open experiment, where it lives on disk, whether it changed, and an undo stack."""

    def __init__(self, experiment=None, path: str | None = None):
        self.experiment = experiment if experiment is not None else default_experiment()
        self.path = path
        self.dirty = False
        self._undo: list = []
        self._redo: list = []

    @classmethod
    def open(cls, path) -> "Session":
        return cls(load_experiment(path), str(path))

    @property
    def title(self) -> str:
        name = Path(self.path).name if self.path else "untitled experiment"
        return name + (" *" if self.dirty else "")

    def settings(self) -> dict:
        return settings_of(self.experiment)

    def replace(self, experiment) -> None:
        """Make `experiment` current, keeping the old one for undo."""
        self._undo.append(self.experiment)
        self._redo.clear()
        self.experiment = experiment
        self.dirty = True

    def change_settings(self, changes: dict) -> None:
        self.replace(with_settings(self.experiment, changes))

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.experiment)
        self.experiment = self._undo.pop()
        self.dirty = True
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.experiment)
        self.experiment = self._redo.pop()
        self.dirty = True
        return True

    def save(self, path=None) -> None:
        path = str(path or self.path)
        self.experiment.save(path)
        self.path = path
        self.dirty = False

    def build(self) -> Run:
        base = Path(self.path).parent if self.path else None
        return build_run(self.experiment, base)
