"""A sweep in the background: `engine.sweep.execute.run_sweep` in a thread, results polled by a QTimer.

The thread only runs plain Python (the engine and a process pool, its workers forked from a
forkserver that imported the engine once, never from this process: forking a process that runs
Qt is unsafe; engine.sweep.pool); the GUI thread drains a queue every POLL_MS and emits the
signals, so every slot runs in the GUI thread. Cancel stops further runs from starting; the
running ones finish and are kept, as with Ctrl-C on the command line.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from engine.core.errors import WorkbenchError
from engine.sweep.execute import InProcessExecutor, run_sweep
from engine.sweep.grid import Axis, GridPoint
from engine.sweep.job import Job
from engine.sweep.pool import local_pool

POLL_MS = 50


class SweepRunner(QObject):
    """progress(done, total, row), finished(rows) and failed(message) arrive in the GUI thread."""

    progress = Signal(int, int, object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._events: queue.Queue = queue.Queue()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._drain)
        self.points: list[GridPoint] = []
        self.axes: list[Axis] = []
        self.out: Path | None = None

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, points: list[GridPoint], axes: list[Axis], steps: int, out: Path, workers: int) -> None:
        if self.busy():
            raise RuntimeError("a sweep is already running")
        self.points, self.axes, self.out = points, axes, Path(out)
        jobs = [Job(p.name, p.experiment.to_dict(), None if p.experiment.base_dir is None else str(p.experiment.base_dir),
                    steps) for p in points]
        self._cancel.clear()
        self._thread = threading.Thread(target=self._work, args=(jobs, [a.key for a in axes], workers),
                                        name="sweep", daemon=True)
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self, jobs: list[Job], keys: list[str], workers: int) -> None:
        try:
            if workers <= 1:
                executor, window = InProcessExecutor(), 1
            else:
                executor = local_pool(workers)  # the GUI runs threads: forkserver (the engine imported once)
                window = 2 * workers
            with executor:
                rows = run_sweep(self.points, jobs, keys, self.out, executor,
                                 lambda done, total, row: self._events.put(("progress", done, total, row)),
                                 window, self._cancel)
            self._events.put(("finished", rows))
        except (WorkbenchError, OSError) as exc:
            self._events.put(("failed", str(exc)))
        except Exception as exc:  # a broken pool, a worker that died: said, never a silent stop
            self._events.put(("failed", f"the sweep stopped: {type(exc).__name__}: {exc}"))

    @Slot()
    def _drain(self) -> None:
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            if event[0] == "progress":
                self.progress.emit(*event[1:])
            else:
                self._timer.stop()
                if event[0] == "finished":
                    self.finished.emit(event[1])
                else:
                    self.failed.emit(event[1])
