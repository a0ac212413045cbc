"""The main window: the panels of `workbench.panels.PANELS` in docks around the decision view.

The window owns the `Session` (experiment document, file, dirty flag), the `TrainingWorker`
and the `RunController`. It never touches the live engine objects: it queues commands to the
worker and, on a ~30 Hz timer, the `FrameScheduler` pulls the worker's latest snapshot and
hands it to the panels. Every change to what is trained is a QUndoCommand on one stack, so
Edit ▸ Undo / Redo (Ctrl+Z / Ctrl+Shift+Z) undo them in order.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QPlainTextEdit, QVBoxLayout, QWidget

from . import closing, file_actions
from .banner import Banner
from .controls import RunActions, make_action
from .exporting import menu as export_menu
from .frames import FrameScheduler
from .panels import PANELS
from .panels.base import CENTRE
from .plots.curves import History
from .presentation import Presentation
from .run_controller import RunController
from .run_keys import RunKeys
from .run_notices import RunNotices
from .session import Session
from .settings import APPLICATION as APP_TITLE
from .settings import Preferences
from .status import build_labels, show_status
from .sweep import SWEEP_TIP, open_sweep
from .window_size import place_on_screen
from .worker import TrainingWorker
from .worker import commands as wc

FRAME_MS = 33  # ~30 Hz: how often the window pulls a snapshot


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, settings: QSettings | None = None, start_worker=True):
        super().__init__()
        self.setObjectName("MainWindow")
        self.preferences = Preferences(settings)
        self.session = session if session is not None else Session()
        self.history = History()
        self.worker: TrainingWorker | None = None
        self.controller = RunController(self)
        self.notices = RunNotices(self)
        self._announced_stop = None
        self._closing = False
        #: ask before discarding unsaved changes; tests replace it
        self.confirm_discard = lambda: file_actions.ask_discard(self)
        self.banner = Banner()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setObjectName("MessageLog")
        self.actions_run = RunActions(self)
        self.panels: dict = {}
        self.docks: dict[str, QDockWidget] = {}
        self._build_panels()
        self.presentation = Presentation(self)
        self._build_menus()
        self.status_labels = build_labels(self.statusBar())
        place_on_screen(self)  # fits any screen from 1280×720 up; a saved geometry wins
        self.preferences.restore_layout(self)
        self.frames = FrameScheduler(self.panels.values(), accept=lambda s: s.run_id == self.controller.run_id,
                                     on_snapshot=self._take_snapshot, after_frame=self.statusBar().repaint)
        self.controller.load_run(sync_panel=True, clear_undo=True, restore_state=True)
        if start_worker:
            self.worker.start()
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.update_title()
        self.decision.plot_widget.setFocus()
        self.run_keys = RunKeys(self)
        self.run_keys.install()

    # -- construction --------------------------------------------------------------------
    def _build_panels(self) -> None:
        """Every panel of PANELS: the centre one under the banner, the others in docks."""
        for factory in PANELS:
            panel = factory(self)
            self.panels[panel.name] = panel
            if panel.area is CENTRE:
                centre = QWidget()
                v = QVBoxLayout(centre)
                v.setContentsMargins(0, 0, 0, 0)
                v.setSpacing(0)
                v.addWidget(self.banner)
                v.addWidget(panel.widget, 1)
                self.setCentralWidget(centre)
                continue
            panel.dock = dock = QDockWidget(panel.title, self)
            dock.setObjectName(panel.name)
            dock.setWidget(panel.widget)
            self.addDockWidget(panel.area, dock)
            dock.setVisible(panel.visible)
            self.docks[panel.name] = dock
            if panel.tab_with:
                self.tabifyDockWidget(self.docks[panel.tab_with], dock)
        self.docks["RunControlsDock"].raise_()
        # the designer right under the decision view (the side areas keep the full height)
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        self.resizeDocks([self.docks["NetworkDesignerDock"]], [330], Qt.Vertical)
        # the inspector's chain rule needs ~560 px to read without wrapping each factor
        self.resizeDocks([self.docks["RunControlsDock"], self.docks["LossDock"]], [560, 360], Qt.Horizontal)
        self.setAcceptDrops(True)

    def start_worker(self, run) -> None:
        """The worker thread, owning `run`, with the probe of every panel that has one."""
        probes = [p.probe for p in self.panels.values() if p.probe is not None]
        self.worker = TrainingWorker(run, probes=probes)
        self.worker.failed.connect(self.show_error)
        for panel in self.panels.values():
            if panel.probe is not None and panel.area is CENTRE:
                self.worker.core.probes.want(panel.probe.name, True)  # the centre is always on screen
            elif panel.probe is not None:
                self._follow_probe(panel)

    def _follow_probe(self, panel) -> None:
        """The panel's probe runs while its dock is open (paused) or on screen (also while training)."""
        dock, name = panel.dock, panel.probe.name
        dock.visibilityChanged.connect(lambda on: self.send(wc.WantProbe(name, not dock.isHidden(), bool(on))))
        self.worker.core.probes.want(name, not dock.isHidden())

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        file_actions.build_file_menu(self, f)
        f.addSeparator()
        f.addAction(make_action(self, "&Quit", QKeySequence.Quit, "Close the window", self.close))
        run = mb.addMenu("&Run")
        for a in self.actions_run.all():
            run.addAction(a)
            self.addAction(a)
        run.addSeparator()
        run.addAction(make_action(self, "S&weep…", "Ctrl+Shift+W", SWEEP_TIP, lambda: open_sweep(self)))
        edit = mb.addMenu("&Edit")
        # one stack: network edits, weight edits, setting and dataset changes, in order
        stack = self.controller.undo_stack
        self.action_undo = stack.createUndoAction(self, "&Undo")
        self.action_undo.setShortcut(QKeySequence.Undo)
        self.action_redo = stack.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.Redo) if k not in redo_keys]
        self.action_redo.setShortcuts(redo_keys)
        for a in (self.action_undo, self.action_redo):
            edit.addAction(a)
            self.addAction(a)
        view = mb.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addActions([a for panel in self.panels.values() for a in panel.view_actions])  # e.g. Unit maps
        self.action_presentation = make_action(self, "&Presentation mode", "F5", "Full screen, large text and lines, "
                                               "decision view, loss and network only (F5 again leaves)",
                                               self.presentation.toggle)
        view.addAction(self.action_presentation)
        self.addAction(self.action_presentation)
        tb = self.addToolBar("Run")
        tb.setObjectName("RunToolBar")
        for a in self.actions_run.all():
            tb.addAction(a)
            tb.widgetForAction(a).setFocusPolicy(Qt.NoFocus)
        self.export_actions = export_menu.install(self, f)  # File ▸ Export ▸ image, ONNX, record

    # -- public accessors ----------------------------------------------------------------
    @property
    def last_snapshot(self):
        """The snapshot the window shows (None before the first frame)."""
        return self.frames.last

    @property
    def undo_stack(self):
        return self.controller.undo_stack

    @property
    def decision(self):
        return self.panels["DecisionView"].view

    @property
    def designer(self):
        return self.panels["NetworkDesignerDock"].designer

    @property
    def data_panel(self):
        return self.panels["DatasetDock"].data_panel

    @property
    def draw_tool(self):
        return self.panels["DatasetDock"].draw_tool

    @property
    def inspector(self):
        return self.panels["InspectorDock"].inspector

    @property
    def controls(self):
        return self.panels["RunControlsDock"].controls

    @property
    def frame_costs(self):
        """Seconds per frame (the last 500)."""
        return self.frames.costs

    def plot_views(self) -> dict:
        """name → plot widget of every panel, for Export ▸ plot."""
        return {name: view for panel in self.panels.values() if panel.ready for name, view in panel.plots().items()}

    # -- the worker ----------------------------------------------------------------------
    def send(self, command) -> None:
        """Queue a command (workbench.worker.commands) to the worker."""
        self.worker.send(command)

    @Slot()
    def toggle_run(self) -> None:
        self.send(wc.Toggle())

    @Slot()
    def run_training(self) -> None:
        self.send(wc.Start())

    @Slot()
    def pause(self) -> None:
        self.send(wc.Pause())

    @Slot()
    def step_iteration(self) -> None:
        self.send(wc.Step())

    @Slot()
    def step_phase(self) -> None:
        self.send(wc.StepPhase())

    @Slot()
    def reset_run(self) -> None:
        self.controller.reset()

    @Slot()
    def new_seed(self) -> None:
        self.controller.new_seed()

    @Slot(object)
    def change_settings(self, changes: dict) -> None:
        self.controller.change_settings(changes)

    @Slot(object)
    def set_speed(self, speed) -> None:
        self.send(wc.SetSpeed(speed))

    # -- the frame -----------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Pull the latest snapshot and redraw what changed (the ~30 Hz timer)."""
        if self.worker is not None:
            self.frames.tick(self.worker)

    def _take_snapshot(self, snap) -> None:
        self.history.update(snap)
        self.notices.update(snap)
        show_status(self.status_labels, snap)
        if snap.stopped_kind == "diverged" and (snap.run_id, snap.stopped_step) != self._announced_stop:
            self._announced_stop = (snap.run_id, snap.stopped_step)
            self.banner.show_message(snap.stopped_message)
            self.log_message(snap.stopped_message)
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

    def status_message(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)

    def update_title(self) -> None:
        self.setWindowTitle(f"{self.session.title.rstrip(' *')}[*] — {APP_TITLE}")
        self.setWindowModified(self.session.dirty)

    # -- files, export -------------------------------------------------------------------
    def open_path(self, path: str) -> bool:
        return file_actions.open_path(self, path)

    def save(self) -> bool:
        return file_actions.save(self)

    def save_to(self, path: str) -> bool:
        return file_actions.save_to(self, path)

    def recent_files(self) -> list[str]:
        return self.preferences.recent_files()

    def export_weights(self, path) -> None:
        """The current W^(k), b^(k) as .npz (written by the worker, between iterations)."""
        self.worker.request(wc.SaveWeights(path=str(path)))

    def export_history(self, path) -> None:
        """The whole history as CSV, one row per logged step (engine.io.history_csv format)."""
        self.worker.request(wc.SaveHistory(path=str(path)))

    def export_all(self, folder) -> list:
        """Weights, history and every plot (PNG and SVG) into `folder`; returns the files."""
        return file_actions.export_all(self, folder)

    def export_guarded(self, what: str, fn, *args) -> bool:
        """fn(*args); an error becomes a message, not an exception."""
        return file_actions.guarded(self, what, fn, *args)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.panels["DatasetDock"].accept_drop(urls[0].toLocalFile())
            event.acceptProposedAction()

    # -- closing -------------------------------------------------------------------------
    def shutdown_worker(self) -> bool:
        """Stop and join the worker thread, never terminate it; a long step is waited for (workbench.closing)."""
        self.timer.stop()
        return closing.stop_worker(self)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._closing and not self.confirm_discard():
            event.ignore()
            return
        self._closing = True
        self.run_keys.uninstall()
        self.presentation.leave()  # the normal layout is the one remembered
        self.preferences.save_layout(self)
        self.shutdown_worker()
        for panel in self.panels.values():
            panel.shutdown()
        event.accept()
