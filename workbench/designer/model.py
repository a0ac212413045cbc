"""The designer's model: the network being edited, and the undo stack its edits go on.

`NetworkEditor` holds the current engine `Network` (never mutated in place: each edit in
`engine.training.edits` returns a new one), the initialiser name and seed used for the parts an
edit creates, and a `QUndoStack`. Every structural edit is a `NetworkEdit` command
(workbench.commands, where every undoable change lives) that captures the old and the new
network when it is made, so undo and redo restore them bit for bit (the pattern of
orange-canvas-core's `document/commands.py` and glue's `core/command.py`).

New parts are drawn from `np.random.default_rng([seed, edit_index])`, where `edit_index`
counts the edits made so far: the same sequence of edits gives the same weights.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from engine.core.errors import ConfigurationError, WorkbenchError
from engine.core.network import Network
from engine.data import features
from engine.data.dataset import PROBLEMS
from engine.training import edits as architecture

from ..commands import AddLayer, ChangeUnits, RemoveLayer, SetActivation
from .feature_column import toggled

_DEFAULT_OUTPUT = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cross_entropy"),
    "regression": ("identity", "l2"),
}
#: Activation a newly added hidden layer gets when its neighbours give no hint.
DEFAULT_HIDDEN_ACTIVATION = "tanh"
DEFAULT_NEW_UNITS = 4


def default_output(problem: str) -> tuple[str, str]:
    """The usual (output activation, divergence) for `problem` ('binary', 'multiclass', 'regression')."""
    try:
        return _DEFAULT_OUTPUT[problem]
    except KeyError:
        raise ConfigurationError(f"unknown problem {problem!r}; choose one of {', '.join(PROBLEMS)}") from None


_NOTES = {
    ("softmax", "l2"): "Softmax with L2 is allowed — the lecture compares them: the L2 gradient "
                       "(y − d)·J_softmax is smaller near saturation than the y − d of cross-entropy, "
                       "so a confidently wrong output learns slowly.",
    ("sigmoid", "l2"): "Sigmoid with L2 is allowed: ∂Div/∂z = (y − d)·y(1 − y) vanishes when the "
                       "output saturates, even if it is wrong; binary cross-entropy gives y − d.",
    ("softmax", "bce"): "Softmax with binary cross-entropy treats each output as an independent "
                        "yes/no although softmax outputs sum to 1; cross_entropy is the usual pair.",
    ("sigmoid", "cross_entropy"): "Sigmoid outputs need not sum to 1, so multiclass cross-entropy "
                                  "only pushes the true class up; softmax is the usual pair.",
}
_UNBOUNDED = {"identity", "relu", "leaky_relu", "elu", "softplus", "silu", "tanh"}


def pair_note(activation: str, divergence: str) -> str | None:
    """A short explanation when (output activation, divergence) is unusual; None when it is the usual pair."""
    if (activation, divergence) in _NOTES:
        return _NOTES[(activation, divergence)]
    if divergence in ("bce", "cross_entropy", "kl") and activation in _UNBOUNDED:
        return (f"{divergence} needs outputs that are probabilities in (0, 1); {activation} does not "
                f"produce them, so the divergence clips its input and gradients can mislead. "
                f"Use {'sigmoid' if divergence == 'bce' else 'softmax'}.")
    return None


# -- editor --------------------------------------------------------------------------------
class NetworkEditor(QObject):
    """The network under design, its undo stack, and the dataset-given input/output names.

    Signals:
      networkChanged(object)  the new Network, after every edit, undo, redo and set_io
      aboutToEdit()           before an edit is computed (pause the run; call set_live_parameters)
      editRefused(str)        an edit the engine refused (limits), with the engine's message
      divergenceChanged(str)  the divergence set by set_io / set_divergence
      featuresRequested(tuple) the derived input features asked for (the window applies them, undoably)
    """

    networkChanged = Signal(object)
    aboutToEdit = Signal()
    editRefused = Signal(str)
    divergenceChanged = Signal(str)
    featuresRequested = Signal(object)

    def __init__(self, network: Network, feature_names=None, output_names=None, problem: str = "binary",
                 init: str = "xavier_uniform", seed: int = 0, divergence: str | None = None, parent=None):
        super().__init__(parent)
        self._network = network
        self.init = init
        self.seed = int(seed)
        self.edit_index = 0
        self.problem = problem
        self.feature_names = self._names(feature_names, network.sizes[0], "x")
        self.output_names = self._names(output_names, network.sizes[-1], "y")
        self.divergence = divergence or default_output(problem)[1]
        self.undo_stack = QUndoStack(self)
        self._live = None
        #: check(new network) raises a WorkbenchError when the window cannot train it: the edit is then
        #: refused before it is pushed (editRefused), so no undo step stands for a network never trained
        self.check = lambda network: None
        #: D, the data's own inputs, and the derived features after them (n_0 = D + F; set by the window)
        self.raw_inputs = network.sizes[0]
        self.input_features: tuple[str, ...] = ()

    @staticmethod
    def _names(names, n: int, stem: str) -> list[str]:
        names = list(names or [])
        return [str(s) for s in names[:n]] + [f"{stem}{m + 1}" for m in range(len(names), n)]

    # -- state ---------------------------------------------------------------------------
    @property
    def network(self) -> Network:
        return self._network

    def install(self, network: Network) -> None:
        """Make `network` the edited one (no undo entry: the NetworkEdit commands call this)."""
        self._network = network
        self._live = None
        self.networkChanged.emit(network)

    def set_live_parameters(self, parameters) -> None:
        """The latest trained parameter vector (a snapshot's, never modified afterwards; not copied).

        The next edit starts from these weights, so an edit made while paused keeps what was
        trained. NetworkView.update_weights calls this; a vector of another length is ignored.
        """
        if parameters is not None and parameters.shape == (self._network.layout.size,):
            self._live = parameters

    def _adopt_live(self) -> None:
        if self._live is not None and self._live is not self._network.parameters:
            net = self._network
            self._network = Network(net.sizes, net.activation_names, np.array(self._live, dtype=net.dtype),
                                    net.dtype)
        self._live = None

    def next_rng(self) -> np.random.Generator:
        """The generator for the parts the next edit creates: default_rng([seed, edit_index])."""
        rng = np.random.default_rng([self.seed, self.edit_index])
        self.edit_index += 1
        return rng

    def network_document(self) -> dict:
        """The experiment document's `network` entry for the current network."""
        net = self._network
        return {"sizes": list(net.sizes), "activations": list(net.activation_names),
                "init": self.init, "dtype": net.dtype.name}

    def note(self) -> str | None:
        """pair_note for the current output activation and divergence."""
        return pair_note(self._network.activation_names[-1], self.divergence)

    # -- edits ---------------------------------------------------------------------------
    def _push(self, make) -> bool:
        index = self.edit_index
        self.aboutToEdit.emit()  # connected directly: the window pauses and hands over its last snapshot
        self._adopt_live()
        try:
            command = make()
            self.check(command.new)
        except WorkbenchError as e:
            self.edit_index = index  # a refused edit uses no seed: the next edits stay reproducible
            self.editRefused.emit(str(e))
            return False
        self.undo_stack.push(command)
        return True

    def _hidden_neighbour(self, position: int) -> int | None:
        """The hidden layer next to a new layer at `position`: the one before it, else the one after."""
        for k in (position - 1, position):
            if 1 <= k <= self._network.N - 1:
                return k
        return None

    def add_layer(self, position: int, units: int | None = None, activation: str | None = None) -> bool:
        """Insert a hidden layer that becomes layer `position` (1 = right after the inputs, N = before the output).

        Without `units` / `activation` it copies its hidden neighbour (else 4 tanh units).
        """
        k = self._hidden_neighbour(position)
        if units is None:
            units = self._network.sizes[k] if k else DEFAULT_NEW_UNITS
        if activation is None:
            activation = self._network.activation_names[k - 1] if k else DEFAULT_HIDDEN_ACTIVATION
        return self._push(lambda: AddLayer(self, position, units, activation, self.next_rng()))

    def remove_layer(self, k: int) -> bool:
        if self._network.N == 1:
            self.editRefused.emit("the network has no hidden layer to remove")
            return False
        return self._push(lambda: RemoveLayer(self, k, self.next_rng()))

    def change_units(self, k: int, delta: int) -> bool:
        """Add `delta` units to layer k (±1 from the + / − buttons)."""
        if not 1 <= k <= self._network.N:
            self.editRefused.emit(f"layers are 1..{self._network.N}, not {k}")
            return False
        return self.set_units(k, self._network.sizes[k] + delta)

    def set_units(self, k: int, units: int) -> bool:
        """Give layer k exactly `units` units. The output layer's size follows the dataset (set_io)."""
        if k == self._network.N:
            per = "class" if self.problem == "multiclass" else "output"
            self.editRefused.emit(f"the output layer has one unit per {per} of the dataset "
                                  f"({self._network.sizes[k]}); it follows the data")
            return False
        return self._push(lambda: ChangeUnits(self, k, units, self.next_rng()))

    def set_activation(self, k: int, name: str) -> bool:
        if 1 <= k <= self._network.N and self._network.activation_names[k - 1] == name:
            return True
        return self._push(lambda: SetActivation(self, k, name))

    def set_divergence(self, name: str) -> None:
        """Record the divergence the run uses (it decides the pair note); not an undoable edit here."""
        self.divergence = name
        self.divergenceChanged.emit(name)
        self.networkChanged.emit(self._network)  # views refresh their note

    def set_io(self, n_inputs: int, n_outputs: int, feature_names=None, output_names=None,
               problem: str | None = None) -> None:
        """The dataset changed: adapt input and output sizes, names and the default output pair.

        Clears the undo stack (older edits belong to another dataset's shapes). Kept: every
        hidden layer's weights; drawn afresh: W^(1) if the inputs changed, the output columns added.
        """
        problem = problem or self.problem
        activation, divergence = default_output(problem)
        self._adopt_live()
        net = self._network
        if n_inputs != net.sizes[0]:
            net = architecture.resize_inputs(net, n_inputs, self.next_rng(), self.init)
        new_activation = problem != self.problem or net.activation_names[-1] != activation
        if new_activation and n_outputs == 1:  # softmax cannot have one output: change it first
            net, new_activation = architecture.set_activation(net, net.N, activation), False
        if n_outputs != net.sizes[-1]:
            net = architecture.resize_layer(net, net.N, n_outputs, self.next_rng(), self.init)
        if new_activation:
            net = architecture.set_activation(net, net.N, activation)
        self.problem = problem
        self.raw_inputs, self.input_features = n_inputs, ()
        self.feature_names = self._names(feature_names, n_inputs, "x")
        self.output_names = self._names(output_names, n_outputs, "y")
        self.undo_stack.clear()
        self.divergence = divergence
        self.divergenceChanged.emit(divergence)
        self.install(net if net is not self._network else net.copy())

    def set_network(self, network: Network, clear_undo: bool = True) -> None:
        """Replace the network wholesale (experiment loaded, weights reset); not an undoable edit."""
        if clear_undo:
            self.undo_stack.clear()
        self.install(network)

    # -- derived input features ------------------------------------------------------------
    @property
    def available_features(self) -> tuple[str, ...]:
        """The features the data's D inputs offer (engine.data.features; none for D > 2)."""
        return features.available(self.raw_inputs)

    def toggle_feature(self, name: str) -> None:
        """Ask for `name` switched on or off (featuresRequested; the window decides and applies)."""
        self.featuresRequested.emit(toggled(self.input_features, name, self.available_features))

    # -- undo ----------------------------------------------------------------------------
    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    def undo_action(self, parent: QObject) -> QAction:
        """Undo with Ctrl+Z; its text names the edit it undoes."""
        action = self.undo_stack.createUndoAction(parent, "Undo")
        action.setShortcut(QKeySequence.Undo)
        return action

    def redo_action(self, parent: QObject) -> QAction:
        """Redo with Ctrl+Shift+Z (and the platform's Redo key)."""
        action = self.undo_stack.createRedoAction(parent, "Redo")
        action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.Redo])
        return action
