"""Building a run from an experiment: dataset → split → network → trainer, all from the seed s.

    dataset   generated with the dataset seed (dataset.seed, default s) or read from a file
    split     `prepare(…, seed=dataset seed)`: the same held-out examples every time
    W^(k)     `Network.create(…, seed=spawn_seeds(s)[0])`
    shuffling `Trainer(…, seed=s)` (its generator is spawn_seeds(s)[1])

The GUI and the command line both start a run this way, so they train identically.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.errors import ConfigurationError, ExperimentError
from engine.core.network import Network
from engine.data.dataset import Dataset
from engine.data.preparation import PreparedData, prepare
from engine.io.dataset_settings import check_sizes
from engine.io.experiment import Experiment
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
    try:
        data = prepare(dataset, test_fraction=ds.test_fraction, standardize=ds.standardize,
                       seed=experiment.dataset_seed)
    except ConfigurationError as exc:  # DataError is a WorkbenchError too
        raise ExperimentError("dataset", str(exc)) from None
    net = experiment.network
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
    t = experiment.training
    classification = data.problem != "regression"
    has_test = data.n_test > 0
    try:
        trainer = Trainer(
            network, data.X_train, data.labels_train if classification else data.targets_train,
            divergence=t.divergence, label_smoothing=t.label_smoothing, optimizer=t.optimizer.create(),
            batch_size=t.batch_size, shuffle=t.shuffle, l1=t.l1, l2=t.l2, schedule=t.schedule,
            seed=experiment.seed,
            x_test=data.X_test if has_test else None,
            targets_test=(data.labels_test if classification else data.targets_test) if has_test else None,
            evaluate_every=t.evaluate_every,
        )
    except ConfigurationError as exc:
        raise ExperimentError("training", str(exc)) from None
    return Run(experiment, dataset, data, network, trainer)
