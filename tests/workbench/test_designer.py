"""Network designer (issue 5): point-and-click edits, undo/redo, selection, scale, limits."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest

from engine import Network
from engine.training.edits import MAX_HIDDEN_LAYERS, MAX_UNITS
from workbench.designer import DesignerPanel, NetworkEditor, default_output, pair_note
from workbench.designer.items import LEVELS, STRANDS


def random_network(sizes, activations, seed=1):
    net = Network.create(sizes, activations, seed=seed)
    net.parameters[:] = np.random.default_rng(seed).normal(0, 0.7, net.parameters.size)
    return net


@pytest.fixture
def panel(qtbot):
    net = random_network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"])
    p = DesignerPanel(net, ["x1", "x2"], ["class 1"], "binary", "xavier_uniform", seed=7)
    qtbot.addWidget(p)
    p.resize(900, 520)
    p.show()
    qtbot.waitExposed(p)
    return p


def click_scene(qtbot, view, scene_point: QPointF):
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(scene_point))


def click_button(qtbot, view, c, name):
    click_scene(qtbot, view, view.header_button(c, name).sceneBoundingRect().center())


def same(a: Network, b: Network) -> bool:
    return a.sizes == b.sizes and a.activation_names == b.activation_names \
        and np.array_equal(a.parameters, b.parameters)


# -- edits by clicking -----------------------------------------------------------------------
def test_add_layer_button_inserts_a_layer_and_keeps_untouched_weights(qtbot, panel):
    old = panel.editor.network
    with qtbot.waitSignal(panel.editor.networkChanged) as blocker:
        click_button(qtbot, panel.view, 1, "after")  # new layer 2 between hidden layers 1 and 2
    new = blocker.args[0]
    assert new is panel.editor.network
    assert new.sizes == (2, 8, 8, 8, 1) and new.activation_names == ("tanh", "tanh", "tanh", "sigmoid")
    assert np.array_equal(new.W[1], old.W[1]) and np.array_equal(new.b[1], old.b[1])
    assert np.array_equal(new.b[3], old.b[2])                  # old layer 2's bias moved to layer 3
    assert np.array_equal(new.W[4], old.W[3]) and np.array_equal(new.b[4], old.b[3])
    assert not np.array_equal(new.W[3], old.W[2])            # its fan-in changed: drawn afresh
    assert panel.view.selected_layer == 2


def test_plus_and_minus_buttons_resize_a_layer_keeping_the_overlap(qtbot, panel):
    old = panel.editor.network
    click_button(qtbot, panel.view, 2, "more")
    net = panel.editor.network
    assert net.sizes == (2, 8, 9, 1)
    assert np.array_equal(net.W[2][:, :8], old.W[2]) and np.array_equal(net.W[3][:8], old.W[3])
    assert np.array_equal(net.W[1], old.W[1]) and np.array_equal(net.b[3], old.b[3])
    click_button(qtbot, panel.view, 2, "fewer")
    click_button(qtbot, panel.view, 2, "fewer")
    net = panel.editor.network
    assert net.sizes == (2, 8, 7, 1)
    assert np.array_equal(net.W[2], old.W[2][:, :7]) and np.array_equal(net.b[2], old.b[2][:7])


def test_remove_button_removes_the_hidden_layer(qtbot, panel):
    old = panel.editor.network
    click_button(qtbot, panel.view, 1, "remove")
    net = panel.editor.network
    assert net.sizes == (2, 8, 1) and net.activation_names == ("tanh", "sigmoid")
    assert np.array_equal(net.W[2], old.W[3]) and np.array_equal(net.b[1], old.b[2])


def test_activation_menu_opens_on_click_and_sets_the_activation(qtbot, panel):
    view = panel.view
    click_button(qtbot, view, 2, "activation")
    qtbot.waitUntil(lambda: view.open_menu is not None and view.open_menu.isVisible())
    names = [a.text() for a in view.open_menu.actions()]
    assert "softmax" not in names and "relu" in names      # softmax only on the output layer
    next(a for a in view.open_menu.actions() if a.text() == "relu").trigger()
    assert panel.editor.network.activation_names == ("tanh", "relu", "sigmoid")
    assert view.header_button(2, "activation").label.text().startswith("relu")
    assert "softmax" in [a.text() for a in view.activation_menu(3).actions()]


def test_keyboard_edits_on_the_selected_layer(qtbot, panel):
    view = panel.view
    view.setFocus()
    click_button(qtbot, view, 1, "title")
    assert view.selected_layer == 1
    view.action_more_units.trigger()
    assert panel.editor.network.sizes == (2, 9, 8, 1)
    view.action_fewer_units.trigger()
    view.action_fewer_units.trigger()
    assert panel.editor.network.sizes == (2, 7, 8, 1)
    view.action_layer_after.trigger()
    assert panel.editor.network.sizes == (2, 7, 7, 8, 1) and view.selected_layer == 2
    view.action_remove_layer.trigger()
    assert panel.editor.network.sizes == (2, 7, 8, 1)
    view.select_layer(2)
    view.action_activation.trigger()
    qtbot.waitUntil(lambda: view.open_menu is not None and view.open_menu.isVisible())
    view.open_menu.close()
    # the same edits through real key presses
    qtbot.keyClick(view, Qt.Key_Plus)
    assert panel.editor.network.sizes == (2, 7, 9, 1)
    qtbot.keyClick(view, Qt.Key_Minus)
    assert panel.editor.network.sizes == (2, 7, 8, 1)


def test_undo_and_redo_restore_every_network_exactly(qtbot, panel):
    editor, view = panel.editor, panel.view
    states = [editor.network]
    for edit in (lambda: click_button(qtbot, view, 1, "after"),
                 lambda: click_button(qtbot, view, 1, "more"),
                 lambda: editor.set_activation(2, "relu"),
                 lambda: click_button(qtbot, view, 3, "fewer"),
                 lambda: click_button(qtbot, view, 2, "remove")):
        edit()
        assert not same(editor.network, states[-1])
        states.append(editor.network)
    for expected in reversed(states[:-1]):
        panel.undo_action.trigger()
        assert same(editor.network, expected)
    assert not panel.undo_action.isEnabled()
    for expected in states[1:]:
        with qtbot.waitSignal(editor.networkChanged):
            panel.redo_action.trigger()
        assert same(editor.network, expected)


def test_ctrl_z_and_ctrl_shift_z_in_the_panel(qtbot, panel):
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.view.setFocus()
    before = panel.editor.network
    click_button(qtbot, panel.view, 2, "more")
    after = panel.editor.network
    qtbot.keyClick(panel.view, Qt.Key_Z, Qt.ControlModifier)
    assert same(panel.editor.network, before)
    qtbot.keyClick(panel.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert same(panel.editor.network, after)


def test_edits_draw_new_parts_from_a_derived_seed(qtbot):
    nets = []
    for _ in range(2):
        editor = NetworkEditor(random_network([2, 8, 1], ["tanh", "sigmoid"]), problem="binary", seed=3)
        editor.add_layer(2)
        editor.change_units(1, +2)
        nets.append(editor.network)
    assert same(*nets)
    other = NetworkEditor(random_network([2, 8, 1], ["tanh", "sigmoid"]), problem="binary", seed=4)
    other.add_layer(2)
    other.change_units(1, +2)
    assert not same(other.network, nets[0])


# -- selection ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kij", [(1, 0, 3), (1, 1, 6), (2, 3, 5), (2, 7, 0), (3, 4, 0)])
def test_clicking_an_edge_selects_that_weight(qtbot, panel, kij):
    view = panel.view
    k, i, j = kij
    a, b = view.unit_pos(k - 1, i), view.unit_pos(k, j)
    r = QPointF(view._radius, 0)
    assert (view.edge_midpoint(k, i, j) - (a + r + b - r) / 2).manhattanLength() < 1e-9
    point = view.edge_point(k, i, j, 0.37)  # the exact middle is shared by crossing edges of a layer
    with qtbot.waitSignal(view.weightSelected) as blocker:
        click_scene(qtbot, view, point)
    assert blocker.args == [k, i, j]
    assert not view._selection_item.path().isEmpty()           # highlighted


def test_clicking_the_output_edge_midpoint_selects_it(qtbot, panel):
    view = panel.view
    with qtbot.waitSignal(view.weightSelected) as blocker:
        click_scene(qtbot, view, view.edge_midpoint(3, 5, 0))
    assert blocker.args == [3, 5, 0]


def test_clicking_a_unit_selects_it(qtbot, panel):
    view = panel.view
    with qtbot.waitSignal(view.unitSelected) as blocker:
        click_scene(qtbot, view, view.unit_pos(2, 6))
    assert blocker.args == [2, 6]
    assert view.selected_layer == 2 and not view._selection_item.path().isEmpty()


def test_tooltips_show_weight_gradient_bias_and_trace(qtbot, panel):
    view, net = panel.view, panel.editor.network
    gradient = np.arange(net.layout.size, dtype=float) / 1000
    view.update_weights(net.parameters, gradient)
    k, i, j = 2, 3, 5
    text = view.tooltip_at(view.edge_point(k, i, j, 0.37))
    assert f"{net.W[2][3, 5]:+.4g}" in text and f"{gradient[net.layout.weight_index(2, 3, 5)]:+.4g}" in text
    assert "<sub>4,6</sub><sup>(2)</sup>" in text                      # shown 1-based, as in the lecture
    trace = net.forward(np.array([[0.5, -1.0], [1.0, 2.0]]))
    view.set_trace(trace, 1)
    text = view.tooltip_at(view.unit_pos(1, 2))
    assert f"{net.b[1][2]:+.4g}" in text and f"{trace.z[1][1, 2]:+.4g}" in text \
        and f"{trace.y[1][1, 2]:+.4g}" in text


# -- live weights, scale -------------------------------------------------------------------
def test_update_weights_restyles_edges_and_ignores_a_stale_vector(qtbot, panel):
    view, net = panel.view, panel.editor.network
    flipped = -net.parameters
    assert view.update_weights(flipped, None)
    L = LEVELS
    positive = (view.edges.code % (2 * L)) < L
    assert np.array_equal(positive, flipped[view.edges.edge_idx] >= 0)          # colour follows the sign
    bins = np.bincount(view.edges.code, minlength=4 * L)
    for g, path in enumerate(view.edge_layer.paths):                           # one path per group
        strands = 1 if g >= 2 * L else len(STRANDS[g % L])
        assert len(path.toSubpathPolygons()) == bins[g] * strands
    w = np.abs(flipped[view.edges.edge_idx][:16])                               # W^(1): thicker = larger |w|
    level = view.edges.code[:16] % L
    assert level[np.argmax(w)] == L - 1 and level[np.argmin(w)] <= level[np.argmax(w)]
    assert not view.update_weights(np.zeros(5), None)
    assert view.parameters is flipped


def test_large_network_draws_compactly_and_stays_responsive(qtbot):
    net = Network.create([784, 256, 128, 10], ["relu", "relu", "softmax"], seed=0, dtype="float32")
    p = DesignerPanel(net, [f"px{m}" for m in range(784)], [str(d) for d in range(10)], "multiclass")
    qtbot.addWidget(p)
    p.resize(1000, 600)
    p.show()
    qtbot.waitExposed(p)
    view = p.view
    t0 = time.perf_counter()
    view.rebuild()
    rebuild = time.perf_counter() - t0
    assert rebuild < 0.5  # generous for CI; the bench checks the 50 ms target
    assert len(view.scene().items()) < 400                  # a sample of units, edges batched
    assert view.edges.edge_idx.size == 15 * 15 + 15 * 15 + 15 * 10
    gradient = np.ones(net.layout.size, np.float32)
    assert view.update_weights(net.parameters, gradient)
    assert view.unit_pos(1, 200) is None and view.unit_pos(1, 255) is not None
    texts = [i.text() for i in view.scene().items() if hasattr(i, "text")]
    assert "… 769 more" in texts and "… 241 more" in texts
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=1000)
    with qtbot.waitSignal(view.weightSelected) as blocker:
        click_scene(qtbot, view, view.edge_point(2, 254, 127, 0.37))
    assert blocker.args == [2, 254, 127]


# -- limits, io, output pairs --------------------------------------------------------------
def test_limits_are_refused_with_the_engines_message(qtbot, panel):
    editor = panel.editor
    messages = []
    editor.editRefused.connect(messages.append)
    while editor.network.N - 1 < MAX_HIDDEN_LAYERS:
        assert editor.add_layer(1, units=2)
    before = editor.network
    assert not editor.add_layer(1)
    assert messages[-1] == f"at most {MAX_HIDDEN_LAYERS} hidden layers"
    assert editor.network is before
    assert not editor.set_units(1, MAX_UNITS + 1)
    assert messages[-1] == f"a layer has 1 to {MAX_UNITS} units, not {MAX_UNITS + 1}"
    assert not editor.change_units(1, -2)
    assert "not 0" in messages[-1]
    assert not editor.set_activation(1, "softmax")
    assert "softmax is only offered on the output layer" in messages[-1]
    assert not editor.change_units(editor.network.N, +1)
    assert "follows the data" in messages[-1]
    assert panel.note.isVisible() and messages[-1] in panel.note.text()
    assert editor.network is before


def test_set_io_follows_the_dataset_and_resets_the_output_pair(qtbot, panel):
    editor = panel.editor
    old = editor.network
    with qtbot.waitSignal(editor.divergenceChanged) as blocker:
        editor.set_io(2, 3, ["a", "b"], ["setosa", "versicolor", "virginica"], "multiclass")
    assert blocker.args == ["cross_entropy"]
    net = editor.network
    assert net.sizes == (2, 8, 8, 3) and net.activation_names[-1] == "softmax"
    assert np.array_equal(net.W[1], old.W[1]) and np.array_equal(net.W[3][:, :1], old.W[3])
    assert editor.undo_stack.count() == 0
    assert not panel.note.isVisible()
    editor.set_divergence("l2")
    assert panel.note.isVisible() and "Softmax with L2 is allowed" in panel.note.text()
    editor.set_io(5, 1, None, ["price"], "regression")
    assert editor.network.sizes == (5, 8, 8, 1) and editor.network.activation_names[-1] == "identity"
    assert editor.divergence == "l2" and editor.feature_names == ["x1", "x2", "x3", "x4", "x5"]


def test_default_output_and_pair_notes():
    assert default_output("binary") == ("sigmoid", "bce")
    assert default_output("multiclass") == ("softmax", "cross_entropy")
    assert default_output("regression") == ("identity", "l2")
    for problem in ("binary", "multiclass", "regression"):
        assert pair_note(*default_output(problem)) is None
    assert "saturation" in pair_note("softmax", "l2")
    assert pair_note("identity", "bce") is not None


def test_an_edit_starts_from_the_latest_trained_weights_and_undo_returns_to_them(qtbot, panel):
    editor, view = panel.editor, panel.view
    initial = editor.network
    trained = initial.parameters + 0.25                     # a snapshot from the worker
    view.update_weights(trained, None)
    click_button(qtbot, view, 2, "more")
    net = editor.network
    old_W, old_b = initial.layout.views(trained)
    assert np.array_equal(net.W[1], old_W[1]) and np.array_equal(net.W[2][:, :8], old_W[2])
    panel.undo_action.trigger()
    assert np.array_equal(editor.network.parameters, trained)   # the trained network, not the initial one
    view.update_weights(np.zeros(3), None)                      # a stale frame is not adopted
    click_button(qtbot, view, 1, "more")
    assert np.array_equal(editor.network.W[1][:, :8], old_W[1])


def test_hover_shows_a_tooltip(qtbot, panel):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip
    view = panel.view
    pos = view.mapFromScene(view.edge_point(3, 2, 0, 0.37))
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert "<sub>3,1</sub><sup>(3)</sup>" in QToolTip.text()


def test_same_shape_network_or_divergence_keeps_the_scene_and_redraws_the_weights(qtbot, panel):
    """A new seed, Reset or a divergence change keeps every item of the drawing (a rebuild took
    75–150 ms of the GUI thread) and restyles the edges from the new weights; a change of shape
    or activation rebuilds it, and so does a note that takes room from the view."""
    view, editor = panel.view, panel.editor
    circles = dict(view._circles)
    reseeded = random_network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=5)
    editor.set_network(reseeded)
    editor.set_divergence("kl")  # the usual pair for a sigmoid too: no note appears, the view keeps its size
    assert all(view._circles[key] is item for key, item in circles.items())
    assert view.parameters is editor.network.parameters
    positive = (view.edges.code % (2 * LEVELS)) < LEVELS
    assert np.array_equal(positive, reseeded.parameters[view.edges.edge_idx] >= 0)
    editor.set_network(random_network([2, 8, 8, 1], ["relu", "tanh", "sigmoid"], seed=5))
    assert view._circles[(1, 0)] is not circles[(1, 0)]
    circles = dict(view._circles)
    editor.set_divergence("l2")  # "Sigmoid with L2 …": the note shows, the view is shorter
    assert panel.note.isVisible() and view._circles[(1, 0)] is not circles[(1, 0)]


def test_a_hidden_view_lays_its_scene_out_when_needed_and_with_what_is_current(qtbot, monkeypatch):
    """While hidden (the window being built) edits only mark the scene out of date: it is built at
    its first use, for the network of that moment; on screen every change is drawn at once."""
    from workbench.designer.view import NetworkView

    builds = []
    build = NetworkView.build
    monkeypatch.setattr(NetworkView, "build", lambda self: builds.append(self.network.sizes) or build(self))
    p = DesignerPanel(random_network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"]), ["x1", "x2"], ["class 1"], "binary")
    qtbot.addWidget(p)
    view = p.view
    p.editor.change_units(1, +1)
    p.editor.set_activation(2, "relu")
    view.set_maps(available=True)
    assert builds == []
    assert view.unit_pos(1, 8) is not None and view.header_button(2, "activation").label.text() == "relu ▾"
    assert builds == [(2, 9, 8, 1)]
    p.editor.change_units(2, -1)
    texts = [i.label.text() for i in view.scene().items() if hasattr(i, "label")]
    assert builds == [(2, 9, 8, 1), (2, 9, 7, 1)] and "layer 2 · 7" in texts
    p.editor.change_units(2, +1)
    p.resize(900, 520)
    p.show()
    qtbot.waitExposed(p)
    assert builds[-1] == (2, 9, 8, 1) and view._built_for[-1] == view.viewport().size().toTuple()
    shown = len(builds)
    p.editor.change_units(1, -1)
    assert len(builds) == shown + 1 and view.unit_pos(1, 8) is None  # on screen: at once
