"""The undoable edit of one weight w_ij^(k) from the inspector."""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand


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
