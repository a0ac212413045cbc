"""Regenerate the README screenshot: the main window mid-training on the default experiment,
with the network designer, and the inspector explaining one weight.

    python packaging/screenshot.py [--out resources/screenshots/main-window.png] [--iterations 4000]

Runs offscreen (no display needed) with throw-away settings: the default experiment is
trained for a fixed number of iterations through the worker (so the picture is the same
every time up to the last few frames), training is resumed, and the window is grabbed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def wait(app, predicate, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots" / "main-window.png"))
    parser.add_argument("--iterations", type=int, default=4000)
    parser.add_argument("--size", default="1600x1000")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from workbench.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(settings=QSettings(os.path.join(tmp, "screenshot.ini"), QSettings.IniFormat))
        window.confirm_discard = lambda: True
        width, height = (int(v) for v in args.size.split("x"))
        window.resize(width, height)
        window.show()
        for _ in range(args.iterations):
            window.worker.send("step")
        wait(app, lambda: window._last_snapshot is not None and window._last_snapshot.iteration == args.iterations)
        window.refresh()
        window.toggle_run()  # mid-training: the status bar says running
        wait(app, lambda: window._last_snapshot.state == "running")
        window.worker.send("pause")
        wait(app, lambda: window._last_snapshot.state == "paused")
        # the panels: the inspector in front, explaining a weight picked in the designer
        window.docks["InspectorDock"].raise_()
        window.designer.view.select_weight(2, 0, 0)
        wait(app, lambda: window.inspector.state is not None and window.inspector.state.paused)
        for _ in range(5):
            app.processEvents()
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out), "PNG"):
            print(f"could not write {out}", file=sys.stderr)
            return 1
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
