"""The main window: decision-boundary view in the centre, curves and run controls in docks.

The window owns the `Session` (experiment document, file, dirty flag) and the
`TrainingWorker`. It never touches the live engine objects: it queues commands to the
worker and, on a ~30 Hz timer, pulls the worker's latest snapshot and redraws.

Panels (issues 5–7): the network designer (under the decision view), the dataset panel and
the inspector (tabbed with the run controls). A designer edit or another dataset builds a new
run on the GUI thread with `engine.run.assemble` (same data / settings, the given weights)
and hands it to the worker ("load"): the iteration count and the curves restart at 0.
Inspector weight edits go to the worker as "set_weight" (paused only). Every such change —
network edits, weight edits, setting changes, dataset changes — is a QUndoCommand on one
stack (the designer's), so Edit ▸ Undo / Redo (Ctrl+Z / Ctrl+Shift+Z) undo them in order.
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.core.errors import WorkbenchError
from engine.core.network import Network
from engine.io.experiment import Experiment
from engine.run import assemble
from engine.training import edits as architecture

from . import exporting
from .commands import DatasetChange, SettingsChange
from .controls import ControlsPanel, RunActions
from .datapanel import CAPTION, DatasetPanel
from .designer import DesignerPanel, default_output
from .exporting import menu as export_menu
from .inspector import InspectorPanel, WeightEditCommand
from .panels.inspector import InspectorProbe
from .plots.curves import AccuracyView, GradientNormView, History, LossView
from .plots.decision import DecisionView
from .session import Session, with_seed
from .worker import TrainingWorker
from .worker import commands as wc

FRAME_MS = 33  # ~30 Hz: how often the window pulls a snapshot
#: which plot each frame redraws while training (accuracy only when evaluated anew)
FRAME_CYCLE = ("loss", "decision", "gradient-norms", "network", "loss", "decision", "accuracy", "inspector")
#: the share of wall time the GUI thread may spend drawing plots while training
GUI_SHARE = 0.15
SETTINGS_VERSION = 2  # 2: the designer, dataset and inspector docks are real panels
MAX_RECENT = 8
APP_TITLE = "Backprop Workbench"


class Banner(QWidget):
    """An inline message above the plot (divergence, errors): one at a time, closable."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("BannerAccept")
        self.accept_button.clicked.connect(self._accepted)
        self.accept_button.hide()
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.clicked.connect(self._dismissed)
        self.close_button = close
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.accept_button)
        layout.addWidget(close)
        self.setAutoFillBackground(True)
        self._on_accept = self._on_dismiss = None
        self.hide()

    def ask(self, text: str, accept_text: str, on_accept, on_dismiss=None) -> None:
        """A non-modal question: `accept_text` runs on_accept, ✕ runs on_dismiss."""
        self.show_message(text, "info")
        self._on_accept, self._on_dismiss = on_accept, on_dismiss
        self.accept_button.setText(accept_text)
        self.accept_button.show()
        self.close_button.setToolTip("Cancel")

    def _accepted(self) -> None:
        fn, self._on_accept, self._on_dismiss = self._on_accept, None, None
        self.hide()
        if fn is not None:
            fn()

    def _dismissed(self) -> None:
        fn, self._on_accept, self._on_dismiss = self._on_dismiss, None, None
        self.hide()
        if fn is not None:
            fn()

    def show_message(self, text: str, kind: str = "warning") -> None:
        self._on_accept = self._on_dismiss = None
        self.accept_button.hide()
        self.close_button.setToolTip("Dismiss")
        colour = {"warning": "#fff3cd", "error": "#f8d7da", "info": "#d1ecf1"}[kind]
        self.setStyleSheet(f"#Banner {{ background: {colour}; border: 1px solid #c9b458; }}")
        self.label.setText(text)
        self.show()


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, settings: QSettings | None = None, start_worker=True):
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings if settings is not None else QSettings()
        self.session = session if session is not None else Session()
        self.history = History()
        self._expected_run_id = 1
        self._announced_stop = None
        self._last_snapshot = None
        self._closing = False
        self._frame_index = 0
        self._settle_after_frame = False
        self._next_frame = 0.0
        self.frame_costs: deque = deque(maxlen=500)  # seconds per frame while training
        #: ask before discarding unsaved changes; tests replace it
        self.confirm_discard = self._ask_discard

        # centre: banner + decision view
        self.decision = DecisionView()
        self.banner = Banner()
        centre = QWidget()
        v = QVBoxLayout(centre)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.banner)
        v.addWidget(self.decision, 1)
        self.setCentralWidget(centre)

        self.actions_run = RunActions(self)
        self.loss_view = LossView(self.history)
        self.accuracy_view = AccuracyView(self.history)
        self.norm_view = GradientNormView(self.history)
        self.controls = ControlsPanel(self.actions_run)
        self.controls.settingsChanged.connect(self.change_settings)
        self.controls.speedChanged.connect(self.set_speed)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setObjectName("MessageLog")

        self.docks: dict[str, QDockWidget] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(330)
        scroll.setWidget(self.controls)
        self._dock("RunControlsDock", "Run controls", scroll, Qt.LeftDockWidgetArea)
        self._dock("LossDock", "Loss", self.loss_view, Qt.RightDockWidgetArea)
        self._dock("AccuracyDock", "Accuracy", self.accuracy_view, Qt.RightDockWidgetArea)
        self._dock("GradientNormDock", "Gradient norms ‖∂Div/∂W⁽ᵏ⁾‖", self.norm_view, Qt.RightDockWidgetArea)
        self._dock("MessagesDock", "Messages", self.log, Qt.BottomDockWidgetArea, visible=False)
        self._build_panels()

        self._build_menus()
        self._build_status()
        self.resize(1560, 940)
        self.restore_layout()

        self.worker: TrainingWorker | None = None
        self._load_run(first=True, sync_panel=True)
        inspector_dock = self.docks["InspectorDock"]
        inspector_dock.visibilityChanged.connect(
            lambda on: self.worker.send(wc.WantProbe("inspector", not inspector_dock.isHidden(), bool(on))))
        self.worker.core.probes.want("inspector", not inspector_dock.isHidden())
        if start_worker:
            self.worker.start()
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._update_title()
        self.decision.plot_widget.setFocus()

    # -- construction --------------------------------------------------------------------
    def _build_panels(self) -> None:
        """The network designer, the dataset panel and the inspector, in docks (issues 5, 6, 7)."""
        self._syncing = 0  # > 0 while the window itself updates a panel: its signals are not edits
        self._resume_after_edit = False
        self._run_data = None  # (dataset section, Dataset, PreparedData) of the current run
        self._view_run = None
        net = self.session.experiment.network
        self.designer = DesignerPanel(Network(net.sizes, net.activations), init=net.init,
                                      seed=self.session.experiment.seed)
        self.undo_stack = self.designer.editor.undo_stack  # one stack for the whole window
        for a in (self.designer.undo_action, self.designer.redo_action):
            a.setShortcuts([])  # the window's Edit ▸ Undo / Redo own Ctrl+Z, Ctrl+Shift+Z
        ed, view = self.designer.editor, self.designer.view
        ed.aboutToEdit.connect(self._before_network_edit)
        ed.networkChanged.connect(self._network_changed)
        ed.editRefused.connect(lambda m: self.statusBar().showMessage(f"Not done: {m}", 6000))
        self.data_panel = DatasetPanel()
        self.data_panel.datasetChosen.connect(self._dataset_chosen)
        self.data_panel.sliceChanged.connect(self._slice_changed)
        self.draw_tool = self.data_panel.attach_drawing(self.decision.plot)
        self.inspector = InspectorPanel()
        self.inspector.phaseRequested.connect(self.step_phase)
        self.inspector.weightEdited.connect(self._weight_edited)
        self.inspector.selectionChanged.connect(lambda k, i, j: view.select_weight(k, i, j, emit=False))
        view.weightSelected.connect(self._designer_weight_selected)
        view.unitSelected.connect(self._designer_unit_selected)
        data_scroll = QScrollArea()
        data_scroll.setWidgetResizable(True)
        data_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        data_scroll.setWidget(self.data_panel)
        self._dock("DatasetDock", "Dataset", data_scroll, Qt.LeftDockWidgetArea)
        # in a scroll area: its changing texts then re-lay out the panel, not the whole window
        inspector_scroll = QScrollArea()
        inspector_scroll.setWidgetResizable(True)
        inspector_scroll.setWidget(self.inspector)
        self._dock("InspectorDock", "Inspector", inspector_scroll, Qt.LeftDockWidgetArea)
        # the designer right under the decision view (the side areas keep the full height)
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        self._dock("NetworkDesignerDock", "Network", self.designer, Qt.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["RunControlsDock"], self.docks["DatasetDock"])
        self.tabifyDockWidget(self.docks["RunControlsDock"], self.docks["InspectorDock"])
        self.docks["RunControlsDock"].raise_()
        self.resizeDocks([self.docks["NetworkDesignerDock"]], [330], Qt.Vertical)
        # the inspector's chain rule needs ~560 px to read without wrapping each factor
        self.resizeDocks([self.docks["RunControlsDock"], self.docks["LossDock"]], [560, 360], Qt.Horizontal)
        self.setAcceptDrops(True)

    def _dock(self, name, title, widget, area, visible=True) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.setVisible(visible)
        self.docks[name] = dock
        return dock

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.action_open = self._action(f, "&Open…", QKeySequence.Open, "Open an experiment file", self.open_file)
        self.recent_menu = f.addMenu("Open &recent")
        self._fill_recent()
        self.action_save = self._action(f, "&Save", QKeySequence.Save, "Save the experiment", self.save)
        self._action(f, "Save &as…", QKeySequence.SaveAs, "Save the experiment under a new name", self.save_as)
        f.addSeparator()
        self._action(f, "Export &weights (.npz)…", None, "W1..WN and b1..bN of the current weights",
                     self.export_weights_dialog)
        self._action(f, "Export &history (.csv)…", None, "One row per logged iteration", self.export_history_dialog)
        plots = f.addMenu("Export &plot")
        for name in self.plot_views():
            self._action(plots, f"{name}…", None, f"Save the {name} plot as PNG or SVG",
                         lambda _=False, n=name: self.export_plot_dialog(n))
        self._action(f, "Export &all…", None, "Weights, history, the experiment and every plot into a folder",
                     self.export_all_dialog)
        f.addSeparator()
        self._action(f, "&Quit", QKeySequence.Quit, "Close the window", self.close)
        run = mb.addMenu("&Run")
        for a in self.actions_run.all():
            run.addAction(a)
            self.addAction(a)
        edit = mb.addMenu("&Edit")
        # one stack: network edits, weight edits, setting and dataset changes, in order
        self.action_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.action_undo.setShortcut(QKeySequence.Undo)
        self.action_redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.Redo) if k not in redo_keys]
        self.action_redo.setShortcuts(redo_keys)
        for a in (self.action_undo, self.action_redo):
            edit.addAction(a)
            self.addAction(a)
        view = mb.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        tb = self.addToolBar("Run")
        tb.setObjectName("RunToolBar")
        for a in self.actions_run.all():
            tb.addAction(a)
            tb.widgetForAction(a).setFocusPolicy(Qt.NoFocus)
        self.export_actions = export_menu.install(self, f)  # File ▸ Export ▸ image, ONNX, record (issue 16)

    def _action(self, menu, text, shortcut, tip, slot) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(shortcut)
        a.setStatusTip(tip)
        a.setToolTip(tip)
        a.triggered.connect(slot)
        menu.addAction(a)
        return a

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.status_labels = {}
        for key, tip in (("epoch", "Passes over the training set"), ("iteration", "Updates t so far"),
                         ("loss", "Mini-batch loss of the last update"),
                         ("accuracy", "Training-set accuracy at the last evaluation"),
                         ("speed", "Training examples processed per second"),
                         ("state", "What the training worker is doing")):
            label = QLabel()
            label.setToolTip(tip)
            label.setMinimumWidth(90)
            sb.addPermanentWidget(label)
            self.status_labels[key] = label

    def plot_views(self) -> dict:
        return {"decision": self.decision, "loss": self.loss_view, "accuracy": self.accuracy_view,
                "gradient-norms": self.norm_view}

    # -- run lifecycle -------------------------------------------------------------------
    def _load_run(self, first: bool = False, sync_panel: bool = False, clear_undo: bool = False) -> bool:
        """Build a fresh run of the session's experiment and hand it to the worker."""
        try:
            run = self.session.build()
        except (WorkbenchError, OSError, KeyError, TypeError, ValueError) as e:
            self.show_error(f"Could not set up the experiment: {e}")
            return False
        exp = self.session.experiment
        section = exp.dataset.to_dict()
        if sync_panel:
            with self._quiet():
                self.data_panel.set_section(section, exp.base_dir, seed=exp.dataset_seed)
        self._run_data = (section, run.dataset, run.data)
        self._sync_designer(run.network.copy(), run.data, clear_undo=first or clear_undo)
        self._install_run(run, first)
        return True

    def _install_run(self, run, first: bool = False) -> None:
        """Show `run` in the views and hand it to the worker (which owns it from then on)."""
        self._meta = (run.network.sizes, run.network.activation_names, run.data.problem)
        self._view_run = run  # its data and sizes only (read-only); never its live weights
        self._apply_slice(run.data)
        self.decision.set_run(run)
        self.draw_tool.refresh()
        self.accuracy_view.setEnabled(run.data.problem != "regression")
        self.controls.load(self.session.settings())
        if first:
            self.worker = TrainingWorker(run, probes=[InspectorProbe()])
            self.worker.failed.connect(self.show_error)
        else:
            self._expected_run_id += 1
            self.worker.send(wc.Load(run))  # the worker owns it from here on
        self.banner.hide()

    # -- the panels ----------------------------------------------------------------------
    class _Quiet:
        def __init__(self, window):
            self.window = window

        def __enter__(self):
            self.window._syncing += 1

        def __exit__(self, *exc):
            self.window._syncing -= 1

    def _quiet(self):
        """While the window updates a panel itself, the panel's signals are not user edits."""
        return self._Quiet(self)

    @staticmethod
    def _output_names(data) -> list[str]:
        if data.problem == "regression":
            return list(data.target_names)
        if data.problem == "binary" and data.n_outputs == 1 and len(data.class_names) == 2:
            return [f"P({data.class_names[1]})"]
        return list(data.class_names)

    def _sync_designer(self, network: Network, data, clear_undo: bool = False) -> None:
        """Show `network` (a copy the designer may keep) with the data's feature and class names."""
        ed = self.designer.editor
        exp = self.session.experiment
        ed.problem = data.problem
        ed.feature_names = ed._names(data.feature_names, network.sizes[0], "x")
        ed.output_names = ed._names(self._output_names(data), network.sizes[-1], "y")
        ed.divergence = exp.training.divergence
        ed.init = exp.network.init
        ed.seed = int(exp.seed)
        with self._quiet():
            ed.set_network(network, clear_undo=clear_undo)

    def _running(self) -> bool:
        s = self._last_snapshot
        return s is not None and s.state == "running"

    def _pause_and_read(self):
        """Pause the worker and read its exact current θ (a copy), between two iterations."""
        self.worker.send(wc.Pause())
        try:
            return self.worker.request(wc.ReadParameters())
        except Exception:  # noqa: BLE001 - the snapshot's weights are the fallback
            return None

    @Slot()
    def _before_network_edit(self) -> None:
        """The designer is about to edit: pause, and let it start from the weights trained so far."""
        self._resume_after_edit = self._running()
        theta = self._pause_and_read()
        if theta is not None:
            self.designer.editor.set_live_parameters(theta)

    @Slot(object)
    def _network_changed(self, network) -> None:
        """A designer edit, undo or redo: the experiment follows and the trainer is rebuilt on it.

        Same data and settings, the given weights (nothing re-initialised beyond what the edit
        drew); the trainer starts afresh: iteration count and history restart at 0.
        """
        if self._syncing:
            return
        resume = self._resume_after_edit or self._running()
        self._resume_after_edit = False
        if resume:
            self.worker.send(wc.Pause())
        try:
            experiment = self.session.experiment.with_network(network)
            _, dataset, data = self._run_data
            run = assemble(experiment, dataset, data, network.copy())
        except (WorkbenchError, ValueError, TypeError) as e:
            self.show_error(f"Network not applied: {e}")
            return
        self.session.replace(experiment)
        self._install_run(run)
        if resume:
            self.worker.send(wc.Start())
        sizes = "-".join(map(str, network.sizes))
        self.log_message(f"network {sizes} ({', '.join(network.activation_names)}): training goes on from "
                         "the current weights; the iteration count and the curves restart at 0")
        self.statusBar().showMessage(f"network {sizes}: iterations and curves restart at 0 (Ctrl+Z undoes)", 6000)
        self._update_title()

    @Slot(int, int, int)
    def _designer_weight_selected(self, k: int, i: int, j: int) -> None:
        self.inspector.select_weight(k, i, j)

    @Slot(int, int)
    def _designer_unit_selected(self, k: int, j: int) -> None:
        if k >= 1:
            self.inspector.select_unit(k, j)

    @Slot(int, int, int, float)
    def _weight_edited(self, k: int, i: int, j: int, value: float) -> None:
        """An inspector edit (paused): undoable, applied by the worker in place."""
        old = self.inspector.weight_value(k, i, j)
        self.undo_stack.push(WeightEditCommand(k, i, j, value, old, apply=self._set_weight))

    def _set_weight(self, k: int, i: int, j: int, value: float) -> None:
        self.worker.send(wc.SetWeight(k, i, j, float(value)))

    # dataset
    @Slot(object)
    def _dataset_chosen(self, choice) -> None:
        """Another dataset from the panel: swap it in, adapting the network's ends if needed (undoable)."""
        if self._syncing:
            return
        resume = self._running()
        theta = self._pause_and_read()
        ed = self.designer.editor
        net = ed.network
        if theta is not None and theta.shape == net.parameters.shape:
            net = Network(net.sizes, net.activation_names, theta, net.dtype)
        else:
            net = net.copy()
        exp = self.session.experiment
        old_section, _, old_data = self._run_data
        before = (exp, net, self._run_data)
        problem, n_in, n_out = choice.problem, choice.n_inputs, choice.n_outputs
        new = net
        changed = []
        if n_in != net.sizes[0]:
            new = architecture.resize_inputs(new, n_in, ed.next_rng(), ed.init)
            changed.append(f"input layer ({net.sizes[0]} → {n_in} units)")
        keeps_outputs = n_out == net.sizes[-1] or (problem == "binary" and net.sizes[-1] == 2)
        if not keeps_outputs:
            new = architecture.resize_layer(new, new.N, n_out, ed.next_rng(), ed.init)
            changed.append(f"output layer ({net.sizes[-1]} → {n_out} units)")
        doc = exp.to_dict()
        doc["dataset"] = dict(choice.section)
        if problem != old_data.problem:
            activation, divergence = default_output(problem)
            new = architecture.set_activation(new, new.N, activation)
            doc["training"]["divergence"] = divergence
        doc["network"]["sizes"] = list(new.sizes)
        doc["network"]["activations"] = list(new.activation_names)
        try:
            experiment = Experiment.from_dict(doc, base_dir=exp.base_dir)
        except WorkbenchError as e:
            self.show_error(f"Dataset not used: {e}")
            return
        after = (experiment, new, (dict(choice.section), choice.dataset, choice.data))
        name = choice.dataset.name or choice.source

        def do_it():
            self.undo_stack.push(DatasetChange(self, before, after, f"Use dataset {name}"))
            if changed:
                self.banner.show_message(f"Now training on {name}. Re-initialised: {' and '.join(changed)}; "
                                         "the hidden layers kept their weights. Ctrl+Z brings the previous "
                                         "dataset and network back.", "info")
            self.log_message(f"dataset {name}" + (f"; re-initialised {', '.join(changed)}" if changed else
                                                  "; weights kept") + "; iterations and curves restart at 0")
            if resume:
                self.worker.send(wc.Start())

        if not changed:
            do_it()
            return

        def cancel():
            with self._quiet():
                self.data_panel.set_section(old_section, exp.base_dir, seed=exp.dataset_seed)
            if resume:
                self.worker.send(wc.Start())

        self.banner.ask(f"{name} needs a network with {n_in} inputs and {n_out} outputs: the "
                        f"{' and '.join(changed)} will be re-initialised (hidden layers keep their weights; "
                        "undo with Ctrl+Z).", "Re-initialise and use it", do_it, cancel)

    def _install_dataset(self, experiment, network, data, update_panel: bool) -> None:
        """DatasetChange: make (experiment, network, data) current and rebuild the run on them."""
        section, dataset, prepared = data
        try:
            run = assemble(experiment, dataset, prepared, network.copy())
        except WorkbenchError as e:
            self.show_error(f"Dataset not used: {e}")
            return
        self.session.replace(experiment)
        if update_panel:
            with self._quiet():
                self.data_panel.set_section(section, experiment.base_dir, seed=experiment.dataset_seed)
        self._run_data = data
        self._sync_designer(network.copy(), prepared)
        self._install_run(run)
        self._update_title()

    def _apply_slice(self, data) -> None:
        """For more than two features, the decision view shows the slice the axis picker chose."""
        if data.n_inputs <= 2:
            self.decision.set_slice()
            return
        picker = self.data_panel.axis_picker
        names = list(data.feature_names) + [f"x{m + 1}" for m in range(len(data.feature_names), data.n_inputs)]
        if len(picker._names) == data.n_inputs:
            axes, caption = picker.slice_axes(), picker.caption_text()
        else:  # the picker shows a previewed, not yet used dataset
            axes, caption = (0, 1), f"{names[0]} × {names[1]}; {CAPTION}"
        self.decision.set_slice(axes, picker.slice_fixed(data), caption)

    @Slot(int, int)
    def _slice_changed(self, i: int, j: int) -> None:
        run = self._view_run
        if run is None or run.data.n_inputs <= 2 or len(self.data_panel.axis_picker._names) != run.data.n_inputs:
            return
        self._apply_slice(run.data)
        self.decision.set_run(run)
        self.draw_tool.refresh()
        snap = self._last_snapshot
        if snap is not None and snap.run_id == self._expected_run_id:
            self.decision.update_parameters(snap.parameters)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.docks["DatasetDock"].show()
            self.docks["DatasetDock"].raise_()
            self.data_panel.accept_drop(urls[0].toLocalFile())
            event.acceptProposedAction()

    @Slot()
    def toggle_run(self) -> None:
        self.worker.send(wc.Toggle())

    @Slot()
    def run_training(self) -> None:
        self.worker.send(wc.Start())

    @Slot()
    def pause(self) -> None:
        self.worker.send(wc.Pause())

    @Slot()
    def step_iteration(self) -> None:
        self.worker.send(wc.Step())

    @Slot()
    def step_phase(self) -> None:
        self.worker.send(wc.StepPhase())

    @Slot()
    def reset_run(self) -> None:
        self._load_run()

    @Slot()
    def new_seed(self) -> None:
        seed = int(self.session.experiment.to_dict().get("seed", 0)) + 1
        self.session.replace(with_seed(self.session.experiment, seed))
        self.log_message(f"new seed {seed}")
        self._load_run()
        self._update_title()

    @Slot(object)
    def change_settings(self, changes: dict) -> None:
        """Record a setting change in the experiment and apply it at the worker's next update."""
        old = self.session.settings()
        try:
            self.session.change_settings(changes)
        except (WorkbenchError, KeyError, TypeError, ValueError) as e:
            self.show_error(f"Not applied: {e}")
            self.controls.load(self.session.settings())  # show what is in effect
            return
        self.undo_stack.push(SettingsChange(self, old, self.session.settings(),
                                            "change " + ", ".join(changes)))
        if "divergence" in changes:
            with self._quiet():  # the designer's note on the output pair
                self.designer.editor.set_divergence(changes["divergence"])
        command = dict(changes)
        if "optimizer_params" in command and "optimizer" not in command:
            # Trainer.configure ignores optimizer_params given alone (it takes the current
            # optimiser object as a replacement); naming the optimiser applies them in place
            command["optimizer"] = self.session.settings()["optimizer"]
        self.worker.send(wc.Configure(command))
        self.log_message("changed " + ", ".join(f"{k} = {v}" for k, v in changes.items()))
        self._update_title()

    @Slot(object)
    def set_speed(self, speed) -> None:
        self.worker.send(wc.SetSpeed(speed))

    @Slot()
    def undo(self) -> None:
        """Edit ▸ Undo (Ctrl+Z): the last network edit, weight edit, setting or dataset change."""
        self.undo_stack.undo()

    @Slot()
    def redo(self) -> None:
        self.undo_stack.redo()

    def _restore_settings(self, settings: dict) -> None:
        """SettingsChange undo / redo: only the training settings change, not network or data."""
        from .session import with_settings
        self.session.replace(with_settings(self.session.experiment, settings))
        self.controls.load(settings)
        self.worker.send(wc.Configure(settings))
        with self._quiet():
            self.designer.editor.set_divergence(settings["divergence"])
        self._update_title()

    # -- the frame -----------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Pull the latest snapshot and redraw what changed (the ~30 Hz timer)."""
        worker = self.worker
        if worker is None:
            return
        # While training, a frame (new rows, status, one plot: the loss every other frame)
        # comes only as often as keeps the GUI thread's share of the time near GUI_SHARE.
        # The worker holds off (frees the GIL) while the frame is drawn and painted here,
        # synchronously, so the two threads do not fight over the GIL call by call.
        last = self._last_snapshot
        running = last is not None and last.state == "running" and last.run_id == self._expected_run_id
        now = time.perf_counter()
        if running and now < self._next_frame:
            return
        worker.frame_begins()
        try:
            snap = worker.latest()
            if snap is None or snap.run_id != self._expected_run_id or snap is last:
                return
            self._last_snapshot = snap
            self.history.update(snap)
            self._show_status(snap)
            if snap.state != "running":
                for name in ("loss", "decision", "gradient-norms", "accuracy", "network"):
                    self._redraw(name, snap)
                self._show_inspector(snap)
                return
            for _ in range(len(FRAME_CYCLE)):  # the next plot in the cycle with news
                name = FRAME_CYCLE[self._frame_index % len(FRAME_CYCLE)]
                self._frame_index += 1
                if name == "accuracy" and not self.accuracy_view.has_news():
                    continue
                if name == "inspector" and not self._inspector_has_news(snap):
                    continue
                break
            self._redraw(name, snap, paint=True)
            self.statusBar().repaint()
        finally:
            if self._settle_after_frame:
                # the inspector's new texts re-lay it out and repaint in posted events; the
                # worker holds off until they ran (a zero timer fires after posted events)
                self._settle_after_frame = False
                QTimer.singleShot(0, worker.frame_ends)
            else:
                worker.frame_ends()
            done = time.perf_counter()
            self.frame_costs.append(done - now)
            self._next_frame = done + (done - now) * (1.0 / GUI_SHARE - 1.0)

    def _inspector_has_news(self, snap) -> bool:
        state = snap.probes.get("inspector")
        return (state is not None and state is not self.inspector.state
                and not self.docks["InspectorDock"].isHidden() and self.inspector.isVisible())

    def _show_inspector(self, snap) -> None:
        state = snap.probes.get("inspector")
        if state is not None and (not self.docks["InspectorDock"].isHidden() or not self.isVisible()):
            with np.errstate(all="ignore"):  # huge (diverging) weights: show what there is
                self.inspector.show_state(state)  # a no-op for the state it already shows

    def _redraw_network(self, snap, paint: bool) -> None:
        view = self.designer.view
        if self.isVisible() and self.docks["NetworkDesignerDock"].isHidden():
            return
        view.update_weights(snap.parameters, snap.gradient)
        if snap.state != "running" and snap.mid_iteration:
            # step-through: the layer the next phase computes is highlighted
            phase = snap.next_phase
            layer = phase.layer if phase.layer else (len(self._meta[0]) - 1)
            view.select_layer(layer, emit=False)
        if paint and view.isVisible():
            QCoreApplication.sendPostedEvents(view.scene(), QEvent.MetaCall)

    def _redraw(self, name: str, snap, paint: bool = False) -> None:
        if name == "network":
            self._redraw_network(snap, paint)
            return
        if name == "inspector":
            self._show_inspector(snap)
            if paint and self.inspector.isVisible():
                self._settle_after_frame = True
                # paint now, while the worker holds off (its plots: as for the curves below)
                plots = [p for p in self.inspector.findChildren(pg.GraphicsView) if p.isVisible()]
                for _ in range(2):  # a paint (axis ticks) dirties a plot once more: settle it now
                    for plot in plots:
                        QCoreApplication.sendPostedEvents(plot.scene(), QEvent.MetaCall)
                    self.inspector.repaint()
            return
        view = self.plot_views()[name]
        if name == "decision":
            view.update_parameters(snap.parameters)
        elif view.isVisible() or not self.isVisible():
            view.refresh()
        if paint and view.isVisible():
            # Paint now, while the worker holds off: the scene hands its dirty items to the
            # view in a queued call, which paints; a curve plot's paint (axis ticks) dirties
            # it once more, so a second round settles it instead of a later, contended paint.
            scene = view.plot_widget.scene()
            for _ in range(2):
                QCoreApplication.sendPostedEvents(scene, QEvent.MetaCall)

    def _show_status(self, snap) -> None:
        L = self.status_labels
        L["epoch"].setText(f"epoch {snap.epoch:.2f}")
        L["iteration"].setText(f"iteration {snap.iteration:,}")
        if snap.edited_loss is not None:
            L["loss"].setText(f"loss {snap.edited_loss:.4g} (edited weights, training set)")
        else:
            L["loss"].setText(f"loss {snap.loss:.4g}" if math.isfinite(snap.loss) else "loss –")
        L["accuracy"].setText(f"accuracy {100 * snap.accuracy:.1f} %" if math.isfinite(snap.accuracy) else "")
        L["speed"].setText(f"{snap.samples_per_second:,.0f} samples/s" if snap.state == "running" else "")
        if snap.state == "running":
            state = "running"
        elif snap.mid_iteration:
            state = f"paused — next: {snap.next_phase}"
        elif snap.iteration == 0:
            state = "ready — press Space to train"
        else:
            state = "paused"
        if snap.stopped_kind == "diverged":
            state = f"paused — diverged at iteration {snap.stopped_step + 1}"
            key = (snap.run_id, snap.stopped_step)
            if key != self._announced_stop:
                self._announced_stop = key
                self.banner.show_message(snap.stopped_message)
                self.log_message(snap.stopped_message)
        L["state"].setText(state)
        self.actions_run.set_running(snap.state == "running")

    # -- messages ------------------------------------------------------------------------
    @Slot(object)
    def show_error(self, message) -> None:
        """Errors go in the banner and the message log; never a dialog storm, never a traceback."""
        self.banner.show_message(str(message), "error")
        self.log_message(f"error: {message}")
        self.statusBar().showMessage(str(message), 8000)

    def log_message(self, text: str) -> None:
        self.log.appendPlainText(time.strftime("%H:%M:%S  ") + text)

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.session.title.rstrip(' *')}[*] — {APP_TITLE}")
        self.setWindowModified(self.session.dirty)

    # -- files ---------------------------------------------------------------------------
    def _ask_discard(self) -> bool:
        if not self.session.dirty:
            return True
        answer = QMessageBox.question(
            self, APP_TITLE, "The experiment has unsaved changes. Save them first?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    @Slot()
    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open experiment", self._last_dir(),
                                              "Experiments (*.json);;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        if not self.confirm_discard():
            return False
        try:
            session = Session.open(path)
        except (WorkbenchError, OSError, ValueError, KeyError, TypeError) as e:
            self.show_error(f"Could not open {Path(path).name}: {e}")
            return False
        old = self.session
        self.session = session
        if not self._load_run(sync_panel=True, clear_undo=True):
            self.session = old
            return False
        self._add_recent(path)
        self._update_title()
        return True

    @Slot()
    def save(self) -> bool:
        if not self.session.path:
            return self.save_as()
        return self._save_to(self.session.path)

    @Slot()
    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save experiment", self._last_dir(), "Experiments (*.json)")
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        try:
            self.session.save(path)
        except (OSError, WorkbenchError, ValueError, TypeError) as e:
            self.show_error(f"Could not save to {path}: {e}. The experiment is still open; nothing is lost.")
            return False
        self._add_recent(path)
        self._update_title()
        self.statusBar().showMessage(f"saved {path}", 4000)
        return True

    def _last_dir(self) -> str:
        return str(self.settings.value("files/last_dir", os.getcwd()))

    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        recent = [p for p in self.recent_files() if p != path]
        self.settings.setValue("files/recent", ([path] + recent)[:MAX_RECENT])
        self.settings.setValue("files/last_dir", str(Path(path).parent))
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_files():
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.triggered.connect(lambda _=False, p=p: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    # -- export --------------------------------------------------------------------------
    def export_weights(self, path) -> None:
        """The current W^(k), b^(k) as .npz (read in the worker thread, between iterations)."""
        self.worker.request(wc.SaveWeights(path=str(path)))

    def export_history(self, path) -> None:
        """The whole history as CSV, one row per logged step (engine.io.history_csv format)."""
        self.worker.request(wc.SaveHistory(path=str(path)))

    def export_plot(self, name: str, path) -> None:
        exporting.export_plot(self.plot_views()[name], path)

    def export_all(self, folder) -> list[Path]:
        """The trained state (weights, history, the experiment as it is now) and every plot
        (PNG and SVG) into `folder`; returns the files."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "weights.npz", folder / "history.csv", folder / "experiment.json"]
        self.export_weights(written[0])
        self.export_history(written[1])
        self.worker.call(lambda run: run.current_experiment().save(written[2]))
        for name in self.plot_views():
            for ext in ("png", "svg"):
                p = folder / f"{name}.{ext}"
                self.export_plot(name, p)
                written.append(p)
        return written

    def _guarded(self, what: str, fn, *args) -> bool:
        try:
            fn(*args)
        except (OSError, WorkbenchError, ValueError, TimeoutError) as e:
            self.show_error(f"Could not export {what}: {e}")
            return False
        self.statusBar().showMessage(f"exported {what}", 4000)
        return True

    @Slot()
    def export_weights_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export weights", self._last_dir(), "NumPy archive (*.npz)")
        if path:
            self._guarded("weights", self.export_weights, path)

    @Slot()
    def export_history_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export history", self._last_dir(), "CSV (*.csv)")
        if path:
            self._guarded("history", self.export_history, path)

    def export_plot_dialog(self, name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export {name} plot", os.path.join(self._last_dir(), name),
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            if not path.lower().endswith((".png", ".svg")):
                path += ".png"
            self._guarded(f"the {name} plot", self.export_plot, name, path)

    @Slot()
    def export_all_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export all into folder", self._last_dir())
        if folder:
            self._guarded(f"everything into {folder}", self.export_all, folder)

    # -- layout and closing --------------------------------------------------------------
    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(SETTINGS_VERSION))
        self.settings.sync()

    def restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, SETTINGS_VERSION)

    def shutdown_worker(self) -> bool:
        """Stop and join the worker thread (≤ 1 s); never terminate it."""
        self.timer.stop()
        if self.worker is None:
            return True
        finished = self.worker.stop(1000) if self.worker.isRunning() else True
        return finished

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._closing and not self.confirm_discard():
            event.ignore()
            return
        self._closing = True
        self.save_layout()
        self.shutdown_worker()
        self.data_panel.shutdown()
        event.accept()
