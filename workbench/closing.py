"""Closing the window while the worker is inside a long iteration: wait for it, say so, never abort.

Qt aborts the process ("QThread: Destroyed while thread is still running") when a running
QThread object is destroyed, and the worker is only told to stop between two commands: an
iteration of a big network with full batches can take seconds. So the window waits for the
worker to finish the iteration under way; after `NOTICE_AFTER_MS` it shows "finishing the
current step…" (the window keeps drawing, user input is held back). If the step is still not
done after `HARD_LIMIT` seconds, the process ends at once with exit status 0 and a line on
stderr (`abandon`): the settings are synced first, and the experiment was saved or discarded
when the close was confirmed.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

#: the worker gets this long to stop before the window says it is waiting for the step
NOTICE_AFTER_MS = 300
#: seconds the window waits for an iteration to finish before ending the process without it
HARD_LIMIT = 60.0
FINISHING = "Finishing the current step… the window closes as soon as it is done."


def stop_worker(window, limit: float | None = None) -> bool:
    """Stop and join the window's worker thread (never terminate it); True when it has ended.

    Waits as long as the iteration under way needs, with the notice, up to `limit` seconds
    (HARD_LIMIT by default); then `abandon`."""
    worker = window.worker
    if worker is None or not worker.isRunning():
        return True
    if getattr(worker, "stopping", False):  # a second close while the first one waits
        return False
    worker.stopping = True
    if worker.stop(NOTICE_AFTER_MS):
        return True
    window.banner.show_message(FINISHING, "info")
    window.status_message(FINISHING, 0)
    window.log_message(FINISHING)
    deadline = time.monotonic() + (HARD_LIMIT if limit is None else limit)
    app = QApplication.instance()
    while not worker.wait(50):
        app.processEvents(QEventLoop.ExcludeUserInputEvents)  # the notice is drawn; no new clicks meanwhile
        if time.monotonic() > deadline:
            return abandon(window)
    return True


def abandon(window) -> bool:
    """The step did not finish within the hard limit: end the process now, cleanly (no abort)."""
    window.preferences.sync()
    sys.stderr.write(f"backprop-workbench: the current step did not finish within {HARD_LIMIT:g} s; "
                     "quitting without waiting for it\n")
    sys.stderr.flush()
    os._exit(0)
