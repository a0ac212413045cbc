"""Regression test for the PySide6 6.12.0 refcount trap.

PySide6 6.12.0 drops a reference to None in QGraphicsWidget size setters such as
setMaximumWidth; pyqtgraph's axes call them all the time, and after a few thousand calls
CPython 3.11 aborts with "Fatal Python error: deallocating None". The churn runs in a
subprocess so a release that brings the bug back fails this test instead of killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CHURN = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    app = QApplication([])
    w = pg.PlotWidget()
    w.resize(400, 300)
    w.show()
    plot = w.getPlotItem()
    left = plot.getAxis("left")
    for i in range(2000):
        left.setMaximumWidth(40 + i % 50)
        left.setMinimumWidth(10 + i % 7)
        plot.getAxis("bottom").setMaximumHeight(30 + i % 20)
        plot.setLabel("left", f"loss {i}")
        plot.setRange(xRange=(0, 1 + i), yRange=(-i, i + 1))
        plot.setLogMode(y=bool(i % 2))
        if i % 100 == 0:
            app.processEvents()
    w.close()
    print("ok", sys.getrefcount(None) > 0)
""")


def test_axis_churn_does_not_abort():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", CHURN], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert result.stdout.startswith("ok")
