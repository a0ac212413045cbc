"""Background jobs for the panel: one blocking call per job in a worker thread, the result polled by a QTimer.

The worker thread runs plain Python (loaders, prepare); it never touches Qt objects. The GUI thread
polls the future every `POLL_MS` and emits `finished(object)` / `failed(object)` there, so slots run in
the GUI thread and the window stays responsive while a 60,000 × 784 IDX file is read.
A newer job makes the results of older ones stale: they are dropped, never emitted.
"""

from __future__ import annotations

import gzip
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from engine.data.csv_format import decode_text, parse_table
from engine.data.reading import open_regular

POLL_MS = 25
PEEK_BYTES = 256 * 1024
PEEK_ROWS = 100


class Job(QObject):
    """Runs `fn()` off the GUI thread; `finished(result)` or `failed(exception)` arrive in the GUI thread."""

    started = Signal()
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="datapanel-load")
        self._future: Future | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def submit(self, fn: Callable[[], object]) -> None:
        """Start `fn` in the background; a still-running older job's result will be ignored."""
        if self._future is not None:
            self._future.cancel()
        self._future = self._pool.submit(fn)
        self._timer.start()
        self.started.emit()

    def busy(self) -> bool:
        return self._future is not None

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current job is done (for shutdown; tests use waitSignal instead)."""
        if self._future is not None:
            try:
                self._future.exception(timeout)
            except Exception:  # cancelled or timed out: nothing to report at shutdown
                pass

    def shutdown(self) -> None:
        self._timer.stop()
        self._future = None
        self._pool.shutdown(wait=False, cancel_futures=True)

    @Slot()
    def _poll(self) -> None:
        future = self._future
        if future is None or not future.done():
            return
        self._future = None
        self._timer.stop()
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            self.failed.emit(exc)
        else:
            self.finished.emit(future.result())


def _head_bytes(path: Path, limit: int = PEEK_BYTES) -> bytes:
    with open_regular(path) as handle:  # a FIFO or device is refused at once, never waited on
        magic = handle.read(2)
        handle.seek(0)
        if magic == b"\x1f\x8b":
            with gzip.open(handle) as unpacked:
                return unpacked.read(limit)
        return handle.read(limit)


def peek_table(path, max_rows: int = PEEK_ROWS, delimiter=None, header=None, skip_rows: int = 0,
               tokens: frozenset[str] = frozenset()):
    """The first rows of a text file as engine.load_csv parses them: (column names, rows of strings, has_header, line numbers).

    Reads only the first PEEK_BYTES. Raises DataError/ConfigurationError/OSError on files that
    cannot be read with these options (the caller shows the message at the top of the page).
    """
    path = Path(path)
    data = _head_bytes(path)
    truncated = len(data) >= PEEK_BYTES
    if truncated and b"\n" in data:
        data = data[: data.rindex(b"\n")]
    text = decode_text(data, path)
    rows, lines, names, header, _ = parse_table(text, path, delimiter, header, skip_rows, tokens)
    return names, rows[:max_rows], header, lines[:max_rows]
