"""Comparing runs that differ in one setting, from the same start.

Siblings are built from one experiment with one dotted key changed (engine.io.experiment_keys),
so they share the seed s: the same data and split, the same initial weights W^(k) (when the
network's shape is the same) and the same shuffling generator, hence the same mini-batches as
long as the batch size is the same. Trained in lockstep, each takes the same number of
updates per round. The lecture's comparison — L2 against cross-entropy — is the preset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine.core.errors import ConfigurationError
from engine.io.experiment import Experiment
from engine.io.experiment_keys import set_key
from engine.run import Run, build
from engine.training.outcome import iterations_to_target, outcome

PRESETS = {  # name → (key, values by problem)
    "L2 vs cross-entropy": ("training.divergence", {"binary": ("l2", "bce"), "multiclass": ("l2", "cross_entropy")}),
    "learning rate ×0.1, ×1, ×10": ("training.optimizer.learning_rate", None),
    "SGD vs Adam": ("training.optimizer.name", None),
}


def preset_values(preset: str, experiment: Experiment, problem: str) -> tuple[str, tuple]:
    """(key, values) of a preset for this experiment's problem kind."""
    key, values = PRESETS[preset]
    if key == "training.divergence":
        if problem not in values:
            raise ConfigurationError("L2 against cross-entropy needs a classification problem")
        return key, values[problem]
    if key == "training.optimizer.learning_rate":
        rate = experiment.training.optimizer.learning_rate
        return key, (rate / 10, rate, rate * 10)
    return key, ("sgd", "adam")


def siblings(experiment: Experiment, key: str, values) -> list[Experiment]:
    """One experiment per value of `key` (checked as files are; the error names the key)."""
    if len(values) < 2:
        raise ConfigurationError("a comparison needs at least two values")
    out = []
    for value in values:
        document = experiment.to_dict()
        set_key(document, key, value)
        out.append(Experiment.from_dict(document, experiment.base_dir))
    return out


@dataclass
class Comparison:
    """Sibling runs trained in lockstep; `label` says what differs in each."""

    key: str
    labels: list[str]
    runs: list[Run]
    initial_loss: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, experiment: Experiment, key: str, values) -> "Comparison":
        runs = [build(e) for e in siblings(experiment, key, values)]
        labels = [f"{key.rsplit('.', 1)[-1]} = {v}" for v in values]
        comparison = cls(key, labels, runs)
        comparison.initial_loss = [r.trainer.metrics(r.trainer.x, r.trainer.d, r.trainer.targets)[0] for r in runs]
        return comparison

    def same_start(self) -> bool:
        """True if every sibling starts from the same θ (same network shape)."""
        first = self.runs[0].network.parameters
        return all(r.network.parameters.shape == first.shape for r in self.runs) and all(
            np.array_equal(r.network.parameters, first) for r in self.runs)

    def step(self, steps: int) -> None:
        """`steps` more updates for every sibling still training (a diverged one stays stopped)."""
        for run in self.runs:
            if run.trainer.stopped is None or run.trainer.stopped.kind != "diverged":
                run.trainer.run(steps=steps)

    def normalised_loss(self, i: int) -> np.ndarray:
        """Run i's mini-batch loss divided by its initial full-set loss (L2 and cross-entropy have
        different units; both start at 1)."""
        loss = np.asarray(self.runs[i].trainer.history.loss, dtype=float)
        start = self.initial_loss[i]
        return loss / start if start and math.isfinite(start) else loss

    def table(self, target_accuracy: float | None = None, target_loss: float | None = None) -> list[dict]:
        """One row per sibling: what differs, iterations, outcome, final metrics, iterations to target."""
        rows = []
        for label, run in zip(self.labels, self.runs):
            t = run.trainer
            if not len(t.history.evaluation("step")) or t.history.evaluation("step")[-1] != t.iteration:
                t.evaluate()
            h = t.history
            rows.append({"run": label, "iterations": t.iteration, "status": outcome(t),
                         **{m: float(h.evaluation(m)[-1]) for m in ("train_loss", "train_accuracy", "test_loss",
                                                                      "test_accuracy")},
                         "iterations_to_target": iterations_to_target(h, target_accuracy, target_loss)})
        return rows


def settings_of(trainer) -> dict:
    """The settings a trainer has now, flat (optimiser hyperparameters by name; the network's shape)."""
    hyper = dict(trainer.optimizer.hyperparameters())
    net = trainer.network
    return {"optimizer": hyper.pop("name"), **hyper, "divergence": trainer.divergence.name,
            "label_smoothing": float(trainer.divergence.label_smoothing), "batch_size": int(trainer.batch_size),
            "l1": float(trainer.l1), "l2": float(trainer.l2),
            "network": " ".join(f"{n}" for n in net.sizes) + " " + " ".join(net.activation_names)}


def differences(settings: dict, reference: dict) -> list[str]:
    """'key = value' for every setting that differs from `reference` (what a run does differently)."""
    return [f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
            for k, v in settings.items() if reference.get(k) != v]
