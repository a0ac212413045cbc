"""The inspector panel (workbench.inspector): every number of the forward and backward pass.

Its data comes from the first probe: `InspectorProbe` copies the trainer's trace, gradients
and network into an `InspectorState` between iterations.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from ..inspector import InspectorPanel, InspectorState, ParameterHistory
from ..worker import commands as wc
from .base import LazyPanel, part, scrolled


class InspectorProbe:
    """The inspector's state (copies of trace, gradients and network); twice a second while training."""

    name = "inspector"
    interval = 0.5

    def compute(self, trainer, paused: bool) -> InspectorState:
        return InspectorState.from_trainer(trainer, paused=paused)


class InspectorDockPanel(LazyPanel):
    """Behind the run controls' tab at start: built when first shown (or its `inspector` is asked for)."""

    name, title, area, tab_with = "InspectorDock", "Inspector", Qt.LeftDockWidgetArea, "RunControlsDock"
    probe = InspectorProbe()
    inspector = part("inspector")

    def __init__(self, host):
        super().__init__(host)
        #: every weight's history, kept from the start (by `take` until the inspector is built)
        self.history = ParameterHistory()

    def build(self):
        host = self.host
        self._inspector = inspector = InspectorPanel()
        inspector.weight.history = self.history
        inspector.phaseRequested.connect(lambda: host.send(wc.StepPhase()))
        inspector.weightEdited.connect(self._weight_edited)
        inspector.selectionChanged.connect(
            lambda k, i, j: host.panels["NetworkDesignerDock"].view.select_weight(k, i, j, emit=False))
        designer = getattr(host.panels.get("NetworkDesignerDock"), "view", None)
        chosen = designer.selection if designer is not None else None  # what was clicked before it was built
        if chosen and chosen[0] == "weight":
            inspector.select_weight(*chosen[1:])
        elif chosen and chosen[0] == "unit" and chosen[1] >= 1:
            inspector.select_unit(*chosen[1:])
        self.plot_views = inspector.findChildren(pg.GraphicsView)  # built once, with the inspector
        return scrolled(inspector, horizontal=True)

    def _weight_edited(self, k: int, i: int, j: int, value: float) -> None:
        old = self.inspector.weight_value(k, i, j)
        if old is None:  # the edit names a weight of the network before a change: nothing to edit
            self.host.status_message(f"not applied: the network has no weight w_{i + 1},{j + 1}^({k}) any more")
            return
        self.host.controller.edit_weight(k, i, j, value, old=old)

    def take(self, snapshot) -> None:
        state = snapshot.probes.get("inspector")
        if state is not None and not self.ready and not self.dock.isHidden():  # as the inspector would
            with np.errstate(all="ignore"):  # huge (diverging) weights: kept as float32 ±inf
                self.history.record(state)

    def set_run(self, run) -> None:
        self.inspector.set_input_names(run.data.feature_names)

    def has_news(self, snapshot) -> bool:
        state = snapshot.probes.get("inspector")
        return (state is not None and state is not self.inspector.state
                and not self.dock.isHidden() and self.inspector.isVisible())

    def show(self, snapshot, paint: bool) -> bool:
        state = snapshot.probes.get("inspector")
        if state is not None and (not self.dock.isHidden() or not self.host.isVisible()):
            with np.errstate(all="ignore"):  # huge (diverging) weights: show what there is
                self.inspector.show_state(state)  # a no-op for the state it already shows
        if not (paint and self.inspector.isVisible()):
            return False
        # paint now, while the worker holds off (its plots: as for the curves), once: what a paint
        # dirties again (axis ticks) and the new texts' layout repaint in posted events, and the
        # worker holds off until they ran
        for plot in self.plot_views:
            if plot.isVisible():
                plot.scene().prepareForPaint()  # auto-ranges now: while painting they would dirty the plot again
                QCoreApplication.sendPostedEvents(plot.scene(), QEvent.MetaCall)
        self.inspector.repaint()
        return True
