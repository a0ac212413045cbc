"""The frame scheduler: which panel draws when, within the GUI thread's share of the time.

Paused, every new snapshot redraws every panel. While training, a frame (new rows, status,
one panel) comes only as often as keeps the GUI thread's share of wall time near GUI_SHARE
(kept runs train in a process of their own: the worker trains the current run only), and each
frame goes to the next panel of a fixed cycle (each panel `frame_share` times per cycle, spread evenly) that
`has_news`. The worker holds off (frees the GIL) while the frame is
drawn and painted, synchronously, so the two threads do not fight over the GIL call by call.
"""

from __future__ import annotations

import math
import time
from collections import deque

import numpy as np
from PySide6.QtCore import QTimer

#: the share of wall time the GUI thread may spend drawing while training
GUI_SHARE = 0.15


def frame_cycle(panels) -> list:
    """Each panel `frame_share` times, spread evenly over one cycle (ties: in list order)."""
    length = sum(p.frame_share for p in panels)
    slots = [((k + 0.5) * length / p.frame_share, n, p) for n, p in enumerate(panels) for k in range(p.frame_share)]
    return [p for _, _, p in sorted(slots, key=lambda s: (s[0], s[1]))]


class FrameScheduler:
    """Pulls the worker's latest snapshot and hands it to the panels (the window's ~30 Hz timer)."""

    def __init__(self, panels, accept, on_snapshot, after_frame, gui_share: float = GUI_SHARE):
        self.panels = list(panels)
        self.cycle = frame_cycle(self.panels)
        #: snapshot → bool: whether it belongs to the run the window shows
        self._accept = accept
        self._on_snapshot = on_snapshot
        self._after_frame = after_frame
        self.gui_share = gui_share
        self.last = None
        self._index = 0
        self._next_frame = 0.0
        self.costs: deque = deque(maxlen=500)  # seconds per frame

    def tick(self, worker) -> None:
        """One timer tick: a frame if one is due and the worker has a new snapshot."""
        with np.errstate(all="ignore"):  # diverging weights (huge, inf, NaN) are drawn as they are, never warned about
            self._tick(worker)

    def _tick(self, worker) -> None:
        last = self.last
        running = last is not None and last.state == "running" and self._accept(last)
        now = time.perf_counter()
        if running and now < self._next_frame:
            return
        worker.frame_begins()
        settle = False
        try:
            snap = worker.latest()
            if snap is None or not self._accept(snap) or snap is last:
                return
            self.last = snap
            self._on_snapshot(snap)
            for panel in self.panels:  # bookkeeping: also for a lazy panel not built yet
                panel.take(snap)
            if snap.state != "running":
                for panel in self.panels:
                    if panel.ready:  # (a lazy panel not built yet draws nothing)
                        panel.show(snap, paint=False)
                return
            panel = self._next_with_news(snap)
            settle = panel is not None and bool(panel.show(snap, paint=True))
            self._after_frame()
        finally:
            if settle:  # the panel's posted layout and paint events run before the worker goes on
                self._next_frame = math.inf  # no frame while this one settles
                QTimer.singleShot(0, lambda: self._frame_ends(worker, now))  # a zero timer fires after posted events
            else:
                self._frame_ends(worker, now)

    def _frame_ends(self, worker, start: float) -> None:
        """The worker goes on; the next frame when the GUI's share of the time since `start` allows."""
        worker.frame_ends()
        done = time.perf_counter()
        self.costs.append(done - start)  # the whole time the worker held off, posted events included
        self._next_frame = done + (done - start) * (1.0 / self.gui_share - 1.0)
        training = self.last is not None and self.last.state == "running"
        worker.next_frame_at(self._next_frame if training else 0.0)  # its snapshot comes just before

    def _next_with_news(self, snap):
        """The next ready panel in the cycle with news (the last one of a full round without any)."""
        last = None
        for _ in range(len(self.cycle)):
            panel = self.cycle[self._index % len(self.cycle)]
            self._index += 1
            if panel.ready:
                if panel.has_news(snap):
                    return panel
                last = panel
        return last
