"""The curvature dock: the Hessian's spectrum at θ (engine.analysis.curvature) in words.

λ_min, λ_max, the counts of negative / zero / positive eigenvalues with the tolerance, the
condition number, the second-derivative test's verdict, and η·λ_max beside the learning rate
(the snapshot's current η_t, so a changed η shows at once) with the step-size rule's warning
when it exceeds 2. At a saddle (paused) one button takes the step θ ← θ ± s·v_min along
the eigenvector of the most negative eigenvalue — undoable. Under the text, λ_min and λ_max
over training (curvature_history: bounded memory). The probe is paced (workbench.worker.pacing):
at most ~20 % of the worker while training.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from engine.analysis.critical_points import Classification, step_size_rule
from engine.analysis.curvature import curvature_steps, escape_point
from engine.analysis.training_loss import TrainingLoss

from ..worker.pacing import Pacing
from .base import LazyPanel, paint_scene, part, scrolled
from .curvature_history import ExtremesHistory, ExtremesPlot

ESCAPE_STEP = 0.1  # s: the length of the step off a saddle


@dataclass(frozen=True)
class CurvaturePayload:
    """The curvature report at θ of `iteration` (copies)."""

    iteration: int
    paused: bool
    P: int
    dense: bool
    classification: Classification
    theta: np.ndarray
    escape: np.ndarray | None  # θ after the step off the saddle (None: not a saddle)


class CurvatureProbe:
    """The spectrum at θ (dense up to 3000 parameters, else Lanczos extremes); every 2 s while training,
    or less often so that it takes at most ~20 % of the worker."""

    name = "curvature"

    def __init__(self):
        self.pacing = Pacing(base=2.0)

    @property
    def interval(self) -> float:
        return self.pacing.interval

    def compute(self, trainer, paused: bool):
        return self.pacing.run(self._work(trainer, paused))

    @staticmethod
    def _work(trainer, paused: bool):
        """Its first chunk copies θ and the loss; the rest never touches the trainer."""
        theta = np.array(trainer.network.parameters, dtype=np.float64)
        theta.flags.writeable = False
        loss = TrainingLoss.of_trainer(trainer)
        iteration = trainer.iteration
        yield 0.0
        report = yield from curvature_steps(loss, theta)
        verdict = report.classification
        escape = None
        if verdict.negative > 0:
            escape = escape_point(loss, theta, report, ESCAPE_STEP)
            escape.flags.writeable = False
        return CurvaturePayload(iteration, paused, report.P, report.dense, verdict, theta, escape)


def curvature_text(p: CurvaturePayload, learning_rate: float) -> str:
    """The report as rich text, in lecture notation; η·λ_max with the current η (η_t of the schedule)."""
    v = p.classification
    rule = step_size_rule(learning_rate, v.largest)
    how = "all eigenvalues (H formed)" if p.dense else "extreme eigenvalues only (Lanczos)"
    kappa = "∞ (some λ ≈ 0)" if not np.isfinite(v.condition_number) else f"{v.condition_number:.3g}"
    rows = [
        f"<b>{html.escape(v.description)}</b>",
        f"iteration {p.iteration}, P = {p.P} parameters: {how}; ‖∇L‖ = {v.gradient_norm:.3g}",
        f"λ_min = {v.smallest:.4g}, λ_max = {v.largest:.4g}",
        f"eigenvalues &lt; 0: {v.negative}, ≈ 0: {v.zero}, &gt; 0: {v.positive} (|λ| ≤ {v.tolerance:.2g} counts as 0)",
        f"condition number κ = max|λ| / min|λ| = {kappa}",
        f"η = {rule.learning_rate:.4g}: η·λ_max = {rule.product:.4g} (stable below 2, i.e. η &lt; 2/λ_max = {rule.limit:.4g})",
    ]
    return "<br>".join(rows)


class CurvatureView(QWidget):
    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        self.report = QLabel("Open while paused or training: the Hessian of L at the current θ.")
        self.report.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c0392b; font-weight: bold")
        self.warning.hide()
        self.escape = QPushButton("Step along the most negative eigenvector")
        self.escape.setToolTip(f"θ ← θ ± {ESCAPE_STEP}·v_min (the sign with the lower loss); paused, at a saddle; undoable")
        self.escape.setEnabled(False)
        self.extremes = ExtremesPlot()
        self.history = ExtremesHistory()
        for w in (self.report, self.warning, self.escape, self.extremes.widget):
            layout.addWidget(w)
        layout.addStretch(1)
        self.payload, self.learning_rate = None, None

    def show_payload(self, payload: CurvaturePayload, learning_rate: float) -> None:
        if payload is self.payload and learning_rate == self.learning_rate:
            return
        if payload is not self.payload:
            v = payload.classification
            self.history.add(payload.iteration, v.smallest, v.largest)
            self.extremes.draw(self.history)
        self.payload, self.learning_rate = payload, learning_rate
        self.report.setText(curvature_text(payload, learning_rate))
        warning = step_size_rule(learning_rate, payload.classification.largest).warning
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.escape.setEnabled(payload.paused and payload.escape is not None)


class CurvaturePanel(LazyPanel):
    """Hidden until View ▸ Curvature: built when first shown."""

    name, title, visible, tab_with = "CurvatureDock", "Curvature", False, "LandscapeDock"
    view = part("view")

    def __init__(self, host):
        super().__init__(host)
        self.probe = CurvatureProbe()

    def build(self) -> QWidget:
        self._view = CurvatureView()
        self._view.escape.clicked.connect(self._escape)
        return scrolled(self._view)

    def _escape(self) -> None:
        p = self.view.payload
        if p is None or p.escape is None or not p.paused:
            return
        self.view.escape.setEnabled(False)  # until the report at the new θ arrives
        self.host.controller.edit_parameters(p.theta, p.escape, "step off the saddle along v_min")

    def set_run(self, run) -> None:
        self.view.history.clear()
        self.view.extremes.draw(self.view.history)

    def has_news(self, snapshot) -> bool:
        payload = snapshot.probes.get(self.probe.name)
        news = payload is not self.view.payload or snapshot.learning_rate != self.view.learning_rate
        return payload is not None and news and self.view.isVisible()

    def show(self, snapshot, paint: bool) -> bool:
        payload = snapshot.probes.get(self.probe.name)
        if payload is not None and (self.view.isVisible() or not self.host.isVisible()):
            self.view.show_payload(payload, snapshot.learning_rate)
        if paint and self.view.isVisible():
            paint_scene(self.view.extremes.widget.scene())
        return False
