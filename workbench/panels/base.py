"""The `Panel` protocol: what the window and the frame scheduler know about a panel.

A panel is built by `factory(host)` (host: the main window, see `Host`) and lives in one dock
(or the centre). The window docks it, connects its probe to the worker, hands it every new run
(`set_run`) and, through `workbench.frames.FrameScheduler`, every snapshot (`take`) and frames
(`show`); Export ▸ plot lists its `plots()`.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QScrollArea, QWidget

CENTRE = None  # the area of the panel that is the window's central widget


class Host(Protocol):
    """What a panel may use of the window (workbench.main_window.MainWindow)."""

    controller: object  # workbench.run_controller.RunController
    history: object  # workbench.plots.curves.History: the rows of the current run the GUI holds
    panels: dict  # dock name → Panel (those built so far)

    def send(self, command) -> None: ...
    def status_message(self, text: str, ms: int = 6000) -> None: ...
    def log_message(self, text: str) -> None: ...
    def isVisible(self) -> bool: ...  # noqa: N802 - Qt


class Panel(Protocol):
    name: str  # the dock's object name (saved layouts refer to it)
    title: str
    area: Qt.DockWidgetArea | None  # CENTRE: the central widget
    widget: QWidget  # what the dock holds
    probe: object  # a workbench.worker.probes.Probe, or None
    dock: object  # its QDockWidget (set by the window; none for the centre)
    #: frames per scheduler cycle while training (0: redrawn only when paused)
    frame_share: int
    #: docked as a tab over this dock ("" for none); shown at first (else hidden until View ▸)
    tab_with: str
    visible: bool
    view_actions: tuple  # QActions the window puts in its View menu

    def set_run(self, run) -> None:
        """A new run is installed (read its data and sizes; never its live weights)."""

    def take(self, snapshot) -> None:
        """Every new snapshot, before any frame (cheap: bookkeeping only)."""

    def has_news(self, snapshot) -> bool:
        """Whether a frame would change what the panel shows."""

    def show(self, snapshot, paint: bool) -> bool:
        """Draw `snapshot`; paint now if `paint`. True: the worker waits until posted events ran."""

    def plots(self) -> dict:
        """name → widget, for Export ▸ plot."""

    def shutdown(self) -> None:
        """The window closes: stop background work."""


class BasePanel:
    """Defaults for the optional parts of `Panel`."""

    area = Qt.RightDockWidgetArea
    probe = None
    frame_share = 1
    tab_with = ""
    visible = True
    view_actions = ()  # QActions for the View menu (after the docks)

    def set_run(self, run) -> None:
        pass

    def take(self, snapshot) -> None:
        pass

    def has_news(self, snapshot) -> bool:
        return True

    def show(self, snapshot, paint: bool) -> bool:
        return False

    def plots(self) -> dict:
        return {}

    def shutdown(self) -> None:
        pass


def scrolled(widget: QWidget, horizontal: bool = False) -> QScrollArea:
    """`widget` in a scroll area: its changing texts re-lay out the panel, not the whole window."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    if not horizontal:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll


def paint_scene(scene, rounds: int = 2) -> None:
    """Paint now, while the worker holds off: the scene hands its dirty items to the view in a
    queued call, which paints. What a paint would change first (auto-ranges, the view boxes'
    matrices: pyqtgraph's prepareForPaint) is done before it, or it would dirty the plot for a
    second paint; a second round settles anything else instead of a later, contended paint."""
    scene.prepareForPaint()
    for _ in range(rounds):
        QCoreApplication.sendPostedEvents(scene, QEvent.MetaCall)
