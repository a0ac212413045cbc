"""Undoable window-level changes that share the network designer's QUndoStack.

One stack holds, in the order they were made: the designer's structural edits (its own
`NetworkEdit` commands), weight edits from the inspector (`WeightEditCommand`), training
setting changes and dataset changes (below). Ctrl+Z / Ctrl+Shift+Z in the window act on it.
Each command calls the public methods of the `RunController` (workbench.run_controller).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand


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
        self.controller.install_dataset(*self.after, update_panel=not self._first)
        self._first = False

    def undo(self) -> None:
        self.controller.install_dataset(*self.before, update_panel=True)


class ParametersChange(QUndoCommand):
    """The whole θ `old` → `new` (e.g. the step off a saddle along the most negative eigenvector)."""

    def __init__(self, controller, old, new, text: str):
        super().__init__(text)
        self.controller, self.old, self.new = controller, old, new

    def redo(self) -> None:
        self.controller.set_parameters(self.new)

    def undo(self) -> None:
        self.controller.set_parameters(self.old)
