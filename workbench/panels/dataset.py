"""The dataset panel (workbench.datapanel): choose, generate, import and draw the data."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ..datapanel import CAPTION, DatasetPanel
from .base import BasePanel, scrolled


class DataPanel(BasePanel):
    """Another dataset goes to the run controller; the drawing tool and the slice live on the decision view."""

    name, title, area, frame_share, tab_with = "DatasetDock", "Dataset", Qt.LeftDockWidgetArea, 0, "RunControlsDock"
    _dock = None

    def __init__(self, host):
        self.host = host
        self.data_panel = DatasetPanel()
        self.widget = scrolled(self.data_panel)
        self.data_panel.datasetChosen.connect(lambda choice: host.controller.dataset_chosen(choice))
        self.data_panel.sliceChanged.connect(self._slice_changed)
        decision = host.panels["DecisionView"]
        self.draw_tool = self.data_panel.attach_drawing(decision.view.plot)
        decision.slicer = self.slice_for
        decision.after_rebuild.append(self.draw_tool.refresh)

    @property
    def dock(self):
        return self._dock

    @dock.setter
    def dock(self, dock) -> None:
        """The window docks the panel: the preview is drawn while the dock is on screen (not
        behind another's tab, as at start: its scatter waits until the Dataset tab is chosen)."""
        self._dock = dock
        self.data_panel.preview.hold(True)
        dock.visibilityChanged.connect(lambda on: self.data_panel.preview.hold(not on))

    def slice_for(self, data):
        """(axes, fixed inputs, caption) of the slice the axis picker chose for `data` (> 2 features)."""
        picker = self.data_panel.axis_picker
        if picker.feature_count == data.n_inputs:
            return picker.slice_axes(), picker.slice_fixed(data), picker.caption_text()
        # the picker shows a previewed, not yet used dataset
        names = list(data.feature_names) + [f"x{m + 1}" for m in range(len(data.feature_names), data.n_inputs)]
        return (0, 1), picker.slice_fixed(data), f"{names[0]} × {names[1]}; {CAPTION}"

    def _slice_changed(self, i: int, j: int) -> None:
        decision = self.host.panels["DecisionView"]
        run = decision.run
        if run is None or run.data.n_inputs <= 2 or self.data_panel.axis_picker.feature_count != run.data.n_inputs:
            return
        decision.rebuild()
        snap = self.host.last_snapshot
        if snap is not None and snap.run_id == self.host.controller.run_id:
            decision.view.update_parameters(snap.parameters)

    def accept_drop(self, path: str) -> None:
        """A file dropped anywhere on the window."""
        self.dock.show()
        self.dock.raise_()
        self.data_panel.accept_drop(path)

    def shutdown(self) -> None:
        self.data_panel.shutdown()
