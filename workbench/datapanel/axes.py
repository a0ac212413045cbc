"""AxisPicker: which two input features the 2-D views put on their axes; the others are held at their
training-set mean (the network's own units, i.e. standardised when the data is standardised).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from engine.data.preparation import PreparedData

from .choice import training_means

CAPTION = "other features held at their mean"


class AxisPicker(QWidget):
    """Two combo boxes (horizontal / vertical axis feature) and a caption; hidden for ≤ 2 features.

    sliceChanged(i, j) is emitted when the user picks other axes or new data resets them to (0, 1).
    """

    sliceChanged = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_combo = QComboBox()
        self.y_combo = QComboBox()
        for combo, axis in ((self.x_combo, "horizontal"), (self.y_combo, "vertical")):
            combo.setToolTip(f"Feature on the {axis} axis of the 2-D views")
            combo.setMaxVisibleItems(20)
        self.x_combo.currentIndexChanged.connect(self._picked_x)
        self.y_combo.currentIndexChanged.connect(self._picked_y)
        self.caption = QLabel(CAPTION)
        self.caption.setStyleSheet("color: #555;")
        self.caption.setWordWrap(True)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("x axis", self.x_combo)
        form.addRow("y axis", self.y_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.caption)
        self._names: tuple[str, ...] = ()
        self._axes = (0, 1)
        self._updating = False
        self.setVisible(False)

    # -- data ------------------------------------------------------------------------------
    def set_features(self, names) -> None:
        """New feature names: axes reset to the first two features unless the names are unchanged."""
        names = tuple(str(n) for n in names)
        if names == self._names:
            return
        self._names = names
        self._updating = True
        try:
            for combo in (self.x_combo, self.y_combo):
                combo.clear()
                combo.addItems([f"{k}: {n}" if n != f"x{k + 1}" else n for k, n in enumerate(names)])
            self._axes = (0, 1) if len(names) >= 2 else (0, 0)
            if len(names) >= 2:
                self.x_combo.setCurrentIndex(0)
                self.y_combo.setCurrentIndex(1)
        finally:
            self._updating = False
        self.setVisible(self.needed())
        self._update_caption()
        self.sliceChanged.emit(*self._axes)

    def set_data(self, data: PreparedData | None) -> None:
        """New data: for more than two features the axes start on the two with the widest spread
        (for the digits, the first pixels are blank in almost every image: a useless slice)."""
        names = () if data is None else tuple(str(n) for n in data.feature_names)
        changed = names != self._names
        self.set_features(names)
        if changed and len(names) > 2:
            spread = data.std if data.standardized else data.X_train.std(axis=0)
            i, j = sorted(int(a) for a in np.argsort(-np.asarray(spread), kind="stable")[:2])
            if (i, j) != self._axes:
                self.set_slice_axes(i, j)

    @property
    def feature_count(self) -> int:
        """How many features the picker offers (those of the data it was last given)."""
        return len(self._names)

    def needed(self) -> bool:
        """True when the data has more than two features, so a slice must be chosen."""
        return len(self._names) > 2

    # -- the slice -------------------------------------------------------------------------
    def slice_axes(self) -> tuple[int, int]:
        """(i, j): the feature indices on the horizontal and vertical axes."""
        return self._axes

    def set_slice_axes(self, i: int, j: int) -> None:
        n = len(self._names)
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise ValueError(f"axes must be two different features in 0..{n - 1}, got ({i}, {j})")
        self._updating = True
        try:
            self.x_combo.setCurrentIndex(i)
            self.y_combo.setCurrentIndex(j)
        finally:
            self._updating = False
        self._set_axes((i, j))

    def slice_fixed(self, data: PreparedData) -> np.ndarray:
        """The full input vector the views use: every feature at its training-set mean (standardised units).

        The two axis entries are overwritten by the grid; they hold the mean too.
        """
        return training_means(data)

    def caption_text(self) -> str:
        """What the central view should say under a sliced picture ("" for ≤ 2 features)."""
        if not self.needed():
            return ""
        i, j = self._axes
        return f"{self._names[i]} × {self._names[j]}; {CAPTION}"

    # -- internals -------------------------------------------------------------------------
    @Slot(int)
    def _picked_x(self, _index: int) -> None:
        self._picked(self.x_combo)

    @Slot(int)
    def _picked_y(self, _index: int) -> None:
        self._picked(self.y_combo)

    def _picked(self, changed: QComboBox) -> None:
        if self._updating or len(self._names) < 2:
            return
        i, j = self.x_combo.currentIndex(), self.y_combo.currentIndex()
        if i < 0 or j < 0:
            return
        if i == j:  # picking the other axis' feature swaps the two
            old_i, old_j = self._axes
            other = old_i if changed is self.x_combo else old_j
            self._updating = True
            try:
                (self.x_combo if changed is self.y_combo else self.y_combo).setCurrentIndex(other)
            finally:
                self._updating = False
            i, j = self.x_combo.currentIndex(), self.y_combo.currentIndex()
        self._set_axes((i, j))

    def _set_axes(self, axes) -> None:
        if axes == self._axes:
            return
        self._axes = axes
        self._update_caption()
        self.sliceChanged.emit(*axes)

    def _update_caption(self) -> None:
        self.caption.setText(self.caption_text() or CAPTION)
