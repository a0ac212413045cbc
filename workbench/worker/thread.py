"""`TrainingWorker`: the QThread that runs a `TrainingCore`; commands arrive through a queue.

Closing stops the loop cooperatively; nothing ever calls `terminate()`.
"""

from __future__ import annotations

import queue
import sys
import threading

import numpy as np
from PySide6.QtCore import QThread, Signal

from engine.core import threads

from . import commands as c
from .core import TrainingCore
from .snapshot import Snapshot

_garbage_collector = None


def collect_garbage_in_gui_thread() -> None:
    """Python's cyclic garbage collector runs in whichever thread allocates when it is due; if that
    is this worker and the garbage holds Qt widgets, they are destroyed off the GUI thread, which
    deadlocks or crashes Qt. So automatic collection is switched off and the GUI thread collects
    on a timer (pyqtgraph's GarbageCollector), once per process."""
    global _garbage_collector
    if _garbage_collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _garbage_collector = GarbageCollector(interval=1.0)


class TrainingWorker(QThread):
    """Runs a `TrainingCore` in its own thread; commands arrive through `send` (a queue)."""

    failed = Signal(object)  # a plain-words message, shown in the window

    def __init__(self, run=None, parent=None, probes=()):
        super().__init__(parent)
        self.setObjectName("TrainingWorker")
        # the GUI thread and this one both run BLAS: one thread each, chosen once (never switched
        # while the other may be inside a product — OpenBLAS can crash then)
        threads.freeze(1)
        collect_garbage_in_gui_thread()
        self.commands: queue.Queue = queue.Queue()
        #: cleared by the GUI thread while it draws a frame. The worker then waits between
        #: iterations instead of competing for the GIL: PySide releases the GIL around most
        #: Qt calls, and each re-acquire against a busy worker costs up to the interpreter's
        #: switch interval (5 ms), which turns a 5 ms paint into hundreds of milliseconds.
        self.gui_idle = threading.Event()
        self.gui_idle.set()
        self.core = TrainingCore(run, on_error=self.failed.emit, yield_point=self._wait_for_gui, probes=probes)

    def _wait_for_gui(self) -> None:
        if not self.gui_idle.is_set():
            self.gui_idle.wait(0.1)  # bounded: a stuck GUI never stalls training for long

    def frame_begins(self) -> None:
        """GUI thread: a frame starts; the worker holds off until `frame_ends`."""
        self.gui_idle.clear()

    def frame_ends(self) -> None:
        self.gui_idle.set()

    def next_frame_at(self, when: float) -> None:
        """GUI thread: the next frame comes at `when` (perf_counter); snapshots only shortly before it."""
        self.core.frame_due = when

    def send(self, command) -> None:
        """Queue a command (workbench.worker.commands); the worker takes it at the next phase boundary."""
        self.commands.put(command)

    def latest(self) -> Snapshot | None:
        return self.core.latest()

    def request(self, command: c.Reply, timeout: float = 10.0):
        """Send a command that answers and wait for its answer (between two iterations)."""
        if not self.isRunning():
            self.core.handle(command)
        else:
            self.frame_ends()  # a frame in progress must not hold the worker up
            self.send(command)
        return command.reply.result(timeout)

    def call(self, fn, timeout: float = 10.0):
        """fn(run) in the worker thread and its result: for tests reading the live engine objects."""
        return self.request(c.Call(fn=fn), timeout)

    def stop(self, timeout_ms: int = 1000) -> bool:
        """Ask the loop to finish, then join it (never terminate)."""
        self.send(c.Stop())
        self.quit()
        return self.wait(timeout_ms)

    def run(self) -> None:  # the thread body
        # While both threads want the GIL, the holder is made to drop it after the switch
        # interval. PySide releases the GIL around most Qt calls, so a GUI thread painting
        # against a busy worker waits up to one interval per call: 5 ms by default turns a
        # 5 ms paint into hundreds. 1 ms costs nothing measurable when the GUI is idle.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        with np.errstate(all="ignore"):  # overflow is a divergence, said in words; probes of huge weights never warn
            try:
                self._loop()
            finally:
                self.core.probes.close()  # e.g. the kept runs' process ends with the worker

    def _loop(self) -> None:
        core = self.core
        core.publish(force=True)
        while not core.finished:
            try:
                if core.running:
                    wait = core.work()
                    # drain everything queued, waiting for the next due step under a speed cap
                    self._drain(block_for=min(wait, 0.05) if wait > 0 else 0.0)
                elif core.probes.pending:  # paused with long probe work: slices between commands
                    self._drain(block_for=0.0)
                    core.work_probes()
                else:
                    self._drain(block_for=None)
            except Exception as e:  # noqa: BLE001 - never let the thread die silently
                core.running = False
                self.failed.emit(f"training stopped by an internal error: {type(e).__name__}: {e}")
                core.publish(force=True)

    def _drain(self, block_for: float | None) -> None:
        """Handle queued commands: block (paused) / wait up to block_for / just poll."""
        try:
            if block_for is None:
                command = self.commands.get()
            elif block_for > 0:
                command = self.commands.get(timeout=block_for)
            else:
                command = self.commands.get_nowait()
        except queue.Empty:
            return
        self.core.handle(command)
        while not self.core.finished:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            self.core.handle(command)
