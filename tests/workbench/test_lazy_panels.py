"""Start-up stays fast (issue 19): docks hidden or behind a tab at start are built when first shown,
plots make their context menu at the first right-click, and the window's path imports no command line.
Each keeps what it did when it was built with the window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtTest import QTest

from tests.workbench.gui_support import make_window, wait_snapshot
from workbench.panels.function import FunctionView

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("InspectorDock", "FunctionDock", "LandscapeDock", "CurvatureDock", "RunsDock")


def test_hidden_docks_are_built_when_first_shown(qtbot, window):
    assert not any(window.panels[name].ready for name in LAZY)
    assert not window.findChildren(FunctionView) and window.panels["NetworkDesignerDock"].map_window is None
    panel = window.panels["FunctionDock"]
    window.docks["FunctionDock"].show()  # View ▸ Function mode
    qtbot.waitUntil(lambda: panel.ready and panel.view.isVisible())
    path, verdict = panel.result  # the first descent, as when it was built with the window
    shown = QTextDocumentFragment.fromHtml(panel.view.verdict.text()).toPlainText()
    assert len(path.points) > 1 and verdict.words in shown
    assert len(window.findChildren(FunctionView)) == 1
    window.docks["FunctionDock"].hide()
    window.docks["FunctionDock"].show()
    assert panel.view is window.findChildren(FunctionView)[0]  # built once


def test_inspector_built_late_shows_the_state_selection_and_history_it_would_have(qtbot, window):
    panel = window.panels["InspectorDock"]
    for k in (1, 2, 3):  # paused, one step at a time: the inspector's probe computes each state
        window.step_iteration()
        snap = wait_snapshot(qtbot, window, lambda s, k=k: getattr(s.probes.get("inspector"), "iteration", 0) == k)
    window.designer.view.select_weight(2, 0, 3)  # a click in the designer while the inspector is behind its tab
    assert not panel.ready
    window.docks["InspectorDock"].raise_()
    qtbot.waitUntil(lambda: panel.ready and window.inspector.isVisible())
    assert window.inspector.state is snap.probes["inspector"]
    assert window.inspector.selection() == (2, 0, 3)
    # the weight's history since iteration 1, recorded while the inspector was not built yet
    assert list(window.inspector.weight.history.iterations[:panel.history.n]) == [1, 2, 3]
    assert window.inspector.weight.history is panel.history
    window.step_iteration()  # and on from there, as before
    qtbot.waitUntil(lambda: window.inspector.state is not None and window.inspector.state.iteration == 4)
    np.testing.assert_array_equal(window.inspector.state.network.parameters, window.last_snapshot.parameters)


def test_a_plot_makes_its_context_menu_at_the_first_right_click(qtbot, window):
    view = window.plot_views()["loss"]
    vb = view.plot.getViewBox()
    assert vb.menu is None and vb.menuEnabled()
    viewport = view.plot_widget.viewport()
    centre = vb.mapToScene(vb.boundingRect().center())
    QTest.mouseClick(viewport, Qt.RightButton, Qt.NoModifier, view.plot_widget.mapFromScene(centre))
    qtbot.waitUntil(lambda: vb.menu is not None and vb.menu.isVisible())
    texts = [a.text() for a in vb.menu.actions()]
    assert "View All" in texts and "Plot Options" in texts  # the view box's and the plot's entries, as pyqtgraph's
    vb.menu.close()
    vb.setMenuEnabled(False)  # e.g. while the drawing tool is on: no menu
    assert vb.menu is None and vb.getContextMenus(None) == []
    vb.setMenuEnabled(True)
    assert vb.menu is None and vb.getMenu() is not None


def test_the_window_starts_without_importing_the_command_line():
    code = ("import sys, workbench.app, workbench.__main__ as m; "
            "workbench.app.run_gui = lambda path=None, presentation=False: 0; "
            "assert m.main([]) == 0 and m.main(['--presentation']) == 0; "
            "assert 'engine.cli' not in sys.modules, 'engine.cli imported'")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_dock_built_as_it_is_shown_gets_the_room_it_had_when_built_with_the_window(qtbot, window, settings):
    built_first = make_window(qtbot, settings)
    for name in ("FunctionDock", "LandscapeDock"):
        built_first.panels[name].body()  # as if built with the window
        for w in (window, built_first):
            w.docks[name].show()
            qtbot.waitUntil(lambda w=w, name=name: w.panels[name].view.isVisible())
        assert window.docks[name].size() == built_first.docks[name].size(), name
    built_first.shutdown_worker()


def test_the_dataset_preview_is_drawn_when_its_dock_comes_on_screen_and_at_once_after(qtbot, settings, monkeypatch):
    from workbench.datapanel.preview import PreviewPlot

    drawn = []
    draw = PreviewPlot._draw
    monkeypatch.setattr(PreviewPlot, "_draw", lambda self, choice, axes: drawn.append(choice) or draw(self, choice, axes))
    w = make_window(qtbot, settings)
    assert w.data_panel.preview.isVisible() and not drawn  # behind the Run controls tab: three choices, none drawn
    w.docks["DatasetDock"].raise_()  # the Dataset tab chosen: the last choice drawn
    qtbot.waitUntil(lambda: len(drawn) == 1)
    assert drawn[0] is not None and w.data_panel.preview.legend_labels()[:2] == ["0", "1"]
    w.data_panel.choose_builtin("xor")
    assert len(drawn) == 2  # on screen: drawn as it is chosen
    w.docks["RunControlsDock"].raise_()
    qtbot.waitUntil(lambda: w.data_panel.preview.held)
    w.data_panel.choose_builtin("circles")
    assert len(drawn) == 2 and w.data_panel.preview.legend_labels()[:2] == ["0", "1"]  # asked for: drawn then
    assert len(drawn) == 3
    w.shutdown_worker()
