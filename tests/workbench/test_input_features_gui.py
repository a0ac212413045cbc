"""Input features in the window: toggles on the designer's input column, an undoable change of the
experiment's network.input_features; the views still plot over x1, x2; the inspector names them."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine import Network
from tests.workbench.gui_support import wait_snapshot
from workbench.designer import DesignerPanel
from workbench.designer.feature_column import input_slots, toggled
from workbench.designer.items import Button, set_font_scale


def _toggle(view, name):
    button = next(b for b in view.scene().items() if getattr(b, "label", None) is not None
                  and b.toolTip() and b.label.text().endswith(_label(name)))
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(button.sceneBoundingRect().center()))


def _label(name):
    from engine.data.features import FEATURES
    return FEATURES[name].label


def test_feature_slots_and_toggling_keep_the_engine_order():
    avail = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    slots = input_slots(2, ("sin(x1)", "x1^2"), avail)
    assert slots[:2] == [("raw", 0, None), ("raw", 1, None)]
    assert slots[2] == ("on", 3, "x1^2") and slots[3] == ("off", None, "x2^2") and slots[5] == ("on", 2, "sin(x1)")
    assert toggled(("sin(x1)",), "x1^2", avail) == ("x1^2", "sin(x1)")
    assert toggled(("x1^2", "sin(x1)"), "x1^2", avail) == ("sin(x1)",)


def test_feature_toggles_appear_for_1d_and_2d_data_only(qtbot):
    for d, n in ((1, 3), (2, 5), (3, 0)):
        panel = DesignerPanel(Network.create([d, 3, 1], ["tanh", "sigmoid"], seed=0))
        qtbot.addWidget(panel)
        panel.resize(700, 520)
        panel.show()
        qtbot.waitExposed(panel)
        assert len(panel.editor.available_features) == n
        assert len(panel.view._ghosts) == n


def test_feature_toggle_in_the_window_is_an_undoable_experiment_change(qtbot, window):
    view = window.designer.view
    wait_snapshot(qtbot, window, lambda s: s.parameters is not None)
    w1 = window.designer.editor.network.W[1].copy()
    _toggle(view, "x1^2")
    qtbot.waitUntil(lambda: window.session.experiment.network.input_features == ("x1^2",))
    net = window.designer.editor.network
    assert net.sizes[0] == 3 and window.controller.run_data[2].n_inputs == 3
    np.testing.assert_array_equal(net.W[1][:2], w1)  # x1's and x2's rows kept
    assert window.controller.undo_stack.undoText().startswith("Input features: x₁²")
    assert "x₁²" in view.editor.feature_names and not any(n == "x1^2" for _, n, _c in view._ghosts)
    # the decision view still plots over x1, x2: its grid feeds the network 3 inputs
    assert window.panels["DecisionView"].view._grid.points.shape[1] == 3
    # the inspector names the feature
    inspector = window.panels["InspectorDock"].inspector
    wait_snapshot(qtbot, window, lambda s: s.parameters is not None and s.parameters.size == net.layout.size)
    inspector.select_weight(1, 2, 0)
    assert "x₁²" in inspector.weight.title_label.text()
    # the unit maps follow (a grid with the feature)
    qtbot.waitUntil(lambda: view.unit_maps is not None and view.unit_maps.sizes == net.sizes, timeout=10_000)
    # a second feature, then undo twice: back to the first network exactly
    _toggle(view, "x1*x2")
    qtbot.waitUntil(lambda: window.session.experiment.network.input_features == ("x1^2", "x1*x2"))
    window.action_undo.trigger()
    window.action_undo.trigger()
    assert window.session.experiment.network.input_features == ()
    assert window.designer.editor.network.sizes[0] == 2
    np.testing.assert_array_equal(window.designer.editor.network.W[1], w1)
    window.action_redo.trigger()
    assert window.session.experiment.network.input_features == ("x1^2",)
    assert window.session.experiment.to_dict()["network"]["input_features"] == ["x1^2"]


def test_feature_ghost_circle_click_switches_it_on(qtbot, window):
    view = window.designer.view
    centre, name = next((c, n) for c, n, _ in view._ghosts if n == "sin(x2)")
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(centre))
    qtbot.waitUntil(lambda: window.session.experiment.network.input_features == ("sin(x2)",))
    assert "not an input now" not in (view.tooltip_at(view.unit_pos(0, 2)) or "")


def test_feature_menu_in_the_input_header_and_a_compact_column_when_short(qtbot):
    panel = DesignerPanel(Network.create([2, 8, 1], ["tanh", "sigmoid"], seed=0))
    qtbot.addWidget(panel)
    panel.resize(700, 520)
    panel.show()
    qtbot.waitExposed(panel)
    assert len(panel.view._ghosts) == 5  # room for a line per feature
    set_font_scale(2.0)  # presentation-size text on a short designer: no line per unused feature
    try:
        panel.resize(700, 300)
        panel.view.rebuild()
        qtbot.waitUntil(lambda: panel.view._ghosts == [])  # only the inputs in use are drawn
        # designer text honours the presentation font scale: the features menu, every unit label
        assert panel.view.header_button(0, "features").label.font().pointSizeF() == 17.0
        panel.resize(1000, 900)
        panel.view.rebuild()
        qtbot.waitUntil(lambda: len(panel.view._ghosts) == 5)
        toggles = [b for b in panel.view.scene().items() if isinstance(b, Button) and b.label.text().startswith("☐")]
        assert len(toggles) == 5 and all(b.label.font().pointSizeF() == 17.0 for b in toggles)
    finally:
        set_font_scale(1.0)
    menu = panel.view.feature_menu()
    actions = menu.actions()
    assert [a.text() for a in actions] == ["x₁²", "x₂²", "x₁·x₂", "sin x₁", "sin x₂"]
    assert all(a.isCheckable() and not a.isChecked() for a in actions)
    with qtbot.waitSignal(panel.editor.featuresRequested) as blocker:
        actions[2].trigger()
    assert blocker.args == [("x1*x2",)]
    assert panel.view.header_button(0, "features").toolTip()
