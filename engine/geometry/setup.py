"""From the command line's arguments to the training loss L(θ) at θ, output folders and memory checks."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from engine.analysis.training_loss import TrainingLoss
from engine.core.errors import ConfigurationError, ExperimentError
from engine.core.network import Layout
from engine.io.experiment import Experiment
from engine.io.weights import load_weights
from engine.run import Run, build


@dataclass
class Point:
    """An experiment's run (float64), its training loss and the point θ it is looked at."""

    run: Run
    loss: TrainingLoss
    theta: np.ndarray


def load_experiment(experiment_path) -> Experiment:
    """EXPERIMENT.json in float64 (errors name the file and the key)."""
    path = Path(experiment_path)
    try:
        experiment = Experiment.load(path)
    except ExperimentError as exc:
        raise ExperimentError(exc.key, f"{path}: {exc}") from None
    return replace(experiment, network=replace(experiment.network, dtype="float64"))


def parameter_count(experiment: Experiment) -> int:
    """P of the experiment's network, known before anything is built."""
    return Layout(tuple(experiment.network.sizes)).size


def load_point(experiment: Experiment, weights=None) -> Point:
    """The experiment's run at its initial weights or at those of `weights`."""
    run = build(experiment)
    if weights:
        load_weights(weights, run.network)
    return Point(run, TrainingLoss.of_trainer(run.trainer), run.network.parameters.copy())


def output_dir(out, experiment_path) -> Path:
    """--out DIR, or runs/<experiment name> as `train` uses; created."""
    folder = Path(out) if out else Path("runs") / Path(experiment_path).stem
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def available_memory() -> int | None:
    """Bytes of free physical memory (None where the system does not say)."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(needed: int, what: str) -> None:
    """Refuse, with the estimate, work that would not fit in free memory (before any is spent)."""
    free = available_memory()
    if free is not None and needed > free:
        raise ConfigurationError(f"{what} needs about {_size(needed)} of memory, only {_size(free)} is free")


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"
