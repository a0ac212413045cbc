"""The `Panel` protocol: what the window and the frame scheduler know about a panel.

A panel is built by `factory(host)` (host: the main window, see `Host`) and lives in one dock
(or the centre). The window docks it, connects its probe to the worker, hands it every new run
(`set_run`) and, through `workbench.frames.FrameScheduler`, every snapshot (`take`) and frames
(`show`); Export ▸ plot lists its `plots()`.

A panel whose dock is hidden or behind a tab at start is a `LazyPanel`: its content is built
when the dock is first on screen (or a part of it is first asked for), so it costs nothing at
start-up; until then `ready` is False and the window and the frames leave it out.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

CENTRE = None  # the area of the panel that is the window's central widget


class Host(Protocol):
    """What a panel may use of the window (workbench.main_window.MainWindow)."""

    controller: object  # workbench.run_controller.RunController (run_id, view_run)
    history: object  # workbench.plots.curves.History: the rows of the current run the GUI holds
    panels: dict  # dock name → Panel (those built so far)

    def send(self, command) -> None: ...
    def status_message(self, text: str, ms: int = 6000) -> None: ...
    def log_message(self, text: str) -> None: ...
    def isVisible(self) -> bool: ...  # noqa: N802 - Qt

    @property
    def last_snapshot(self): ...  # the snapshot the window shows (None before the first frame)


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
    #: built (a LazyPanel is not until its dock is first on screen): no run, no `show` until then
    ready: bool

    def set_run(self, run) -> None:
        """A new run is installed (read its data and sizes; never its live weights)."""

    def take(self, snapshot) -> None:
        """Every new snapshot, before any frame (cheap: bookkeeping only; also while not `ready`)."""

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
    ready = True

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


class LazyBody(QWidget):
    """A lazy panel's place in its dock, holding the content once it is built (`build()`).

    A hidden dock being shown asks its content's size hint before it is visible: that is
    when the content is built, so the window gives the dock the room it would have had."""

    def __init__(self, build):
        super().__init__()
        self._build = build
        self.content: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, content: QWidget) -> None:
        self.content = content
        self.layout().addWidget(content)
        if self.isVisible():
            content.show()  # now, not after the next round of events

    def sizeHint(self):  # noqa: N802 - Qt override
        dock = self.parentWidget()
        # a dock of a shown window, no longer hidden and not visible yet: it is being shown
        if self.content is None and dock is not None and self.window().isVisible() \
                and not dock.isHidden() and not dock.isVisible():
            self._build()
        return super().sizeHint()


class LazyPanel(BasePanel):
    """A panel built the first time its dock is on screen, or one of its `part`s is asked for.

    A subclass makes its views in `build()` (returning the dock's content) instead of
    `__init__`. Until then it is not `ready`: the window hands it no run and the frames only
    `take` snapshots (bookkeeping), never `show`; once built it gets the current run and the
    latest snapshot of that run, as if it had been there from the start."""

    ready = False
    _dock = None

    def __init__(self, host):
        self.host = host
        self.widget = LazyBody(self.body)

    @property
    def dock(self):
        return self._dock

    @dock.setter
    def dock(self, dock) -> None:
        """The window docks the panel: it is built when the dock is first on screen (shown, or
        its tab chosen; a dock behind another's tab is shown but not visible to the user)."""
        self._dock = dock
        dock.visibilityChanged.connect(lambda on: on and self.body())

    def build(self) -> QWidget:
        raise NotImplementedError

    def body(self) -> QWidget:
        """The content, built now if it was not yet."""
        if not self.ready:
            self.ready = True  # first: `build` may use the panel's parts
            self.widget.hold(self.build())
            controller = self.host.controller
            if getattr(controller, "view_run", None) is not None:
                self.set_run(controller.view_run)
            snapshot = getattr(self.host, "last_snapshot", None)  # (None while the window is built)
            if snapshot is not None and snapshot.run_id == controller.run_id:
                self.show(snapshot, paint=False)
        return self.widget.content


def part(name: str) -> property:
    """A lazy panel's `name` (its `build` sets `_name`), building the panel first if it was not yet."""
    return property(lambda panel: (panel.body(), getattr(panel, f"_{name}"))[1], doc=f"the panel's {name} (built on demand)")


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
