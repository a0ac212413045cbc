"""The network designer (workbench.designer) under the decision view: edits go to the run controller."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt

from engine.core.network import Network

from ..designer import DesignerPanel
from .base import BasePanel


class NetworkPanel(BasePanel):
    name, title, area = "NetworkDesignerDock", "Network", Qt.BottomDockWidgetArea

    def __init__(self, host):
        self.host = host
        exp = host.session.experiment
        net = exp.network
        self.designer = self.widget = DesignerPanel(Network(net.sizes, net.activations), init=net.init, seed=exp.seed)
        self.view = self.designer.view
        for a in (self.designer.undo_action, self.designer.redo_action):
            a.setShortcuts([])  # the window's Edit ▸ Undo / Redo own Ctrl+Z, Ctrl+Shift+Z
        ed = self.designer.editor
        ed.aboutToEdit.connect(lambda: host.controller.before_network_edit())
        ed.networkChanged.connect(lambda network: host.controller.network_changed(network))
        ed.editRefused.connect(lambda m: host.status_message(f"Not done: {m}"))
        self.view.weightSelected.connect(lambda k, i, j: host.panels["InspectorDock"].inspector.select_weight(k, i, j))
        self.view.unitSelected.connect(self._unit_selected)
        self.sizes = net.sizes

    def _unit_selected(self, k: int, j: int) -> None:
        if k >= 1:
            self.host.panels["InspectorDock"].inspector.select_unit(k, j)

    def set_run(self, run) -> None:
        self.sizes = run.network.sizes

    def show(self, snapshot, paint: bool) -> bool:
        if self.host.isVisible() and self.dock.isHidden():
            return False
        self.view.update_weights(snapshot.parameters, snapshot.gradient)
        if snapshot.state != "running" and snapshot.mid_iteration:
            # step-through: the layer the next phase computes is highlighted
            phase = snapshot.next_phase
            self.view.select_layer(phase.layer if phase.layer else len(self.sizes) - 1, emit=False)
        if paint and self.view.isVisible():
            QCoreApplication.sendPostedEvents(self.view.scene(), QEvent.MetaCall)
        return False
