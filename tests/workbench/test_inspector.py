"""The inspector (issue 7): numbers shown equal the engine's, the chain rule adds up, the
numeric check agrees, stepping phase by phase equals whole iterations, edits are undoable,
and the step buttons follow the phase. Values are read back from the widgets."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from engine import Network, Trainer
from engine.core import optimizers
from engine.training.trainer import Phase
from workbench.commands import WeightEditCommand
from workbench.inspector import InspectorPanel, InspectorState, LayerView, StepThroughBar, WeightInspector
from workbench.inspector.notation import parse_num


def make_trainer(sizes=(2, 5, 4, 1), acts=("tanh", "tanh", "sigmoid"), divergence="bce", batch=8, seed=0,
                 labels=None, optimizer=None):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, sizes[0]))
    if labels is None:
        labels = (x[:, 0] * x[:, 1] > 0).astype(int)
    net = Network.create(list(sizes), list(acts), seed=seed)
    return Trainer(net, x, labels, divergence=divergence, batch_size=batch, seed=seed,
                   optimizer=optimizer or optimizers.SGD(learning_rate=0.3, momentum=0.5))


def advance_to(trainer, phase: Phase):
    """Advance until `phase` is the next one (at least one phase)."""
    trainer.advance()
    while trainer.next_phase != phase:
        trainer.advance()


def text(widget) -> float:
    return parse_num(widget.text())


def label(panel_or_inspector, name):
    from PySide6.QtWidgets import QLabel
    found = panel_or_inspector.findChild(QLabel, name)
    assert found is not None, name
    return found


def fingerprint(state: InspectorState):
    arrays = [state.network.parameters, state.d]
    arrays += [a for a in state.trace.z[1:] + state.trace.y] + [a for a in state.grads.dy[1:] + state.grads.dz[1:]]
    arrays.append(state.grads.vector)
    return [a.copy() for a in arrays]


@pytest.fixture
def panel(qtbot):
    p = InspectorPanel()
    qtbot.addWidget(p)
    p.resize(900, 900)
    return p


# -- values shown equal the engine's ----------------------------------------------------------
@pytest.mark.parametrize("k,i,j,t", [(1, 1, 3, 0), (2, 4, 2, 5), (3, 3, 0, 7)])
def test_values_shown_equal_the_trace(panel, k, i, j, t):
    tr = make_trainer()
    tr.run(steps=3)
    advance_to(tr, Phase("update"))  # a whole forward and backward pass, not yet updated
    state = InspectorState.from_trainer(tr)
    panel.show_state(state)
    panel.select_weight(k, i, j)
    panel.select_sample(t)
    trace, grads, _ = tr.current
    net = tr.network
    wi = panel.weight
    assert wi.value_spin.value() == pytest.approx(net.W[k][i, j], abs=1e-8)
    assert text(label(wi, "gradient")) == pytest.approx(grads.dW[k][i, j], rel=1e-5)
    expected = {"unit_bias": net.b[k][j], "unit_z": trace.z[k][t, j], "unit_y": trace.y[k][t, j],
                "unit_dDiv_dz": grads.dz[k][t, j], "unit_dDiv_dy": grads.dy[k][t, j],
                "unit_bias_gradient": grads.db[k][j]}
    for name, value in expected.items():
        assert text(label(wi, name)) == pytest.approx(value, rel=1e-5, abs=1e-12), name
        assert wi.factors[name] == value  # the exact float behind the text
    # the layer view: one row per unit, exact values in UserRole
    layer = panel.layer
    assert layer.k == k and layer.t == t
    columns = {"b": net.b[k], "z": trace.z[k][t], "y": trace.y[k][t], "dy": grads.dy[k][t],
               "dz": grads.dz[k][t], "db": grads.db[k]}
    from workbench.inspector.layer_view import COLUMNS
    for col, key in enumerate(COLUMNS):
        for row in range(net.sizes[k]):
            item = layer.table.item(row, col)
            assert item.data(Qt.UserRole) == columns[key][row]
            assert parse_num(item.text()) == pytest.approx(columns[key][row], rel=1e-5, abs=1e-12)
    np.testing.assert_array_equal(layer.weight_map.data, net.W[k].astype(np.float32))
    np.testing.assert_array_equal(layer.gradient_map.data, grads.dW[k].astype(np.float32))
    assert parse_num(layer.weight_map.hover_text(i, j).split("= ")[-1]) == pytest.approx(net.W[k][i, j], rel=1e-5)


# -- the chain rule adds up -----------------------------------------------------------------
@pytest.mark.parametrize("sizes,acts,divergence,labels", [
    ((2, 5, 4, 1), ("tanh", "tanh", "sigmoid"), "bce", None),
    ((2, 6, 3), ("relu", "softmax"), "cross_entropy", "three"),
    ((2, 4, 2), ("sigmoid", "identity"), "l2", "regression"),
])
@pytest.mark.parametrize("complete", [False, True])
def test_chain_rule_product_equals_gradient_shown(panel, sizes, acts, divergence, labels, complete):
    rng = np.random.default_rng(3)
    if labels == "three":
        labels = rng.integers(0, 3, 40)
    elif labels == "regression":
        labels = rng.normal(size=(40, 2))
    tr = make_trainer(sizes, acts, divergence, labels=labels)
    tr.run(steps=2)
    if complete:
        tr.step()  # trace/grads of a finished iteration; the network already updated
    else:
        advance_to(tr, Phase("update"))
    panel.show_state(InspectorState.from_trainer(tr))
    wi = panel.weight
    N = len(sizes) - 1
    for k in range(1, N + 1):
        for i, j in ((0, 0), (sizes[k - 1] - 1, sizes[k] - 1)):
            panel.select_weight(k, i, j)
            panel.select_sample(3)
            f = wi.factors
            # rows as displayed: result = product of the factors shown
            assert f["sample_gradient"] == pytest.approx(f["y_in"] * f["dz_value"], rel=1e-12)
            if "fprime" in f and "jacobian_row" not in f:
                assert f["dz"] == pytest.approx(f["fprime"] * f["dy_value"], rel=1e-9, abs=1e-15)
            if "jacobian_row" in f:
                assert f["dz"] == pytest.approx(np.dot(f["jacobian_row"], f["dy_layer"]), rel=1e-12)
            assert f["dz"] == pytest.approx(f["dz_value"], rel=1e-9, abs=1e-15)
            if k < N:
                assert f["dy"] == pytest.approx(sum(a * b for a, b in f["downstream"]), rel=1e-9, abs=1e-15)
            assert f["dy"] == pytest.approx(f["dy_value"], rel=1e-9, abs=1e-15)
            # the batch mean of the per-sample products is the gradient shown (and used)
            assert np.mean(f["per_sample"]) == pytest.approx(f["gradient"], rel=1e-9, abs=1e-15)
            assert text(label(wi, "batch_mean")) == text(label(wi, "gradient"))
            # the text of the first row shows the factors and the product
            numbers = label(wi, "sample_gradient_numbers").text()
            y_text, dz_text = (s.strip(" =()") for s in numbers.split("·"))
            assert parse_num(y_text) * parse_num(dz_text) == pytest.approx(text(label(wi, "sample_gradient")),
                                                                            rel=1e-4, abs=1e-9)


# -- numeric gradient -----------------------------------------------------------------------
@pytest.mark.parametrize("complete", [False, True])
def test_numeric_and_analytic_gradients_agree(panel, complete):
    tr = make_trainer()
    tr.run(steps=5)
    if complete:
        tr.step()
    else:
        advance_to(tr, Phase("update"))
    state = InspectorState.from_trainer(tr)
    before = fingerprint(state)
    panel.show_state(state)
    for k, i, j in ((1, 0, 0), (1, 1, 4), (2, 3, 1), (3, 2, 0)):
        panel.select_weight(k, i, j)
        result = panel.weight.compute_numeric()
        assert result["relative"] < 1e-6, (k, i, j, result)
        assert "relative difference" in label(panel.weight, "relative").text()
        assert parse_num(label(panel.weight, "relative").text().split("= ")[-1]) < 1e-6
    for a, b in zip(before, fingerprint(state)):
        np.testing.assert_array_equal(a, b)  # nothing given was mutated


def test_numeric_gradient_is_computed_only_while_paused(panel, qtbot):
    tr = make_trainer()
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr, paused=False))
    # the automatic check runs from a zero-interval timer: let every due timer fire, then look
    QTimer.singleShot(0, lambda: None)
    for _ in range(3):
        QApplication.processEvents()
    assert not panel.weight.numeric_timer.isActive() and panel.weight.numeric is None
    panel.show_state(InspectorState.from_trainer(tr, paused=True))
    qtbot.waitUntil(lambda: panel.weight.numeric is not None, timeout=2000)


# -- phase-by-phase equals whole iterations -------------------------------------------------
def test_stepping_phase_by_phase_equals_whole_iterations(panel):
    a, b = make_trainer(batch=7), make_trainer(batch=7)
    n_phases = len(a.phases)
    panel.select_weight(2, 1, 1)
    for _ in range(4):
        for _ in range(n_phases):
            phase = a.next_phase
            state = InspectorState.from_trainer(a)
            panel.show_state(state)
            assert panel.step_bar.next_label.text().startswith(f"<b>Next: {phase}")
            a.advance()
        b.step()
        panel.show_state(InspectorState.from_trainer(a))
        np.testing.assert_array_equal(a.network.parameters, b.network.parameters)
    assert a.iteration == b.iteration == 4
    assert panel.weight.history.n == 4
    it, values, grads = panel.weight.history.series(a.network.layout.weight_index(2, 1, 1))
    np.testing.assert_array_equal(it, [1, 2, 3, 4])
    assert values[-1] == pytest.approx(b.network.W[2][1, 1], rel=1e-6)


def test_pass_parameters_are_the_weights_before_the_update():
    tr = make_trainer()
    tr.run(steps=2)
    advance_to(tr, Phase("update"))
    before = tr.network.parameters.copy()
    tr.advance()  # the update
    state = InspectorState.from_trainer(tr)
    assert state.iteration_complete
    np.testing.assert_allclose(state.pass_network.parameters, before, rtol=1e-14, atol=1e-16)
    assert not np.array_equal(state.network.parameters, before)


# -- editing and undo ------------------------------------------------------------------------
def test_editing_emits_weight_edited_and_undo_restores(panel, qtbot):
    tr = make_trainer()
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr))
    panel.select_weight(2, 1, 3)
    old = tr.network.W[2][1, 3]
    with qtbot.waitSignal(panel.weightEdited, timeout=1000) as blocker:
        panel.weight.value_spin.setValue(0.75)
    assert blocker.args == [2, 1, 3, 0.75]
    assert panel.weight_value(2, 1, 3) == old

    calls = []

    def apply(k, i, j, value):  # what the main window routes to the worker
        calls.append((k, i, j, value))
        tr.network.W[k][i, j] = value
        panel.show_state(InspectorState.from_trainer(tr))

    loss_before = _bold(panel)
    stack = QUndoStack()
    stack.push(WeightEditCommand(*blocker.args, old=panel.weight_value(2, 1, 3), apply=apply))
    assert calls[-1] == (2, 1, 3, 0.75)
    assert panel.weight.value_spin.value() == 0.75
    loss_after = tr.metrics(tr.x, tr.d, tr.targets)[0]
    shown_after = _bold(panel)
    assert shown_after != pytest.approx(loss_before, rel=1e-9)  # the displayed loss reacts at once
    # a second edit of the same weight merges: one Ctrl+Z goes back to the first old value
    stack.push(WeightEditCommand(2, 1, 3, -0.25, old=0.75, apply=apply))
    assert stack.count() == 1
    stack.undo()
    assert calls[-1] == (2, 1, 3, old)
    assert tr.network.W[2][1, 3] == old
    assert panel.weight.value_spin.value() == pytest.approx(old, abs=1e-8)
    assert tr.metrics(tr.x, tr.d, tr.targets)[0] != loss_after
    assert _bold(panel) == loss_before  # Ctrl+Z restores the loss shown
    stack.redo()
    assert tr.network.W[2][1, 3] == -0.25


def _bold(panel) -> float:
    """The loss shown in bold in the 'current loss' line."""
    html = label(panel.weight, "current_loss").text()
    return parse_num(html.split("<b>")[1].split("</b>")[0])


def test_no_edit_while_running(panel, qtbot):
    tr = make_trainer()
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr, paused=False))
    assert not panel.weight.value_spin.isEnabled()
    with qtbot.assertNotEmitted(panel.weightEdited):
        panel.weight.value_spin.setValue(0.5)
    # showing a new state (programmatic update of the spin box) never emits either
    with qtbot.assertNotEmitted(panel.weightEdited):
        panel.show_state(InspectorState.from_trainer(tr, paused=True))
        panel.select_weight(1, 0, 1)


# -- step buttons ----------------------------------------------------------------------------
def test_step_buttons_follow_the_phase(qtbot):
    bar = StepThroughBar()
    qtbot.addWidget(bar)
    tr = make_trainer()
    seen = []
    for _ in range(len(tr.phases) + 1):
        phase = tr.next_phase
        bar.show_state(InspectorState.from_trainer(tr))
        enabled = (bar.forward_button.isEnabled(), bar.backward_button.isEnabled(), bar.update_button.isEnabled())
        expected = {"forward": (True, False, False), "divergence": (True, False, False),
                    "backward": (False, True, False), "update": (False, False, True)}[phase.kind]
        assert enabled == expected, phase
        assert f"Next: {phase}" in bar.next_label.text()
        button = [b for b, on in zip((bar.forward_button, bar.backward_button, bar.update_button), enabled) if on][0]
        with qtbot.waitSignal(bar.phaseRequested, timeout=1000):
            qtbot.mouseClick(button, Qt.LeftButton)
        tr.advance()  # what the worker does on the phase command
        seen.append(phase)
    assert seen[: len(tr.phases)] == tr.phases
    bar.show_state(InspectorState.from_trainer(tr, paused=False))
    assert not any(b.isEnabled() for b in (bar.forward_button, bar.backward_button, bar.update_button))


# -- greying out what is not computed yet ----------------------------------------------------
def test_not_yet_computed_is_greyed(panel):
    tr = make_trainer()
    tr.step()
    advance_to(tr, Phase("forward", 3))  # forward 1, 2 of a new iteration done
    panel.show_state(InspectorState.from_trainer(tr))
    panel.select_unit(2, 1)
    wi = panel.weight
    assert label(wi, "unit_z").text() != "—" and "—" in label(wi, "unit_dDiv_dz").text()
    assert "not yet computed" in label(wi, "chain_note").text().lower()
    assert "—" in label(wi, "gradient").text()
    panel.layer.select_layer(3)
    from workbench.inspector.layer_view import COLUMNS
    z_col = COLUMNS.index("z")
    assert panel.layer.table.item(0, z_col).text() == "—"
    assert not panel.layer.gradient_map.computed
    advance_to(tr, Phase("backward", 2))  # forward 3, divergence, backward 3
    panel.show_state(InspectorState.from_trainer(tr))
    assert panel.layer.table.item(0, z_col).text() != "—"
    assert panel.layer.gradient_map.computed
    panel.layer.select_layer(2)
    assert panel.layer.table.item(0, COLUMNS.index("dz")).text() == "—"


def test_wide_layers_are_heatmaps(qtbot):
    view = LayerView()
    qtbot.addWidget(view)
    tr = make_trainer(sizes=(2, 40, 1), acts=("tanh", "sigmoid"))
    tr.step()
    view.show_state(InspectorState.from_trainer(tr))
    assert view.units.currentIndex() == 1
    np.testing.assert_array_equal(view.forward_strip.data[0], tr.current[0].z[1][0].astype(np.float32))


def test_selection_from_heatmap_click_and_unit(panel, qtbot):
    tr = make_trainer()
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr))
    with qtbot.waitSignal(panel.selectionChanged) as blocker:
        panel.layer.weightClicked.emit(2, 4, 3)
    assert blocker.args == [2, 4, 3] and panel.selection() == (2, 4, 3)
    panel.select_unit(3, 0)
    assert panel.selection() == (3, 3, 0)  # i clamped to layer 2 (4 units)
    assert "Unit j = 1 of layer k = 3" in panel.weight.unit_box.title()  # shown from 1


def test_weight_inspector_alone_before_any_run(qtbot):
    wi = WeightInspector()
    qtbot.addWidget(wi)
    wi.show_state(InspectorState.from_trainer(make_trainer()))  # no batch yet
    assert "No mini-batch yet" in label(wi, "sample").text()
    assert not wi.numeric_button.isEnabled()


@pytest.mark.parametrize("fused", [True, False])
def test_fused_shortcut_is_named_only_when_used(panel, fused):
    rng = np.random.default_rng(1)
    tr = make_trainer((2, 4, 3), ("tanh", "softmax"), "cross_entropy", labels=rng.integers(0, 3, 40))
    tr.fused = fused
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr))
    panel.select_weight(2, 1, 2)
    note = label(panel.weight, "chain_note").text()
    assert "Jacobian" in note
    assert ("fused shortcut" in note) == fused
    assert panel.weight.factors["dz"] == pytest.approx(panel.weight.factors["dz_value"], rel=1e-9, abs=1e-15)


def test_float32_network_is_shown_and_checked_in_float64(panel):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(30, 2))
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=0, dtype="float32")
    tr = Trainer(net, x, (x[:, 0] > 0).astype(int), divergence="bce", batch_size=10)
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr))
    panel.select_weight(1, 1, 2)
    result = panel.weight.compute_numeric()
    assert result["relative"] < 1e-3  # float32 analytic against a float64 numeric derivative


def test_ctrl_z_undoes_a_weight_edit(panel, qtbot):
    from PySide6.QtGui import QKeySequence
    tr = make_trainer()
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr))
    panel.select_weight(1, 0, 2)
    old = tr.network.W[1][0, 2]
    stack = QUndoStack(panel)
    undo = stack.createUndoAction(panel)
    undo.setShortcut(QKeySequence.Undo)
    undo.setShortcutContext(Qt.WindowShortcut)
    panel.addAction(undo)

    def apply(k, i, j, value):
        tr.network.W[k][i, j] = value
        panel.show_state(InspectorState.from_trainer(tr))

    panel.weightEdited.connect(lambda k, i, j, v: stack.push(
        WeightEditCommand(k, i, j, v, panel.weight_value(k, i, j), apply)))
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    panel.weight.value_spin.setValue(1.5)
    assert tr.network.W[1][0, 2] == 1.5 and stack.canUndo()
    from PySide6.QtTest import QTest
    panel.weight.value_spin.setFocus()  # even with the value box focused, Ctrl+Z is the stack's
    QTest.keyClick(panel.windowHandle(), Qt.Key_Z, Qt.ControlModifier)  # through the shortcut map
    assert tr.network.W[1][0, 2] == old
    assert panel.weight.value_spin.value() == pytest.approx(old, abs=1e-8)


def test_samples_count_from_one_on_screen_like_units(panel):
    tr = make_trainer()
    tr.step()
    panel.show_state(InspectorState.from_trainer(tr, paused=True))
    panel.select_sample(2)
    spin = panel.weight.sample_spin
    assert spin.value() == 2 and spin.text() == "3"  # index 2 is the lecture's t = 3
    assert "t = 3" in panel.weight.sample_label.text() and "t = 3" in panel.weight.chain_box.title()
    spin.lineEdit().setText("1")
    spin.interpretText()
    assert panel.weight.t == 0
