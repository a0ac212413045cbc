"""The network designer (workbench.designer) under the decision view: edits go to the run controller.

Its probe (`UnitMapProbe`, workbench.panels.unit_maps) computes the unit maps the designer
draws inside its units; clicking a unit opens its map large (`UnitMapWindow`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QWidget

from engine.core.network import Network

from ..designer import DesignerPanel
from ..worker import commands as wc
from .base import BasePanel
from .unit_map_window import UnitMapWindow
from .unit_maps import UnitMapProbe, grid_for


class NetworkPanel(BasePanel):
    name, title, area = "NetworkDesignerDock", "Network", Qt.BottomDockWidgetArea

    def __init__(self, host):
        self.host = host
        self.probe = UnitMapProbe()
        exp = host.session.experiment
        net = exp.network
        self.designer = self.widget = DesignerPanel(Network(net.sizes, net.activations), init=net.init, seed=exp.seed)
        self.view = self.designer.view
        for a in (self.designer.undo_action, self.designer.redo_action):
            a.setShortcuts([])  # the window's Edit ▸ Undo / Redo own Ctrl+Z, Ctrl+Shift+Z
        ed = self.designer.editor
        ed.aboutToEdit.connect(lambda: host.controller.before_network_edit())
        ed.check = lambda network: host.controller.check_network(network)
        ed.networkChanged.connect(lambda network: host.controller.network_changed(network))
        ed.editRefused.connect(lambda m: host.controller.network_refused(m))
        ed.featuresRequested.connect(lambda names: host.controller.set_input_features(names))
        self.view.weightSelected.connect(lambda k, i, j: self._inspect("select_weight", k, i, j))
        self.view.unitSelected.connect(self._unit_selected)
        self.view.unitMapRequested.connect(self._show_map)
        self.view.mapsChanged.connect(self._maps_changed)
        self.map_window: UnitMapWindow | None = None  # built at the first click on a unit
        self._data = None
        self.view_actions = (self.designer.maps_action,)
        self.sizes = net.sizes
        self._last = None

    def _unit_selected(self, k: int, j: int) -> None:
        if k >= 1:
            self._inspect("select_unit", k, j)

    def _inspect(self, what: str, *where) -> None:
        """The inspector selects what the designer did (one not built yet takes it when it is)."""
        panel = self.host.panels.get("InspectorDock")
        if panel is not None and panel.ready:
            getattr(panel.inspector, what)(*where)

    def _show_map(self, k: int, j: int) -> None:
        decision = self.host.panels.get("DecisionView")
        if self.map_window is None:
            self.map_window = UnitMapWindow(self.host if isinstance(self.host, QWidget) else None)
            self.map_window.set_data(self._data)
        self.map_window.show_unit(k, j, decision.widget if decision is not None else None)
        # an input's map needs no weights: drawn at once, also before the first frame
        self.map_window.draw(self.view.network, self._last.parameters if self._last is not None else None)

    def _maps_changed(self) -> None:
        """The probe runs only while maps are drawn; turned on, it computes at once (also paused)."""
        on = self.view.maps_active
        if on == self.probe.enabled:
            return
        self.probe.enabled = on
        if on and self.host.worker is not None:
            dock = getattr(self, "dock", None)
            shown = dock is None or not dock.isHidden()
            self.host.send(wc.WantProbe(self.probe.name, False))  # forget what it computed: due again
            self.host.send(wc.WantProbe(self.probe.name, shown, shown and self.view.isVisible()))

    def set_run(self, run) -> None:
        self.sizes = run.network.sizes
        grid = grid_for(run.data)
        self.probe.configure(grid)
        self._data = run.data
        if self.map_window is not None:
            self.map_window.set_data(run.data)
        self.view.set_maps(available=grid is not None)
        self._maps_changed()

    def show(self, snapshot, paint: bool) -> bool:
        if self.host.isVisible() and self.dock.isHidden():
            return False
        self._last = snapshot
        self.view.update_weights(snapshot.parameters, snapshot.gradient)
        self.view.show_unit_maps(snapshot.probes.get(self.probe.name))
        if self.map_window is not None:
            self.map_window.draw(self.view.network, snapshot.parameters)
        if snapshot.state != "running" and snapshot.mid_iteration:
            # step-through: the layer the next phase computes is highlighted
            phase = snapshot.next_phase
            self.view.select_layer(phase.layer if phase.layer else len(self.sizes) - 1, emit=False)
        if paint and self.view.isVisible():
            QCoreApplication.sendPostedEvents(self.view.scene(), QEvent.MetaCall)
        return False

    def shutdown(self) -> None:
        if self.map_window is not None:
            self.map_window.close()
