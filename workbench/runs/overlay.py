"""The kept runs over the window's loss, accuracy and gradient-norm plots (run colour, dashed, legend).

The current run's curves are the plots' own; each shown kept run adds one dashed curve in its
Runs-dock colour: its mini-batch loss (block means), its training accuracy, its total gradient
norm ‖∂Div/∂θ‖. Drawn over iterations only (hidden while a plot shows epochs).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from .probe import CURRENT

#: points per overlaid curve: the trend (the noisy mini-batch band is the current run's plot)
POINTS = 250


def reduce(x, y, log: bool = False, points: int = POINTS):
    """Block means of ≤ `points` blocks (geometric means if `log`)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    block = max(1, len(y) // points)
    n = len(y) // block * block
    if block == 1 or not n:
        return x, y
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            return x[:n].reshape(-1, block)[:, -1], 10.0 ** np.log10(np.maximum(y[:n], 1e-12)).reshape(-1, block).mean(1)
    return x[:n].reshape(-1, block)[:, -1], y[:n].reshape(-1, block).mean(1)


#: dock name → (what of a SiblingView: x, y)
CURVES = {
    "LossDock": lambda v: reduce(v.steps, v.loss),
    "AccuracyDock": lambda v: (v.evaluation_steps, 1.0 - v.error_rate),
    "GradientNormDock": lambda v: reduce(v.steps, v.gradient_norm, log=True, points=POINTS // 4),
}
SUFFIX = {"LossDock": "", "AccuracyDock": " (train)", "GradientNormDock": " ‖∂Div/∂θ‖"}


class Overlay:
    """The dashed curves of the kept runs in one plot item (uid → item)."""

    def __init__(self, plot):
        self.plot = plot
        self.items: dict[int, tuple[object, tuple]] = {}

    def show(self, curves) -> None:
        """curves: (uid, name, colour, x, y) of every shown kept run."""
        wanted = {c[0] for c in curves}
        for uid in [u for u in self.items if u not in wanted]:
            self._drop(uid)
        for uid, name, colour, x, y in curves:
            item, key = self.items.get(uid, (None, None))
            if key != (name, colour):
                if item is not None:
                    self._drop(uid)
                item = self.plot.plot([], [], pen=pg.mkPen(colour, width=1.5, style=Qt.DashLine), name=name)
                self.items[uid] = (item, (name, colour))
            y = np.asarray(y, dtype=float)
            item.setData(x, y, connect="finite")

    def _drop(self, uid: int) -> None:
        item, _ = self.items.pop(uid)
        if self.plot.legend is not None:
            self.plot.legend.removeItem(item)
        self.plot.removeItem(item)


class Overlays:
    """One Overlay per curve dock of the window."""

    def __init__(self, host):
        self.host = host
        self.overlays: dict[str, Overlay] = {}

    def show_runs(self, widget) -> None:
        """The shown kept runs of the Runs widget over each curve plot."""
        for dock, curve in CURVES.items():
            panel = self.host.panels.get(dock)
            view = getattr(panel, "view", None)
            if view is None:
                continue
            overlay = self.overlays.get(dock) or self.overlays.setdefault(dock, Overlay(view.plot))
            runs = [] if getattr(view, "epochs", False) else [
                (v.uid, widget.name(v) + SUFFIX[dock], widget.colour(i), *curve(v))
                for i, v in widget.shown() if v.uid != CURRENT]
            overlay.show(runs)
