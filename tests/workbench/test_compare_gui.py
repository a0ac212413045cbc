"""The Runs dock: Compare… builds siblings from the same start, trained in lockstep by the worker."""

from __future__ import annotations

import numpy as np

from engine.io.experiment import Experiment
from engine.io.experiment_keys import set_key
from engine.run import build
from tests.workbench.gui_support import wait_snapshot
from workbench.runs.compare_dialog import parse_values


def _steps(qtbot, w, n):
    start = wait_snapshot(qtbot, w, lambda s: True).iteration
    for _ in range(n):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == start + n)


def _runs(window):
    return window.panels["RunsDock"]


def test_compare_l2_vs_cross_entropy_trains_siblings_in_lockstep(qtbot, window):
    panel = _runs(window)
    wait_snapshot(qtbot, window, lambda s: True)
    assert panel.compare("L2 vs cross-entropy")
    assert panel.runs.mode.currentText() == "loss ÷ initial loss"  # different units: both from 1
    assert not panel.runs.plot.getAxis("left").autoSIPrefix  # a ratio: no "(x0.001)" in its label
    _steps(qtbot, window, 30)
    qtbot.waitUntil(lambda: len(panel.runs.views) == 2 and all(v.iteration == 30 for v in panel.runs.views),
                    timeout=10_000)
    views = panel.runs.views
    assert [v.label for v in views] == ["divergence = bce", "divergence = l2"]  # the run is the bce one
    assert [panel.runs.name(v) for v in views] == ["this run", "divergence = l2"]
    for value, view in zip(("bce", "l2"), views):  # each sibling is exactly its headless run
        doc = window.session.experiment.to_dict()
        set_key(doc, "training.divergence", value)
        headless = build(Experiment.from_dict(doc))
        headless.trainer.run(steps=30)
        assert np.array_equal(view.parameters, headless.network.parameters)
    assert panel.runs.table.rowCount() == 2
    assert len(panel.runs.plot.listDataItems()) == 2  # overlaid
    # iterations to target: the table's last column follows the target box
    from engine.training.outcome import iterations_to_target
    panel.runs.target.setValue(55.0)
    assert panel.runs.table.horizontalHeaderItem(7).text() == "t to 55 %"
    for row, value in enumerate(("bce", "l2")):
        doc = window.session.experiment.to_dict()
        set_key(doc, "training.divergence", value)
        headless = build(Experiment.from_dict(doc))
        headless.trainer.run(steps=30)
        expected = iterations_to_target(headless.trainer.history, 0.55, None)
        assert panel.runs.table.item(row, 7).text() == ("—" if expected is None else str(expected))
    panel.runs.mode.setCurrentIndex(1)  # normalised: both start near 1
    first = [item.getData()[1][0] for item in panel.runs.plot.listDataItems()]
    assert all(0.5 < y < 2.0 for y in first)


def test_compare_hide_a_run_and_remove_all(qtbot, window):
    panel = _runs(window)
    wait_snapshot(qtbot, window, lambda s: True)
    assert panel.compare(None, "training.optimizer.learning_rate", (0.01, 0.1))
    _steps(qtbot, window, 5)
    qtbot.waitUntil(lambda: len(panel.runs.views) == 2, timeout=10_000)
    assert panel.probe.process.alive  # the kept runs train in a process of their own
    from PySide6.QtCore import Qt
    panel.runs.table.item(0, 0).setCheckState(Qt.Unchecked)
    assert len(panel.runs.plot.listDataItems()) == 1
    panel.runs.table.item(1, 0).setText("fast")
    assert panel.runs.plot.legend.items[0][1].text == "fast"
    panel.remove()
    qtbot.waitUntil(lambda: panel.runs.table.rowCount() == 0, timeout=10_000)
    assert not panel.probe.process.alive  # no kept runs: the process has ended


def test_compare_refuses_a_bad_key_with_a_message(qtbot, window):
    panel = _runs(window)
    assert not panel.compare(None, "training.no_such_key", (1, 2))
    assert "Cannot compare" in window.banner.label.text()


def test_compare_values_are_parsed_as_numbers_or_names():
    assert parse_values("0.1, 1, adam, true") == (0.1, 1, "adam", True)


def test_compare_again_keeps_the_runs_so_far_and_overlays_them(qtbot, window):
    panel = _runs(window)
    wait_snapshot(qtbot, window, lambda s: True)
    assert panel.compare("L2 vs cross-entropy")
    assert panel.compare(None, "training.optimizer.learning_rate", (0.5, 2.0))
    _steps(qtbot, window, 10)
    qtbot.waitUntil(lambda: len(panel.runs.views) == 4 and all(v.iteration == 10 for v in panel.runs.views),
                    timeout=10_000)
    assert [v.label for v in panel.runs.views][1:] == ["divergence = l2", "learning_rate = 0.5",
                                                         "learning_rate = 2.0"]
    # the window's loss, accuracy and gradient-norm plots overlay the three kept runs
    for dock in ("LossDock", "AccuracyDock", "GradientNormDock"):
        overlay = panel.overlays.overlays[dock]
        assert len(overlay.items) == 3
    loss_plot = window.panels["LossDock"].view.plot
    names = [label.text for _, label in loss_plot.legend.items]
    assert "divergence = l2" in names
    # hiding a run takes it off every plot; the small multiples show one boundary per shown run
    from PySide6.QtCore import Qt
    panel.runs.table.item(1, 0).setCheckState(Qt.Unchecked)
    assert len(panel.overlays.overlays["LossDock"].items) == 2
    assert set(panel.runs.multiples.cells) == {v.uid for v in panel.runs.views} - {panel.runs.views[1].uid}
    # delete one: the others stay
    panel.runs.table.selectRow(2)
    panel.runs.delete_button.click()
    qtbot.waitUntil(lambda: len(panel.runs.views) == 3, timeout=10_000)
    assert "learning_rate = 0.5" not in [v.label for v in panel.runs.views]


def test_compare_added_late_catches_up_while_paused(qtbot, window, monkeypatch):
    from workbench.runs import probe
    monkeypatch.setattr(probe, "CATCH_UP_SECONDS", 0.0)  # one chunk per computation: several are needed
    panel = _runs(window)
    _steps(qtbot, window, 3)
    window.run_training()
    wait_snapshot(qtbot, window, lambda s: s.iteration >= 1600)
    window.pause()
    t = wait_snapshot(qtbot, window, lambda s: s.state == "paused").iteration
    assert panel.compare("L2 vs cross-entropy")
    qtbot.waitUntil(lambda: len(panel.runs.views) == 2 and panel.runs.views[1].iteration == t, timeout=30_000)
    assert window.last_snapshot.iteration == t  # the run itself stayed where it was


def test_compare_kept_runs_train_on_with_the_runs_dock_closed(qtbot, window):
    panel = _runs(window)
    wait_snapshot(qtbot, window, lambda s: True)
    assert panel.compare("L2 vs cross-entropy")
    panel.dock.close()  # the overlays on the loss dock are what the user watches now
    qtbot.waitUntil(lambda: panel.dock.isHidden())
    _steps(qtbot, window, 20)
    qtbot.waitUntil(lambda: len(panel.runs.views) == 2 and panel.runs.views[1].iteration == 20, timeout=10_000)
    x, _ = panel.overlays.overlays["LossDock"].items[panel.runs.views[1].uid][0].getData()
    assert x[-1] == 20
