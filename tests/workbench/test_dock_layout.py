"""The dock layout is saved with QSettings on close and restored by the next window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.workbench.gui_support import make_window


def test_layout_survives_restart(qtbot, settings):
    first = make_window(qtbot, settings)
    names = {d.objectName() for d in first.docks.values()}
    assert {"LossDock", "AccuracyDock", "GradientNormDock", "RunControlsDock", "NetworkDesignerDock",
            "DatasetDock", "InspectorDock"} <= names
    first.docks["AccuracyDock"].hide()
    first.docks["InspectorDock"].show()
    first.addDockWidget(Qt.BottomDockWidgetArea, first.docks["LossDock"])
    first.close()
    assert first.worker.isFinished()

    second = make_window(qtbot, settings)
    assert second.docks["AccuracyDock"].isHidden()
    assert second.docks["InspectorDock"].isVisible()
    assert second.dockWidgetArea(second.docks["LossDock"]) == Qt.BottomDockWidgetArea
    second.close()
