"""The decision-boundary (or fitted-function) view: the window's central panel."""

from __future__ import annotations

from ..plots.decision import DecisionView
from .base import CENTRE, BasePanel, paint_scene


class DecisionPanel(BasePanel):
    """θ → the picture over the inputs; for more than two features, the slice `slicer` gives."""

    name, title, area, frame_share = "DecisionView", "Decision boundary", CENTRE, 2

    def __init__(self, host):
        self.host = host
        self.view = self.widget = DecisionView()
        self.run = None
        #: data → (axes, fixed inputs, caption) for more than two features (set by the dataset panel)
        self.slicer = None
        #: called after the view was rebuilt (e.g. the drawing tool puts its overlay back)
        self.after_rebuild: list = []

    def set_run(self, run) -> None:
        self.run = run
        self.rebuild()

    def rebuild(self) -> None:
        """The picture of the current run again (another slice), with the latest weights."""
        data = self.run.data
        if data.n_inputs <= 2 or self.slicer is None:
            self.view.set_slice()
        else:
            self.view.set_slice(*self.slicer(data))
        self.view.set_run(self.run)
        for fn in self.after_rebuild:
            fn()

    def show(self, snapshot, paint: bool) -> bool:
        self.view.update_parameters(snapshot.parameters)
        if paint and self.view.isVisible():
            paint_scene(self.view.plot_widget.scene())
        return False

    def plots(self) -> dict:
        return {"decision": self.view}
