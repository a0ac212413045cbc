"""Function mode's Play: the pace of the descent (updates per second) and who takes the run keys.

Play's timer fires every `interval(rate)` ms and each frame takes `Pace.updates(…)` updates:
at `rate` updates/s the frames fire every 1000/rate ms (one update each) down to PLAY_MS, then
take several updates per frame, a fractional remainder carried to the next frame, so the
path grows at `rate` on average. Rate 0 is "auto": Steps in about PLAY_FRAMES frames (≈ 3 s),
whatever Steps is — the pace function mode always had.

The keys (workbench.run_keys): the function dock sits in the left tabs with Run controls;
while its tab is in front, Space / → / Shift+→ play, step and phase its descent instead of
training the network. Docked elsewhere or floating, it takes them while the focus is in it.
"""

from __future__ import annotations

PLAY_MS = 30  # the shortest frame interval
PLAY_FRAMES = 90  # auto: Play grows a path to Steps in about this many frames
MAX_RATE = 5000  # updates/s the speed box offers
KEYS_TIP = ("Space plays / pauses, → adds one update, Shift+→ one phase — while this tab is in front "
            "(or the focus is in this dock); with Run controls in front they train the network")
STATUS = "Function mode in front: Space plays / pauses, → one update, Shift+→ one phase"


def interval(rate: float) -> int:
    """The Play timer's interval (ms) at `rate` updates/s (0: auto)."""
    return PLAY_MS if rate <= 0 else max(PLAY_MS, round(1000 / rate))


class Pace:
    """The updates each Play frame takes; the fraction of an update not yet taken is carried."""

    def __init__(self):
        self.credit = 0.0

    def reset(self) -> None:
        self.credit = 0.0

    def updates(self, rate: float, target: int) -> int:
        """At `rate` updates/s (0: auto, `target` in about PLAY_FRAMES frames) for one frame."""
        if rate <= 0:
            return max(1, target // PLAY_FRAMES)
        self.credit += rate * interval(rate) / 1000
        taken = int(self.credit)
        self.credit -= taken
        return taken


def in_front(window, dock) -> bool:
    """`dock` is on screen, tabbed with Run controls and its tab is the one in front."""
    controls = window.panels.get("RunControlsDock")
    if dock is None or controls is None or not dock.isVisible() or dock.visibleRegion().isEmpty():
        return False
    return controls.dock in window.tabifiedDockWidgets(dock)
