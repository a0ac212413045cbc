"""Function mode dock: 1-D curves f, f′, f″ and 2-D level sets equal the engine's; the network
optimisers drive it; Step grows the path; keys; a click sets the start; File ▸ Lecture experiments."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextDocumentFragment

from engine.core.optimizers import create
from engine.objectives.descent import descend
from engine.objectives.experiment import examples, load
from engine.objectives.library import builtin
from engine.objectives.verdict import verdict
from workbench.lecture_menu import LECTURE_EXPERIMENTS, open_lecture_experiment


def shown(view) -> str:
    """The verdict as the user reads it (its rich text rendered to plain text)."""
    return QTextDocumentFragment.fromHtml(view.verdict.text()).toPlainText()


@pytest.fixture
def panel(window):
    p = window.panels["FunctionDock"]
    p.dock.show()
    return p


def set_optimizer(panel, spec):
    v = panel.view
    v.optimizer.setCurrentIndex(v.optimizer.findData(spec["name"]))
    v.rate.setValue(spec["learning_rate"])
    v.momentum.setValue(spec.get("momentum", 0.0))
    v.nesterov.setChecked(spec.get("nesterov", False))


def test_function_panel_path_and_verdict_equal_the_engine(panel):
    v = panel.view
    panel.choose("saddle")
    set_optimizer(panel, {"name": "sgd", "learning_rate": 0.1})
    v.steps.setValue(5)
    f = builtin("saddle")
    ref = descend(f, f.start, create("sgd", learning_rate=0.1), 5)
    path, said = panel.result
    np.testing.assert_array_equal(path.points, ref.points)
    assert said == verdict(f, ref.points[-1])
    assert "not a critical point" in shown(v) and "saddle" in shown(v)
    assert v.stack.currentWidget() is v.plane.widget and len(v.plane.labels) > 0


@pytest.mark.parametrize("spec", [
    {"name": "sgd", "learning_rate": 0.01, "momentum": 0.9},
    {"name": "sgd", "learning_rate": 0.01, "momentum": 0.9, "nesterov": True},
    {"name": "adagrad", "learning_rate": 0.3},
    {"name": "rmsprop", "learning_rate": 0.01, "momentum": 0.5},
    {"name": "adam", "learning_rate": 0.05},
])
def test_function_panel_descends_with_every_network_optimizer(panel, spec):
    panel.choose("rosenbrock")
    set_optimizer(panel, spec)
    panel.view.steps.setValue(40)
    assert panel.specs == [spec]
    f = builtin("rosenbrock")
    np.testing.assert_array_equal(panel.result[0].points, descend(f, f.start, create(**spec), 40).points)


def test_function_panel_nesterov_without_momentum_is_refused_in_words(panel):
    set_optimizer(panel, {"name": "sgd", "learning_rate": 0.05})
    panel.view.nesterov.setChecked(True)
    assert "nesterov needs a momentum" in shown(panel.view)
    assert panel.specs == [{"name": "sgd", "learning_rate": 0.05}]


def test_function_panel_typed_objective_and_bad_input(panel):
    v = panel.view
    panel.choose("typed_2d")
    v.formula.setText("x^2 + 3*y^2")
    v.formula.editingFinished.emit()
    assert panel.result[1].curvature.kind == "minimum" and panel.f.expression == "x^2 + 3*y^2"
    v.formula.setText("x^2 + (")
    v.formula.editingFinished.emit()
    assert panel.f.expression == "x^2 + 3*y^2"  # kept; the fault is said in words
    assert "unexpected end of the expression at position 8" in shown(v)


@pytest.mark.parametrize("name", ["square", "negative_square", "cube", "quartic", "double_well", "sine_slope"])
def test_function_panel_1d_draws_f_and_its_derivatives(panel, name):
    panel.choose(name)
    v, f = panel.view, builtin(name)
    assert v.stack.currentWidget() is v.line.widget
    xs = v.line.f.curve.getData()[0]
    assert xs[0] == f.view[0] and xs[-1] == f.view[1]
    p = xs[:, None]
    for plot, expected in zip(v.line.plots, (f.value(p), f.gradient(p)[:, 0], f.hessian(p)[:, 0, 0])):
        np.testing.assert_allclose(plot.curve.getData()[1], expected)
    path = panel.result[0]
    px, py = v.line.paths[0].getData()
    np.testing.assert_array_equal(px, path.points[:, 0])
    np.testing.assert_array_equal(py, f.value(path.points))
    x = path.points[-1, 0]
    assert v.line.df.marker.getData()[1][0] == pytest.approx(f.gradient([x])[0])
    assert v.line.d2f.marker.getData()[1][0] == pytest.approx(f.hessian([x])[0, 0])


@pytest.mark.parametrize("name,x,phrase", [
    ("square", 0.0, "f″(x) = 2 > 0: a minimum"),
    ("negative_square", 0.0, "f″(x) = −2 < 0: a maximum"),
    ("cube", 0.0, "degenerate — needs higher order"),
    ("quartic", 0.0, "degenerate — needs higher order"),
    ("square", 0.5, "not a critical point — the slope is 1, so descent moves left"),
])
def test_function_panel_1d_says_what_the_point_is(panel, name, x, phrase):
    panel.choose(name)
    panel.view.step_mode.setChecked(True)
    panel.start = np.array([x])
    panel.redescend()
    assert panel.result[0].points.shape == (1, 1)
    assert phrase in shown(panel.view)


def click_at(qtbot, widget, view_box, x, y):
    scene = view_box.mapViewToScene(QPointF(x, y))
    pos = widget.mapFromScene(scene)
    qtbot.mouseClick(widget.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_function_panel_click_on_f_starts_there(qtbot, window, panel):
    panel.dock.setFloating(True)
    panel.dock.resize(700, 800)
    qtbot.waitExposed(panel.dock)
    panel.choose("double_well")
    click_at(qtbot, panel.view.line.widget, panel.view.line.f.vb, -1.5, 1.0)
    qtbot.waitUntil(lambda: abs(panel.start[0] + 1.5) < 0.05, timeout=20_000)
    assert panel.result[0].points[0, 0] == panel.start[0]
    assert panel.result[1].kind == "minimum"  # SGD from −1.5 reaches the well at x = −1
    panel.choose("saddle")
    click_at(qtbot, panel.view.plane.widget, panel.view.plane.plot.vb, 0.5, -0.5)
    qtbot.waitUntil(lambda: np.abs(panel.start - [0.5, -0.5]).max() < 0.05, timeout=20_000)


def test_function_panel_step_grows_the_path_one_update_at_a_time(qtbot, panel):
    v = panel.view
    panel.choose("bowl")
    set_optimizer(panel, {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9})
    v.step_mode.setChecked(True)
    panel.redescend()
    f = panel.f
    for n in range(1, 4):
        qtbot.mouseClick(v.step, Qt.LeftButton)
        ref = descend(f, f.start, create("sgd", learning_rate=0.05, momentum=0.9), n)
        np.testing.assert_array_equal(panel.result[0].points, ref.points)
        assert len(v.plane.paths[0].getData()[0]) == n + 1
    v.steps.setValue(30)  # a change in step-by-step mode starts over
    assert len(panel.result[0].points) == 1
    v.play.setChecked(True)
    qtbot.waitUntil(lambda: not v.play.isChecked(), timeout=20_000)
    assert len(panel.result[0].points) == 31


def test_function_panel_keys_step_the_function_not_the_network(qtbot, window, panel):
    steps = []
    window.actions_run.step.triggered.connect(lambda: steps.append(1))
    window.activateWindow()
    panel.view.step_mode.setChecked(True)
    panel.choose("square")
    plot = panel.view.line.widget
    plot.setFocus()
    qtbot.waitUntil(plot.hasFocus, timeout=20_000)
    qtbot.keyClick(plot, Qt.Key_Right)
    qtbot.keyClick(plot, Qt.Key_Right)
    assert len(panel.result[0].points) == 3 and steps == []
    window.controls.lr_spin.setFocus()
    qtbot.waitUntil(window.controls.lr_spin.hasFocus, timeout=20_000)
    qtbot.keyClick(window.controls.lr_spin, Qt.Key_Right)
    assert steps == [1] and len(panel.result[0].points) == 3  # elsewhere → is the network's Step
    plot.setFocus()
    qtbot.waitUntil(plot.hasFocus, timeout=20_000)
    qtbot.keyClick(plot, Qt.Key_Space)  # Play: the path grows to Steps (50) and stops
    qtbot.waitUntil(lambda: len(panel.result[0].points) == 51 and not panel.view.play.isChecked(), timeout=20_000)
    assert window.last_snapshot is None or window.last_snapshot.state != "running"


def test_function_panel_gradient_arrow_is_perpendicular_to_the_level_set(panel):
    panel.choose("bowl")
    panel.view.kappa.setValue(5.0)
    panel.view.angle.setValue(30.0)
    panel.view.steps.setValue(3)
    here = panel.result[0].points[-1]
    gx, gy = panel.view.plane.gradient.getData()
    arrow = np.array([gx[1] - gx[0], gy[1] - gy[0]])
    assert np.allclose([gx[0], gy[0]], here)
    seg = np.column_stack(panel.view.plane.here_level.getData()).reshape(-1, 2, 2)
    nearest = seg[np.argmin(np.linalg.norm(seg.mean(axis=1) - here, axis=1))]
    tangent = nearest[1] - nearest[0]
    cos = abs(arrow @ tangent) / (np.linalg.norm(arrow) * np.linalg.norm(tangent))
    assert cos < 0.05
    assert panel.view.plane.plot.vb.state["aspectLocked"] == 1.0  # so it looks perpendicular too


def test_function_panel_level_labels_sit_on_their_level_sets(panel):
    panel.choose("himmelblau")
    f = panel.f
    labels = panel.view.plane.labels
    assert len(labels) >= 8
    for label in labels:
        value = float(label.toPlainText())
        pos = label.pos()
        assert f.value(np.array([pos.x(), pos.y()])) == pytest.approx(value, rel=0.05, abs=0.5)


def test_function_lecture_menu_lists_every_shipped_experiment(window):
    file_menu = window.menuBar().actions()[0].menu()
    lecture = next(a.menu() for a in file_menu.actions() if a.menu() and "Lecture" in a.text())
    assert [a.text() for a in lecture.actions()] == [text for text, _, _ in LECTURE_EXPERIMENTS]
    assert {stem for _, kind, stem in LECTURE_EXPERIMENTS if kind == "function"} == set(examples())
    panel = window.panels["FunctionDock"]
    assert panel.dock.isHidden()
    lecture.actions()[0].trigger()  # saddle escape: the dock is shown and raised over Run controls
    assert panel.dock.isVisible() and not panel.dock.visibleRegion().isEmpty()
    assert panel.f.expression == "x^2 - y^2" and panel.start.tolist() == [1.5, 0.001]
    assert "escapes" in shown(panel.view)  # the experiment's description is shown


@pytest.mark.parametrize("stem", sorted(examples()))
def test_function_lecture_experiment_opens_in_the_function_dock(window, stem):
    panel = window.panels["FunctionDock"]
    assert open_lecture_experiment(window, "function", stem)
    assert panel.dock.isVisible()
    experiment = load(examples()[stem])
    expected = experiment.run()
    assert len(panel.descents) == len(expected) == len(panel.view.plane.paths)
    for d, ref in zip(panel.descents, expected):
        np.testing.assert_array_equal(d.path().points, ref.points)
    assert panel.view.which.count() == len(expected)


def test_function_lecture_network_experiment_opens_through_open_with_the_prompt(window):
    asked = []
    window.confirm_discard = lambda: asked.append(1) or False
    assert not open_lecture_experiment(window, "network", "symmetric_saddle")
    assert asked == [1] and not str(window.session.path or "").endswith("symmetric_saddle.json")
    window.confirm_discard = lambda: asked.append(2) or True
    assert open_lecture_experiment(window, "network", "symmetric_saddle")
    assert asked == [1, 2] and str(window.session.path).endswith("symmetric_saddle.json")


def test_function_panel_typed_f_of_x_draws_its_derivatives_and_refuses_y(panel):
    v = panel.view
    panel.choose("typed_1d")
    v.formula.setText("x^3 - 3*x")
    v.formula.editingFinished.emit()
    assert v.stack.currentWidget() is v.line.widget and panel.f.dimension == 1
    xs, d2 = v.line.d2f.curve.getData()
    np.testing.assert_allclose(d2, 6 * xs)  # f″ = 6x
    v.formula.setText("x^2 + y")
    v.formula.editingFinished.emit()
    assert "a 1-D objective may use x only" in shown(v) and panel.f.expression == "x^3 - 3*x"


def test_function_panel_says_eta_lambda_max_against_two_on_the_step_size_bowl(window):
    panel = window.panels["FunctionDock"]
    assert open_lecture_experiment(window, "function", "bowl_step_size")
    assert "η·λ_max = 1.95 < 2" in shown(panel.view)  # η = 0.039, λ_max = 50
    panel.view.which.setCurrentIndex(1)  # the path with η = 0.041: the controls now edit it
    assert panel.view.rate.value() == 0.041 and panel.selected == 1
    assert "η·λ_max = 2.05 > 2" in shown(panel.view)
    assert "diverged" in shown(panel.view) or panel.result[0].values[-1] > 1e6
    drawn = len(panel.view.plane.paths[1].getData()[0])
    assert drawn < len(panel.result[0].points)  # the diverging zig-zag is drawn until it is far off the view
    far = np.abs(panel.result[0].points).max(axis=1) > 6  # the view is [−2, 2]²: one view-width beyond it
    assert far[drawn - 1] and not far[: drawn - 1].any()
