"""Every undoable change, as a QUndoCommand on the one stack the window's Ctrl+Z / Ctrl+Shift+Z act on.

In the order they are usually made: the designer's structural edits (`NetworkEdit` and its
subclasses, which install networks through the designer's `NetworkEditor`), a weight w_ij^(k)
set in the inspector (`WeightEditCommand`), training settings, another dataset and a whole θ.
The window-level commands call the public methods of the `RunController` (workbench.run_controller).
Each command holds the state before and after, so undo and redo restore it bit for bit.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from engine.core.network import Network
from engine.training import edits as architecture


class SettingsChange(QUndoCommand):
    """Training settings `old` → `new` (Trainer.configure names); the first redo is the change itself."""

    def __init__(self, controller, old: dict, new: dict, text: str):
        super().__init__(text)
        self.controller, self.old, self.new = controller, dict(old), dict(new)
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied when pushed
            self._first = False
            return
        self.controller.restore_settings(self.new)

    def undo(self) -> None:
        self.controller.restore_settings(self.old)


class DatasetChange(QUndoCommand):
    """Another dataset (and the network adapted to it): `before` / `after` are run states.

    A state is (experiment, network, (dataset section, Dataset, PreparedData)).
    """

    def __init__(self, controller, before: tuple, after: tuple, text: str):
        super().__init__(text)
        self.controller, self.before, self.after = controller, before, after
        self._first = True

    def redo(self) -> None:
        self._install(self.after, update_panel=not self._first)
        self._first = False

    def undo(self) -> None:
        self._install(self.before, update_panel=True)

    def _install(self, state: tuple, update_panel: bool) -> None:
        """A state that cannot be installed (nothing changed then) makes the command obsolete: the
        stack drops it instead of keeping a step that does nothing."""
        if not self.controller.install_dataset(*state, update_panel=update_panel):
            self.setObsolete(True)


class InputFeaturesChange(DatasetChange):
    """Derived input features on / off: the same dataset, other inputs y^(0) (the dataset panel stays)."""

    def redo(self) -> None:
        self._install(self.after, update_panel=False)

    def undo(self) -> None:
        self._install(self.before, update_panel=False)


class ParametersChange(QUndoCommand):
    """The whole θ `old` → `new` (e.g. the step off a saddle along the most negative eigenvector)."""

    def __init__(self, controller, old, new, text: str):
        super().__init__(text)
        self.controller, self.old, self.new = controller, old, new

    def redo(self) -> None:
        self.controller.set_parameters(self.new)

    def undo(self) -> None:
        self.controller.set_parameters(self.old)


# -- the network designer's structural edits --------------------------------------------
class NetworkEdit(QUndoCommand):
    """One structural edit: `redo` installs the new network, `undo` puts the old one back.

    Both networks are computed when the command is made (a refused edit raises
    ConfigurationError there and is never pushed).
    """

    def __init__(self, editor, new: Network, text: str):
        super().__init__(text)
        self.editor = editor
        self.old = editor.network
        self.new = new

    def redo(self) -> None:
        self.editor.install(self.new)

    def undo(self) -> None:
        self.editor.install(self.old)


class AddLayer(NetworkEdit):
    """A hidden layer that becomes layer `position` (1 ≤ position ≤ N)."""

    def __init__(self, editor, position: int, units: int, activation: str, rng):
        new = architecture.insert_layer(editor.network, position, units, activation, rng, editor.init)
        super().__init__(editor, new, f"Add layer {position} ({units} {activation})")
        self.position = position


class RemoveLayer(NetworkEdit):
    """Remove hidden layer k."""

    def __init__(self, editor, k: int, rng):
        new = architecture.remove_layer(editor.network, k, rng, editor.init)
        super().__init__(editor, new, f"Remove layer {k}")
        self.k = k


class ChangeUnits(NetworkEdit):
    """Give layer k `units` units (kept units keep their weights)."""

    def __init__(self, editor, k: int, units: int, rng):
        old = editor.network.sizes[k] if 1 <= k <= editor.network.N else None
        new = architecture.resize_layer(editor.network, k, units, rng, editor.init)
        super().__init__(editor, new, f"Layer {k}: {old} → {units} units")
        self.k, self.units = k, units


class SetActivation(NetworkEdit):
    """Layer k with activation `name`; every weight kept."""

    def __init__(self, editor, k: int, name: str):
        new = architecture.set_activation(editor.network, k, name)
        super().__init__(editor, new, f"Layer {k}: {name}")
        self.k, self.name = k, name


# -- the inspector's weight edit ---------------------------------------------------------
class WeightEditCommand(QUndoCommand):
    """Undoable edit of w_ij^(k): redo calls apply(k, i, j, new), undo calls apply(k, i, j, old).

    Push it on the main window's QUndoStack (push runs redo once). Consecutive edits of the
    same weight merge into one command that undoes to the first old value.
    """

    ID = 0x7701

    def __init__(self, k: int, i: int, j: int, new: float, old: float,
                 apply: Callable[[int, int, int, float], None], parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.k, self.i, self.j = int(k), int(i), int(j)
        self.new, self.old = float(new), float(old)
        self.apply = apply
        self._update_text()

    def _update_text(self) -> None:
        self.setText(f"set w_{self.i + 1},{self.j + 1}^({self.k}) to {self.new:.6g}")

    def redo(self) -> None:
        self.apply(self.k, self.i, self.j, self.new)

    def undo(self) -> None:
        self.apply(self.k, self.i, self.j, self.old)

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, WeightEditCommand) or (other.k, other.i, other.j) != (self.k, self.i, self.j):
            return False
        self.new = other.new
        self._update_text()
        return True
