"""Step-through controls: Step forward / Step backward / Update, and which phase comes next.

The bar never talks to the trainer: each button emits `phaseRequested()`, and the main window
sends the worker its "phase" command (which runs `trainer.advance()`, i.e. exactly the next
phase). Only the button matching the next phase is enabled, so the button pressed always
names the phase that will run.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.training.trainer import Phase

from .notation import GREY
from .state import InspectorState


def describe(phase: Phase) -> str:
    """'forward layer 2', 'divergence', 'backward layer 1', 'update'."""
    return str(phase)


def short(phase: Phase) -> str:
    return {"forward": f"F{phase.layer}", "divergence": "Div", "backward": f"B{phase.layer}",
            "update": "Upd"}[phase.kind]


class StepThroughBar(QWidget):
    """Buttons for one phase at a time and the phase strip F1 … FN Div BN … B1 Upd."""

    phaseRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state: InspectorState | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(2)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self.forward_button = QPushButton("Step forward")
        self.forward_button.setToolTip("Compute z and y of the next layer (after layer N: the divergence)")
        self.backward_button = QPushButton("Step backward")
        self.backward_button.setToolTip("Compute ∂Div/∂y, ∂Div/∂z and ∂Div/∂W of the next layer back")
        self.update_button = QPushButton("Update")
        self.update_button.setToolTip("Apply the optimiser to every weight with the batch-mean gradient")
        for b in (self.forward_button, self.backward_button, self.update_button):
            b.clicked.connect(self._clicked)
            layout.addWidget(b)
        layout.addStretch(1)
        self.next_label = QLabel()  # its own row: a narrow dock must not cut it off
        self.next_label.setObjectName("next")
        outer.addWidget(self.next_label)
        self.strip = QLabel()
        self.strip.setTextFormat(Qt.RichText)
        self.strip.setObjectName("strip")
        self.strip.setWordWrap(True)
        outer.addWidget(self.strip)
        self._set_enabled(None)

    @Slot(object)
    def show_state(self, state: InspectorState) -> None:
        self.state = state
        self._set_enabled(state.next_phase if state.paused else None)
        new = " (a new iteration)" if state.iteration_complete or state.trace is None else ""
        self.next_label.setText(f"<b>Next: {describe(state.next_phase)}</b>{new}")
        self._draw_strip(state)

    def _set_enabled(self, phase: Phase | None) -> None:
        kind = None if phase is None else phase.kind
        self.forward_button.setEnabled(kind in ("forward", "divergence"))
        self.backward_button.setEnabled(kind == "backward")
        self.update_button.setEnabled(kind == "update")
        if kind == "divergence":
            self.forward_button.setText("Step forward (divergence)")
        else:
            self.forward_button.setText("Step forward")

    def _draw_strip(self, state: InspectorState) -> None:
        N = state.N
        phases = ([Phase("forward", k) for k in range(1, N + 1)] + [Phase("divergence")]
                  + [Phase("backward", k) for k in range(N, 0, -1)] + [Phase("update")])
        nxt = phases.index(state.next_phase) if state.next_phase in phases else 0
        complete = state.iteration_complete
        parts = []
        for n, p in enumerate(phases):
            if complete or n < nxt:
                parts.append(f"{short(p)}✓")
            elif n == nxt:
                parts.append(f'<span style="background:#F0E442; font-weight:bold">&nbsp;{short(p)}&nbsp;</span>')
            else:
                parts.append(f'<span style="color:{GREY}">{short(p)}</span>')
        self.strip.setText(" → ".join(parts))
        self.strip.setToolTip("Phases of one iteration: forward layers, divergence, backward layers, update.\n"
                              "✓ done in this iteration, highlighted = next.")

    def _clicked(self) -> None:
        if self.state is not None and self.state.paused:
            self.phaseRequested.emit()
