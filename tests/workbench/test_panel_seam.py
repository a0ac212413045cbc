"""The panel seam: a new panel is one probe + one panel class + one registry entry, nothing else."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.workbench.gui_support import make_window, wait_snapshot
from workbench import main_window
from workbench.frames import frame_cycle
from workbench.panels import PANELS
from workbench.panels.base import BasePanel
from workbench.settings import DEFAULTS, VERSION, Preferences


class NormProbe:
    """‖θ‖² of the live network, computed in two chunks (the first copies θ)."""

    name = "theta-norm"
    interval = 0.0

    def compute(self, trainer, paused):
        theta = trainer.network.parameters.copy()
        yield
        return trainer.iteration, float(np.sum(theta ** 2))


class NormPanel(BasePanel):
    name, title, area = "NormDock", "‖θ‖²", Qt.RightDockWidgetArea
    probe = NormProbe()

    def __init__(self, host):
        self.widget = QLabel()
        self.shown = []

    def has_news(self, snapshot) -> bool:
        return "theta-norm" in snapshot.probes

    def show(self, snapshot, paint: bool) -> bool:
        payload = snapshot.probes.get("theta-norm")
        if payload is not None:
            self.shown.append(payload)
            self.widget.setText(f"{payload[1]:.4g}")
        return False


def test_a_new_panel_needs_only_its_registry_entry(qtbot, settings, monkeypatch):
    monkeypatch.setattr(main_window, "PANELS", [*PANELS, NormPanel])
    w = make_window(qtbot, settings)
    panel = w.panels["NormDock"]
    assert "NormDock" in w.docks and w.docks["NormDock"].toggleViewAction() in w.menuBar().actions()[3].menu().actions()
    for _ in range(3):
        w.step_iteration()
    snap = wait_snapshot(qtbot, w, lambda s: s.iteration == 3 and s.probes.get("theta-norm", (0,))[0] == 3)
    qtbot.waitUntil(lambda: panel.shown and panel.shown[-1][0] == 3)
    assert panel.shown[-1][1] == float(np.sum(snap.parameters ** 2))


def test_frame_cycle_gives_each_panel_its_share():
    panels = [cls for cls in PANELS]
    cycle = frame_cycle(panels)
    for cls in panels:
        assert cycle.count(cls) == cls.frame_share
    assert all(a is not b for a, b in zip(cycle, cycle[1:])), "the same panel twice in a row"


def test_preferences_have_typed_defaults_and_a_version(settings):
    prefs = Preferences(settings)
    assert prefs.get("presentation/enabled") is DEFAULTS["presentation/enabled"]
    assert prefs.recent_files() == []
    prefs.add_recent("/tmp/a.json")
    prefs.set("presentation/font_scale", 2.0)
    again = Preferences(settings)
    assert again.recent_files()[0].endswith("a.json") and again.get("presentation/font_scale") == 2.0
    settings.setValue("settings/version", VERSION + 1)  # written by another version: defaults again
    assert Preferences(settings).recent_files() == []


class _Worker:
    """What FrameScheduler asks of the worker, recorded."""

    def __init__(self):
        self.due = None

    def frame_ends(self):
        pass

    def next_frame_at(self, when):
        self.due = when


def test_the_next_frame_keeps_the_guis_share_of_time():
    """After a frame that held the worker off for d seconds the next comes d·(1/share − 1) later."""
    from types import SimpleNamespace

    from workbench.frames import GUI_SHARE, FrameScheduler

    scheduler = FrameScheduler([], accept=lambda s: True, on_snapshot=None, after_frame=None)
    scheduler.last = SimpleNamespace(state="running")
    worker, start = _Worker(), time.perf_counter()
    scheduler._frame_ends(worker, start)
    done = start + scheduler.costs[-1]
    assert np.isclose((worker.due - done) / scheduler.costs[-1], 1 / GUI_SHARE - 1)
