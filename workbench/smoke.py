"""`backprop-workbench --smoke-test OUT.png`: does this install work? (packaging/smoke.sh)

Builds the window as the app does (offscreen unless a platform is set), with throw-away
settings and the default experiment, trains `steps` iterations through the worker, exports
the decision plot to OUT.png, forks the run and steps both 10 more, and quits: 0 if every step
worked, else one line on stderr and 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def _wait(app, predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def run_smoke(out: str, steps: int = 100, timeout: float = 60.0) -> int:
    """Window, `steps` iterations, decision plot → `out`; the exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from .app import create_application

    app = create_application()
    from . import exporting
    from .main_window import MainWindow
    from .worker import commands as wc

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(settings=QSettings(os.path.join(tmp, "smoke.ini"), QSettings.IniFormat))
        window.confirm_discard = lambda: True
        window.show()
        try:
            if app.windowIcon().isNull():
                raise RuntimeError("the application icon was not found")
            for _ in range(steps):
                window.send(wc.Step())
            # commands run in order: this request is answered after the last step (a check, as tests do)
            reached = window.worker.call(lambda run: run.trainer.iteration, timeout=timeout)
            if reached != steps:
                raise RuntimeError(f"trained {reached} iterations, expected {steps}")
            snap = window.worker.latest
            if not _wait(app, lambda: snap() is not None and snap().iteration == steps, timeout):
                raise RuntimeError("the worker did not report the last iteration")
            window.refresh()  # the decision view as of iteration `steps`
            app.processEvents()
            exporting.export_plot(window.plot_views()["decision"], out)
            if not Path(out).is_file() or Path(out).stat().st_size == 0:
                raise RuntimeError(f"{out} was not written")
            _kept_run_trains(app, window, steps, timeout)
        except Exception as e:  # noqa: BLE001 - one line, no traceback
            print(f"backprop-workbench: smoke test failed: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        finally:
            window.close()
    print(f"smoke test passed: {steps} iterations, decision plot in {out}, a forked run trained beside it")
    return 0


def _kept_run_trains(app, window, steps: int, timeout: float) -> None:
    """Fork the run, 10 steps more: the kept run trains beside it in its own process (multiprocessing
    works in this install — a frozen bundle starts that process differently)."""
    from .worker import commands as wc

    runs = window.panels["RunsDock"]
    if not runs.fork():
        raise RuntimeError(f"Fork failed: {window.banner.label.text()}")
    for _ in range(10):
        window.send(wc.Step())

    def level() -> bool:
        views = runs.probe.process.views  # replaced whole by the worker thread: read once
        return bool(views) and views[0].iteration == steps + 10

    if not _wait(app, level, timeout):
        raise RuntimeError("the forked run did not train beside the current one")


def first_paint_probe() -> int:
    """`--startup-probe`: start exactly as the app does (`run_gui`, default experiment) and, at
    the first paint event of any widget, print the wall-clock times (time.time()) of entering
    here (Python started, before Qt) and of the paint, and exit 0. bench/startup.py subtracts
    the time it spawned the process. The watch (an application-wide event filter) starts as the
    event loop does, where painting can begin: a Python filter on every event while the window
    is built (~10,000 of them) would add its own cost to what is measured."""
    entered = time.time()
    from PySide6.QtCore import QEvent, QObject

    from .app import create_application, run_gui

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Paint:
                print(f"first-paint {time.time():.6f} {entered:.6f}", flush=True)
                os._exit(0)  # a probe: no teardown to wait for
            return False

    app = create_application()
    probe = FirstPaint(app)
    return run_gui(before_loop=lambda: app.installEventFilter(probe))
