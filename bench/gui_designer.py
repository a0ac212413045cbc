"""Network designer timings (issue 5), offscreen.

    QT_QPA_PLATFORM=offscreen python bench/gui_designer.py [--frames 300]

(a) live weights of 2-8-8-8-1: `update_weights(parameters, gradient)` per frame, and the same
    plus a synchronous repaint of the view (target < 5 ms per frame);
(b) full redraw of 784-256-128-10: `rebuild()` (layout, items, weights) and with a repaint
    (target < 50 ms). Prints median and 95th percentile.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from engine import Network  # noqa: E402
from workbench.designer import DesignerPanel  # noqa: E402


def stats(times) -> str:
    t = np.array(times) * 1e3
    return f"median {np.median(t):6.2f} ms   p95 {np.percentile(t, 95):6.2f} ms   max {t.max():6.2f} ms"


def panel_for(sizes, activations, problem, dtype="float64"):
    net = Network.create(sizes, activations, seed=0, dtype=dtype)
    p = DesignerPanel(net, None, None, problem)
    p.resize(1100, 650)
    p.show()
    QApplication.processEvents()
    return p, net


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])

    p, net = panel_for([2, 8, 8, 8, 1], ["tanh"] * 3 + ["sigmoid"], "binary")
    rng = np.random.default_rng(0)
    frames = [rng.normal(0, 1, net.layout.size) for _ in range(8)]
    grad = rng.normal(0, 0.01, net.layout.size)
    view = p.view
    update, paint = [], []
    for n in range(args.frames):
        params = frames[n % len(frames)]
        t0 = time.perf_counter()
        view.update_weights(params, grad)
        t1 = time.perf_counter()
        view.viewport().repaint()
        t2 = time.perf_counter()
        update.append(t1 - t0)
        paint.append(t2 - t0)
    print(f"(a) 2-8-8-8-1 update_weights            {stats(update)}   (target < 5 ms)")
    print(f"    2-8-8-8-1 update_weights + repaint  {stats(paint)}")
    p.close()

    p, net = panel_for([784, 256, 128, 10], ["relu", "relu", "softmax"], "multiclass", "float32")
    view = p.view
    rebuild, painted = [], []
    for _ in range(30):
        t0 = time.perf_counter()
        view.rebuild()
        t1 = time.perf_counter()
        view.viewport().repaint()
        t2 = time.perf_counter()
        rebuild.append(t1 - t0)
        painted.append(t2 - t0)
    upd = []
    for _ in range(100):
        t0 = time.perf_counter()
        view.update_weights(net.parameters, None)
        upd.append(time.perf_counter() - t0)
    print(f"(b) 784-256-128-10 full redraw (rebuild)  {stats(rebuild)}   (target < 50 ms)")
    print(f"    784-256-128-10 rebuild + repaint      {stats(painted)}")
    print(f"    784-256-128-10 update_weights         {stats(upd)}")
    print(f"    scene items: {len(view.scene().items())}, drawn edges: {view.edges.size}")
    p.close()
    app.processEvents()


if __name__ == "__main__":
    main()
