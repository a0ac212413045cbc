"""Building a run from an experiment: dataset → split → network → trainer, all from the seed s.

    dataset   generated with the dataset seed (dataset.seed, default s) or read from a file
    split     `prepare(…, seed=dataset seed)`: the same held-out examples every time
    W^(k)     `Network.create(…, seed=spawn_seeds(s)[0])`
    shuffling `Trainer(…, seed=s)` (its generator is spawn_seeds(s)[1])

The GUI and the command line both start a run this way, so they train identically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.core.errors import ConfigurationError, ExperimentError
from engine.core.network import Network
from engine.data.dataset import Dataset
from engine.data.preparation import PreparedData, prepare
from engine.io import atomic
from engine.io.dataset_settings import check_sizes
from engine.io.experiment import Experiment, TrainingSettings, dumps
from engine.io.history_csv import history_text
from engine.io.state_file import load_state, state_bytes
from engine.io.weights import weights_bytes
from engine.training.trainer import Trainer, spawn_seeds


@dataclass
class Run:
    """Everything one experiment constructs; `trainer.network is network`."""

    experiment: Experiment
    dataset: Dataset
    data: PreparedData
    network: Network
    trainer: Trainer

    def current_experiment(self) -> Experiment:
        """The experiment with the network and training settings as they are now (for "Save")."""
        return self.experiment.with_network(self.network).with_training(self.trainer)


def build(experiment: Experiment, base_dir=None) -> Run:
    """Construct dataset, prepared data, network and trainer; ExperimentError names the key at fault.

    base_dir: where a relative dataset file path is read from (default: experiment.base_dir,
    then the working directory).
    """
    experiment = experiment.validated()
    base_dir = base_dir if base_dir is not None else experiment.base_dir
    ds = experiment.dataset
    dataset = ds.load(base_dir, experiment.dataset_seed)
    net = experiment.network
    try:  # inputs in the network's dtype from here on (derived features are computed as before, in float64)
        data = prepare(dataset, test_fraction=ds.test_fraction, standardize=ds.standardize,
                       seed=experiment.dataset_seed, dtype=None if net.input_features else net.dtype)
    except ConfigurationError as exc:  # DataError is a WorkbenchError too
        raise ExperimentError("dataset", str(exc)) from None
    try:
        data = data.with_features(experiment.network.input_features)
    except ConfigurationError as exc:
        raise ExperimentError("network.input_features", str(exc)) from None
    check_sizes(net.sizes, data.n_inputs, data.problem, data.n_outputs, data.encoding.describe() if data.encoding else "")
    network = Network.create(net.sizes, net.activations, init=net.init, seed=spawn_seeds(experiment.seed)[0],
                             dtype=net.dtype, scale=net.init_scale)
    return assemble(experiment, dataset, data, network)


def assemble(experiment: Experiment, dataset: Dataset, data: PreparedData, network: Network) -> Run:
    """A run of `experiment`'s training settings over given data and a given network (weights kept).

    For edits mid-run: the network designer's edit (same data, the edited network with its
    trained weights) or another dataset of the same shape (same network). The trainer starts
    afresh (iteration 0, new history, optimiser state reset); `network` becomes the run's own.
    """
    check_sizes(network.sizes, data.n_inputs, data.problem, data.n_outputs)
    classification = data.problem != "regression"
    has_test = data.n_test > 0
    try:
        trainer = trainer_of(experiment.training, experiment.seed, network, data.X_train,
                             data.labels_train if classification else data.targets_train,
                             data.X_test if has_test else None,
                             (data.labels_test if classification else data.targets_test) if has_test else None)
    except ConfigurationError as exc:
        raise ExperimentError("training", str(exc)) from None
    return Run(experiment, dataset, data, network, trainer)


def trainer_of(t: TrainingSettings, seed: int, network: Network, x, targets, x_test=None, targets_test=None) -> Trainer:
    """A trainer of `network` on (x, targets) with the training settings `t` and the seed s of its
    shuffling generator (test data optional); ConfigurationError if a setting does not fit."""
    return Trainer(network, x, targets, divergence=t.divergence, label_smoothing=t.label_smoothing,
                   optimizer=t.optimizer.create(), batch_size=t.batch_size, shuffle=t.shuffle, l1=t.l1, l2=t.l2,
                   schedule=t.schedule, seed=seed, x_test=x_test, targets_test=targets_test,
                   evaluate_every=t.evaluate_every)


def train_for(run: Run, steps: int | None = None, epochs: float | None = None,
              on_progress: Callable[[float], None] | None = None) -> None:
    """Train `steps` more updates (or up to `epochs`), then evaluate at the final iteration.

    Runs in about 100 chunks, calling `on_progress(fraction done)` after each; stops early when
    the run diverges. The `train` command and every sweep run train through here, so they agree
    bit for bit.
    """
    trainer = run.trainer
    if steps is None and epochs is None:
        raise ConfigurationError("train_for needs steps or epochs")
    total = steps if steps is not None else math.ceil(epochs * run.data.n_train / trainer.batch_size)
    chunk, start = max(1, total // 100), trainer.iteration
    while True:
        if steps is not None:
            left = start + steps - trainer.iteration
            if left <= 0:
                break
            reason = trainer.run(steps=min(chunk, left))
            fraction = (trainer.iteration - start) / steps
        else:
            reason = trainer.run(steps=chunk, epochs=epochs)
            fraction = min(1.0, trainer.epoch / epochs)
        if on_progress is not None:
            on_progress(fraction)
        if reason is not None and reason.kind in ("diverged", "epochs"):
            break
    evaluations = trainer.history.evaluation("step")
    if not len(evaluations) or evaluations[-1] != trainer.iteration:
        trainer.evaluate()


OUTPUTS = ("weights.npz", "history.csv", "experiment.json", "state.npz")


def output_files(run: Run, final: Path | None = None, history: bool = True) -> dict[str, bytes]:
    """The bytes of the run's files by name: weights.npz, history.csv (unless history=False),
    experiment.json (the experiment as run; relative dataset paths as read from `final`, or as
    written when None) and state.npz (what `--resume DIR` continues from)."""
    experiment = run.experiment if final is None else run.experiment.relocated(final)
    files = {"weights.npz": weights_bytes(run.network)}
    if history:
        files["history.csv"] = history_text(run.trainer.history).encode("utf-8")
    files["experiment.json"] = (dumps(experiment.to_dict()) + "\n").encode("utf-8")
    files["state.npz"] = state_bytes(run.trainer)
    return files


def write_outputs(run: Run, out: Path, final: Path | None = None, history: bool = True) -> list[Path]:
    """DIR/weights.npz, DIR/history.csv (unless it was streamed: history=False), DIR/experiment.json
    and DIR/state.npz (`output_files`), each written atomically.

    final: where `out` will end up (a temporary folder renamed into place): relative dataset
    paths in experiment.json are written as read from there.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in output_files(run, final or out, history).items():
        with atomic.atomic_open(out / name, "wb") as f:
            f.write(data)
    return [out / name for name in OUTPUTS]


def resume(run: Run, directory: Path) -> str:
    """Continue `run` from DIR/state.npz (checked against its network and data); returns the
    text of DIR/history.csv, for the new history to continue (engine.io.history_csv.stream_history)."""
    directory = Path(directory)
    load_state(directory / "state.npz", run.trainer)
    try:
        return (directory / "history.csv").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
