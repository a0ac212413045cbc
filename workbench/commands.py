"""Undoable window-level changes that share the network designer's QUndoStack.

One stack holds, in the order they were made: the designer's structural edits (its own
`NetworkEdit` commands), weight edits from the inspector (`WeightEditCommand`), training
setting changes and dataset changes (below). Ctrl+Z / Ctrl+Shift+Z in the window act on it.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand


class SettingsChange(QUndoCommand):
    """Training settings `old` → `new` (Trainer.configure names); the first redo is the change itself."""

    def __init__(self, window, old: dict, new: dict, text: str):
        super().__init__(text)
        self.window, self.old, self.new = window, dict(old), dict(new)
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied when pushed
            self._first = False
            return
        self.window._restore_settings(self.new)

    def undo(self) -> None:
        self.window._restore_settings(self.old)


class DatasetChange(QUndoCommand):
    """Another dataset (and the network adapted to it): `before` / `after` are window states.

    A state is (experiment, network, choice) with `choice` a datapanel DatasetChoice.
    """

    def __init__(self, window, before: tuple, after: tuple, text: str):
        super().__init__(text)
        self.window, self.before, self.after = window, before, after
        self._first = True

    def redo(self) -> None:
        self.window._install_dataset(*self.after, update_panel=not self._first)
        self._first = False

    def undo(self) -> None:
        self.window._install_dataset(*self.before, update_panel=True)
