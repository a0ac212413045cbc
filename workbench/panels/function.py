"""Function mode — the calculus refresher: an objective f(x) or f(x, y) (engine.objectives) instead
of a network, descended by the network optimisers (SGD with momentum/Nesterov, Adagrad, RMSprop,
Adam) with the same hyperparameters.

1-D: f, f′ and f″ stacked, the path on f, the current point on each. 2-D: labelled level sets,
the path, −∇f (perpendicular to the dashed level set through the point) and the Hessian's
eigen-axes. Below: the verdict at the point in words (engine.objectives.verdict). A click sets
the start. Step (→) adds one update to every path (the path grows), Phase (Shift+→) runs only
the next phase of it — "gradient" (g = ∇f(x_t) evaluated: the arrow and its numbers appear),
then "update" (x_{t+1} = x_t − Δ: the point moves) — and Play (Space) grows them up to Steps
at the chosen updates per second (workbench.panels.function_play: also which keys go where);
"one by one" makes a change start over instead of descending at once. A function-mode
experiment file (File ▸ Lecture experiments) brings its objective, start and several optimisers
to compare; the optimiser controls edit the path chosen under "Path".

Everything is the engine's; the panel needs no trainer, so it has no probe and computes on a change.
"""

from __future__ import annotations

from html import escape

import numpy as np
from PySide6.QtCore import Qt, QTimer

from engine.analysis.critical_points import step_size_rule
from engine.core.errors import ConfigurationError
from engine.core.optimizers import create
from engine.objectives.descent import PHASE_WORDS, Descent
from engine.objectives.experiment import ObjectiveExperiment, optimizer_label
from engine.objectives.library import builtin
from engine.objectives.objective import objective
from engine.objectives.verdict import verdict

from . import function_draw as draw
from .base import LazyPanel, part, scrolled
from .function_play import STATUS, Pace, in_front, interval
from .function_view import TITLES, TYPED_1D, TYPED_2D, FunctionView

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
FORMULAS = {TYPED_1D: "x^3 - 3*x", TYPED_2D: "x^2 - y^2"}


class FunctionPanel(LazyPanel):
    """Hidden until View ▸ Function mode: built (and the first descent computed) when first shown."""

    name, title, visible, frame_share = "FunctionDock", "Function mode", False, 0
    area, tab_with = Qt.LeftDockWidgetArea, "RunControlsDock"  # the full height: three stacked plots need it
    view = part("view")

    def __init__(self, host):
        super().__init__(host)
        self.f = None
        self.start = None
        self.specs = [{"name": "sgd", "learning_rate": 0.05}]  # one optimiser per path
        self.selected = 0
        self.descents: list[Descent] = []
        self.result = None  # (Path, PointVerdict) of the selected path
        self.note = ""  # what the open experiment shows (its description)
        self.formulas = dict(FORMULAS)  # the typed f(x) and f(x, y), each kept while the other is shown
        self._loading = False
        self.phased = False  # the last move was one phase (Shift+→): the gradient shows only once evaluated
        self.pace = Pace()
        self.timer = QTimer()
        self.timer.setInterval(interval(0))
        self.timer.timeout.connect(self._play_frame)

    def build(self):
        self._view = view = FunctionView()
        view.run_key = self.run_key  # Space / → / Shift+→ (workbench.run_keys, function_play.in_front)
        keys = getattr(self.host, "run_keys", None)
        if keys is not None:
            keys.claims.append(lambda: view if in_front(self.host, self.dock) else None)
        if self.dock is not None:
            self.dock.visibilityChanged.connect(self._in_front_changed)
        self._connect()
        self._show_spec()
        self._objective_changed()
        return scrolled(view)  # at 1280×720 the dock scrolls; the plot keeps a readable size

    def _connect(self) -> None:
        v = self.view
        v.choice.currentIndexChanged.connect(self._choice_changed)
        v.formula.editingFinished.connect(self._objective_changed)
        v.kappa.valueChanged.connect(self._objective_changed)
        v.angle.valueChanged.connect(self._objective_changed)
        for signal in (v.optimizer.currentIndexChanged, v.rate.valueChanged, v.momentum.valueChanged,
                       v.nesterov.toggled):
            signal.connect(self._spec_changed)
        v.which.currentIndexChanged.connect(self._path_chosen)
        v.steps.valueChanged.connect(self._changed)
        v.step_mode.toggled.connect(self._changed)
        v.start_over.clicked.connect(lambda: self.restart(0))
        v.step.clicked.connect(lambda: self.step())
        v.phase.clicked.connect(self.phase)
        v.play.toggled.connect(self._play_toggled)
        v.speed.valueChanged.connect(self._speed_changed)
        v.plane.plot.scene().sigMouseClicked.connect(self._clicked)
        v.line.widget.scene().sigMouseClicked.connect(self._clicked)

    # -- the objective ---------------------------------------------------------------------
    def choose(self, key: str) -> None:
        """Select an objective by its library name (or TYPED_1D / TYPED_2D)."""
        self.view.choice.setCurrentIndex(self.view.choice.findData(key))

    def _choice_changed(self) -> None:
        key = self.view.choice.currentData()
        if key in FORMULAS and not self._loading:
            self.view.formula.setText(self.formulas[key])
        self._objective_changed()

    def _enable_objective_controls(self) -> None:
        """The formula row only for a typed f, the κ and rotation row only for the bowl."""
        v, key = self.view, self.view.choice.currentData()
        v.form.setRowVisible(v.formula, key in FORMULAS)
        v.form.setRowVisible(v.bowl, key == "bowl")

    def _objective_changed(self) -> None:
        if self._loading:
            return
        v, key = self.view, self.view.choice.currentData()
        typed = key in FORMULAS
        self.note = ""
        self._enable_objective_controls()
        try:
            if typed:
                f = objective(v.formula.text(), dimension=1 if key == TYPED_1D else 2,
                              view=(-3, 3, -3, 3) if key == TYPED_1D else None)
            elif key == "bowl":
                f = builtin("bowl", kappa=v.kappa.value(), angle=v.angle.value())
            else:
                f = builtin(key)
        except ConfigurationError as error:  # ExpressionError names the position of the fault
            v.verdict.setText(f"<span style='color:#e74c3c'>{escape(str(error))}</span>")
            return
        if typed:
            self.formulas[key] = v.formula.text()
        self.set_objective(f, f.start)

    def set_objective(self, f, start) -> None:
        self.f, self.start = f, np.array(start, dtype=np.float64).reshape(f.dimension)
        v = self.view
        v.stack.setCurrentWidget(v.plane.widget if f.dimension == 2 else v.line.widget)
        if f.dimension == 2:
            draw.draw_surface(v.plane, f)
        else:
            draw.draw_curves(v.line, f)
        self.redescend()

    # -- the optimisers --------------------------------------------------------------------
    def spec(self) -> dict:
        """The optimiser settings the controls show (those of an experiment's optimizers list)."""
        v = self.view
        spec = {"name": v.optimizer.currentData(), "learning_rate": v.rate.value()}
        if spec["name"] in ("sgd", "rmsprop") and v.momentum.value() > 0:
            spec["momentum"] = v.momentum.value()
        if spec["name"] == "sgd" and v.nesterov.isChecked():
            spec["nesterov"] = True
        return spec

    def _show_spec(self) -> None:
        """The controls show the selected path's optimiser (and only the hyperparameters it has)."""
        v, spec = self.view, self.specs[self.selected]
        self._loading = True
        try:
            v.optimizer.setCurrentIndex(v.optimizer.findData(spec["name"]))
            v.rate.setValue(spec.get("learning_rate", create(spec["name"]).learning_rate))
            v.momentum.setValue(spec.get("momentum", 0.0))
            v.nesterov.setChecked(bool(spec.get("nesterov", False)))
            v.which.clear()
            v.which.addItems([f"{i + 1}: {optimizer_label(s)}" for i, s in enumerate(self.specs)])
            v.which.setCurrentIndex(self.selected)
        finally:
            self._loading = False
        v.momentum.setEnabled(spec["name"] in ("sgd", "rmsprop"))
        v.nesterov.setEnabled(spec["name"] == "sgd")
        v.form.setRowVisible(v.which, len(self.specs) > 1)

    def _spec_changed(self, *_) -> None:
        if self._loading:
            return
        spec = self.spec()
        try:
            create(**spec)
        except ConfigurationError as error:  # e.g. Nesterov without momentum: said, the old path stays
            self._show_spec()  # the controls show the path's optimiser again
            self.view.verdict.setText(f"<span style='color:#e74c3c'>{escape(str(error))}</span>")
            return
        self.specs[self.selected] = spec
        self._show_spec()
        self.redescend()

    def _path_chosen(self, index: int) -> None:
        if not self._loading and 0 <= index < len(self.specs):
            self.selected = index
            self._show_spec()
            self._draw()

    def open_experiment(self, experiment: ObjectiveExperiment) -> None:
        """An experiment file's objective, start, steps and optimisers (one path each)."""
        spec, v = experiment.objective_spec, self.view
        self._loading = True
        try:
            key = spec.get("builtin") or (TYPED_2D if experiment.objective.dimension == 2 else TYPED_1D)
            self.choose(key)
            if "expression" in spec:
                v.formula.setText(spec["expression"])
            v.kappa.setValue(float(spec.get("kappa", 10.0)))
            v.angle.setValue(float(spec.get("angle", 0.0)))
            v.steps.setValue(experiment.steps)
            v.step_mode.setChecked(False)
            self.specs, self.selected = [dict(s) for s in experiment.optimizers], 0
        finally:
            self._loading = False
        self._enable_objective_controls()
        self._show_spec()
        self.note = experiment.description
        self.set_objective(experiment.objective, experiment.start)
        self.host.status_message(experiment.description, 12000)

    # -- descent ---------------------------------------------------------------------------
    def restart(self, updates: int) -> None:
        """Every path from the start, `updates` updates taken, each with a fresh optimiser."""
        if self.f is None:
            return
        self.descents = [Descent(self.f, self.start, create(**spec)) for spec in self.specs]
        for d in self.descents:
            d.advance(updates)
        self.phased = False
        self._draw()

    def _changed(self, *_) -> None:
        if not self._loading:
            self.redescend()

    def redescend(self) -> None:
        """After a change: Steps updates at once, or none in step-by-step mode."""
        self.restart(0 if self.view.step_mode.isChecked() else self.view.steps.value())

    def step(self, updates: int = 1) -> None:
        """`updates` more updates on every path (the step-by-step mode's Step; it pauses Play).
        An update half done by Phase is finished, not started again."""
        self.view.play.setChecked(False)
        for d in self.descents:
            d.advance(updates)
        self.phased = False
        self._draw()

    def phase(self) -> None:
        """The next phase on every path (they run in step): "gradient", then "update"; pauses Play."""
        self.view.play.setChecked(False)
        for d in self.descents:
            d.advance_phase()
        self.phased = True
        self._draw()

    def _play_toggled(self, on: bool) -> None:
        """Play from where the paths are (Pause keeps them); from the start once played to the end."""
        if on and all(d.steps >= self.view.steps.value() or d.diverged for d in self.descents):
            self.restart(0)  # played to the end: play again from the start
        self.view.play.setText("Pause" if on else "Play")
        self.pace.reset()
        self.timer.start() if on else self.timer.stop()

    def _speed_changed(self, rate: int) -> None:
        """The speed applies at once, also while playing."""
        self.timer.setInterval(interval(rate))
        self.pace.reset()

    def _play_frame(self) -> None:
        target = self.view.steps.value()
        chunk = self.pace.updates(self.view.speed.value(), target)
        for d in self.descents:
            d.advance(min(chunk, max(0, target - d.steps)))
        self.phased = False
        self._draw()
        if all(d.steps >= target or d.diverged for d in self.descents):
            self.view.play.setChecked(False)

    def run_key(self, key, modifiers) -> None:
        """The network's keys: Space Play / pause, → Step, Shift+→ Phase."""
        if key == Qt.Key_Right and modifiers & Qt.ShiftModifier:
            self.phase()
        elif key == Qt.Key_Right:
            self.step()
        elif key == Qt.Key_Space:
            self.view.play.toggle()

    def _in_front_changed(self, visible: bool) -> None:
        if visible and in_front(self.host, self.dock):
            self.host.status_message(STATUS, 8000)

    # -- drawing ---------------------------------------------------------------------------
    def _draw(self) -> None:
        if not self.descents:
            return
        v, f = self.view, self.f
        paths = [d.path() for d in self.descents]
        labels = [optimizer_label(s) for s in self.specs]
        (draw.draw_plane_paths if f.dimension == 2 else draw.draw_line_paths)(
            v.plane if f.dimension == 2 else v.line, f, paths, labels, self.selected)
        path = paths[self.selected]
        here = path.points[-1]
        said = verdict(f, here)
        self.result = (path, said)
        where = ", ".join(f"{c:.4g}" for c in here)
        lines = [f"<i>{escape(self.note)}</i>"] if self.note else []
        name = TITLES.get(f.name, f.name) if f.name in TITLES and f.name not in FORMULAS else f.name
        updates = "" if len(paths) > 1 else f" after {len(path.points) - 1} updates" + (
            " (diverged)" if path.diverged else "")
        lines += [f"<b>{escape(name)}</b> at ({where}){updates}: f = {path.values[-1]:.4g}. <b>{escape(said.words)}</b>."]
        lines += self._step_size_line(said)
        if len(paths) > 1:
            ends = [f"{i + 1}: {'diverged' if p.diverged else f'f = {p.values[-1]:.3g}'} after {len(p.points) - 1}"
                    for i, p in enumerate(paths)]
            lines.append("paths " + " · ".join(ends))
        v.verdict.setText("<br>".join(lines))
        v.phase_label.setText(self._phase_text())
        if self.phased and self.descents[self.selected].next_phase == "gradient":
            draw.hide_gradient(v.plane if f.dimension == 2 else v.line)  # not evaluated at x_{t+1} yet

    def _phase_text(self) -> str:
        """"next phase: …" in the lecture's words, with g = ∇f(x_t) once the gradient phase ran."""
        d = self.descents[self.selected]
        if d.diverged:
            return "phase: — (diverged: no further update)"
        now, after = (f"x{str(n).translate(SUBSCRIPTS)}" for n in (d.steps, d.steps + 1))
        text = f"<b>next phase: {escape(PHASE_WORDS[d.next_phase])}</b>"
        if d.gradient is not None:
            g = ", ".join(f"{c:.3g}" for c in d.gradient)
            text += f" · g = ∇f(x_t) = ({g})"
        return text.replace("x_{t+1}", after).replace("x_t", now)

    def _step_size_line(self, said) -> list[str]:
        """For plain SGD where f curves upwards: η·λ_max against 2 (engine.analysis.critical_points)."""
        spec = self.specs[self.selected]
        if said.curvature is None or spec["name"] != "sgd" or spec.get("momentum") or said.curvature.largest <= 0:
            return []
        rule = step_size_rule(spec["learning_rate"], said.curvature.largest)
        if rule.warning:
            return [f"<span style='color:#c0392b'>{escape(rule.warning)}</span>"]
        return [f"η·λ_max = {rule.product:.3g} &lt; 2: along the steepest direction here each step shrinks the error "
                f"(factor |1 − ηλ_max| = {abs(1 - rule.product):.3g})"]

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self.f is None:
            return
        v = self.view
        if self.f.dimension == 2:
            point = v.plane.plot.vb.mapSceneToView(event.scenePos())
            self.start = np.array([point.x(), point.y()])
        else:
            plot = next((p for p in v.line.plots if p.vb.sceneBoundingRect().contains(event.scenePos())), None)
            if plot is None:
                return
            self.start = np.array([plot.vb.mapSceneToView(event.scenePos()).x()])
        self.redescend()

    def shutdown(self) -> None:
        self.timer.stop()
