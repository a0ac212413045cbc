"""The timeline bar: a scrubber over the current run's checkpoints, their spacing N and memory bound.

Positions are the checkpoints' iterations and, last, the latest state (where the run was before
going back, or is now). Releasing the scrubber (paused) asks `on_seek(iteration)` — None for the
latest — and the window shows the run as it was there: boundary, weights, inspector. Run then
resumes from there; Fork keeps that state as a new run.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


class TimelineBar(QWidget):
    def __init__(self, on_seek, on_spacing, parent=None):
        super().__init__(parent)
        self.on_seek = on_seek
        self.positions: list[int] = []
        self.latest_index = -1
        h = QHBoxLayout(self)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(QLabel("timeline"))
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setToolTip("Go back to a checkpoint (paused): the boundary, weights and inspector as they were "
                               "there. Run resumes from there, Fork keeps it as a new run; the right end is the "
                               "latest state")
        self.slider.setEnabled(False)
        self.slider.sliderReleased.connect(self._released)
        self.slider.valueChanged.connect(lambda v: None if self.slider.isSliderDown() else self.seek_index(v))
        h.addWidget(self.slider, 1)
        self.every = QSpinBox()
        self.every.setRange(1, 1_000_000)
        self.every.setPrefix("every ")
        self.every.setSuffix(" it.")
        self.every.setToolTip("A checkpoint every N iterations (θ, optimiser state, batch position); when the "
                              "memory bound is reached every second one goes and N doubles")
        self.every.editingFinished.connect(lambda: on_spacing(self.every.value()))
        h.addWidget(self.every)
        self.info = QLabel("no checkpoints yet")
        self.info.setToolTip("Checkpoints kept, the iteration shown, and their memory against the bound")
        h.addWidget(self.info)

    def show_timeline(self, tl, paused: bool) -> None:
        """Fill from a probe's TimelineView."""
        end = tl.latest if tl.latest is not None else tl.iteration
        self.positions = list(tl.iterations)
        if not self.positions or end > self.positions[-1]:
            self.positions.append(end)
        self.latest_index = len(self.positions) - 1
        if not self.every.hasFocus():
            self.every.setValue(tl.every)
        n = len(tl.iterations)
        where = "" if tl.latest is None else f" · back at t = {tl.iteration} (latest {tl.latest})"
        self.info.setText(f"{n} checkpoint{'s' if n != 1 else ''}{where} · {_mib(tl.nbytes)} of "
                          f"{_mib(tl.budget_bytes)}")
        if self.slider.isSliderDown():
            return
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, self.latest_index))
        shown = [i for i, t in enumerate(self.positions) if t <= tl.iteration]
        self.slider.setValue(shown[-1] if shown else 0)
        self.slider.blockSignals(False)
        self.slider.setEnabled(paused and len(self.positions) > 1)

    def seek_index(self, index: int) -> None:
        """Go to position `index` (the last one: the latest state)."""
        if not 0 <= index < len(self.positions):
            return
        self.on_seek(None if index == self.latest_index else self.positions[index])

    def _released(self) -> None:
        self.seek_index(self.slider.value())
