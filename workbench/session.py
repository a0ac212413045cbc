"""GUI-side state of one open experiment: the experiment document, its file, dirty flag, undo.

The one place that knows how the window's edits map onto `engine.io.experiment.Experiment`
(immutable; every change makes a new one) and how an experiment becomes a run
(`engine.run.build`, the same path the command line takes, so both train identically).
"""

from __future__ import annotations

from pathlib import Path

from engine.core import optimizers
from engine.io.experiment import Experiment, default_experiment
from engine.run import Run, build

__all__ = ["Session", "Run", "settings_of", "with_settings", "with_seed"]

#: the training settings the run controls edit, by their `Trainer.configure` names
SETTING_KEYS = ("learning_rate", "optimizer", "optimizer_params", "divergence", "label_smoothing",
                "batch_size", "shuffle", "l1", "l2", "schedule")


def settings_of(experiment: Experiment) -> dict:
    """The training settings of `experiment` in `Trainer.configure` terms."""
    t = experiment.training
    opt = dict(t.optimizer.to_dict())
    name = opt.pop("name")
    defaults = {k: v for k, v in optimizers.create(name).hyperparameters().items() if k != "name"}
    opt = {**defaults, **opt}
    lr = opt.pop("learning_rate")
    return {"learning_rate": float(lr), "optimizer": name, "optimizer_params": opt,
            "divergence": t.divergence, "label_smoothing": float(t.label_smoothing),
            "batch_size": int(t.batch_size), "shuffle": bool(t.shuffle), "l1": float(t.l1), "l2": float(t.l2),
            "schedule": dict(t.schedule.to_dict())}


def _rebuilt(experiment: Experiment, doc: dict) -> Experiment:
    return Experiment.from_dict(doc, base_dir=experiment.base_dir)


def with_settings(experiment: Experiment, changes: dict) -> Experiment:
    """A new experiment with training `changes` (configure names) written in; ExperimentError if invalid."""
    doc = experiment.to_dict()
    tr = doc["training"]
    if "optimizer" in changes:
        tr["optimizer"] = {"name": changes["optimizer"], "learning_rate": tr["optimizer"]["learning_rate"]}
    if "optimizer_params" in changes:
        tr["optimizer"].update(changes["optimizer_params"])
    if "learning_rate" in changes:
        tr["optimizer"]["learning_rate"] = float(changes["learning_rate"])
    for key in ("divergence", "label_smoothing", "batch_size", "shuffle", "l1", "l2", "schedule"):
        if key in changes:
            tr[key] = changes[key]
    return _rebuilt(experiment, doc)


def with_seed(experiment: Experiment, seed: int) -> Experiment:
    """New initial weights and batch order (seed s); the dataset and its split stay as they are."""
    doc = experiment.to_dict()
    if doc["dataset"].get("seed") is None and "builtin" in doc["dataset"]:
        doc["dataset"]["seed"] = experiment.dataset_seed
    doc["seed"] = int(seed)
    return _rebuilt(experiment, doc)


class Session:
    """The open experiment, where it lives on disk and whether it changed.

    Undo lives in the window's one QUndoStack (workbench/commands.py), not here."""

    def __init__(self, experiment: Experiment | None = None, path: str | None = None):
        self.experiment = experiment if experiment is not None else default_experiment()
        self.path = path
        self.dirty = False
        self.saved_iteration = 0  # the iteration of the trained state saved / opened with the file

    @classmethod
    def open(cls, path) -> "Session":
        return cls(Experiment.load(path), str(path))

    @property
    def title(self) -> str:
        return Path(self.path).name if self.path else "untitled experiment"

    def settings(self) -> dict:
        return settings_of(self.experiment)

    def replace(self, experiment: Experiment) -> None:
        """Make `experiment` current (an edit: the file is now out of date)."""
        self.experiment = experiment
        self.dirty = True

    def change_settings(self, changes: dict) -> None:
        self.replace(with_settings(self.experiment, changes))

    def save(self, path=None) -> None:
        path = str(path or self.path)
        self.experiment = self.experiment.save(path)
        self.path = path
        self.dirty = False

    def build(self) -> Run:
        """A fresh run of the experiment: same seed → identical initial weights and batch order."""
        return build(self.experiment)
