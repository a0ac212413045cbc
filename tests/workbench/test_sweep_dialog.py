"""The Sweep dialog: a grid of runs in the background, progress, cancel, a point per run, click to open."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.io.experiment import Experiment
from workbench.sweep.dialog import SweepDialog

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "resources" / "experiments" / "default.json"


@pytest.fixture
def dialog(qtbot, tmp_path):
    d = SweepDialog(Experiment.load(DEFAULT), "default")
    qtbot.addWidget(d)
    d.folder.setText(str(tmp_path / "sweep"))
    d.workers.setValue(1)
    d.steps.setValue(30)
    d.show()
    yield d
    d.runner.cancel()
    d.runner.wait(30)


def test_sweep_dialog_runs_the_grid_and_plots_a_point_per_run(qtbot, dialog, tmp_path):
    dialog.values1.setText("0.01,0.1,1")
    dialog.seeds.setValue(2)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000):
        dialog.run_button.click()
    assert dialog.progress.value() == 6 and "6 runs" in dialog.status.text()
    assert dialog.plot.points_shown == 6 and len(dialog.plot.scatter.points()) == 6
    assert dialog.plot.curves_shown == 6
    assert len(dialog.plot.curves_widget.getPlotItem().legend.items) == 3  # one entry per learning rate (≤ 5)
    assert (tmp_path / "sweep" / "sweep.csv").read_text().count("\n") == 7
    with qtbot.waitSignal(dialog.open_run, timeout=2000) as opened:
        dialog.plot.run_clicked.emit(dialog.runner.points[3].name)
    assert opened.args[0] == tmp_path / "sweep" / "runs" / dialog.runner.points[3].name / "experiment.json"
    assert opened.args[0].exists()
    dialog.metric_choice.setCurrentText("final test accuracy")
    assert dialog.plot.metric == "test_accuracy"


def test_sweep_dialog_two_keys_make_a_heatmap(qtbot, dialog):
    dialog.values1.setText("0.1,1")
    dialog.key2.setCurrentText("training.divergence")
    dialog.seeds.setValue(1)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000):
        dialog.run_button.click()
    assert dialog.plot.points_shown == 4 and len(dialog.plot._cells) == 4


def test_sweep_dialog_cancel_keeps_finished_runs(qtbot, dialog):
    dialog.values1.setText("1e-3..1:24:log")
    dialog.seeds.setValue(1)
    # runs long and many enough (~0.2 s each, 2 workers) that the cancel, clicked when the GUI
    # thread sees the first one finished, lands well before the last (a loaded CI machine can
    # take a second to deliver that signal)
    dialog.steps.setValue(3000)
    dialog.runner.progress.connect(lambda done, total, row: dialog.cancel_button.click() if done == 1 else None)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000) as finished:
        dialog.run_button.click()
    assert 1 <= len(finished.args[0]) < 24 and "cancelled" in dialog.status.text()
    assert dialog.run_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_sweep_dialog_two_workers_run_in_a_process_pool(qtbot, dialog, tmp_path):
    dialog.workers.setValue(2)
    dialog.values1.setText("0.1,1")
    dialog.seeds.setValue(2)
    with qtbot.waitSignal(dialog.runner.finished, timeout=120_000) as finished:
        dialog.run_button.click()
    assert len(finished.args[0]) == 4 and dialog.plot.points_shown == 4
    assert (tmp_path / "sweep" / "sweep.csv").read_text().count("\n") == 5


def test_sweep_dialog_bad_value_is_refused_in_view_and_nothing_runs(qtbot, dialog):
    dialog.key1.setCurrentText("training.batch_size")
    dialog.values1.setText("10,-3")
    dialog.run_button.click()
    assert dialog.error.isVisible() and "training.batch_size" in dialog.error.text()
    assert not dialog.runner.busy() and dialog.run_button.isEnabled()


def test_sweep_from_the_run_menu_opens_a_clicked_run_in_the_window(qtbot, window, tmp_path):
    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.text() == "S&weep…")
    window.confirm_discard = lambda: True
    action.trigger()
    dialog = next(d for d in window.findChildren(SweepDialog))
    dialog.folder.setText(str(tmp_path / "s"))
    dialog.workers.setValue(1)
    dialog.steps.setValue(10)
    dialog.values1.setText("0.05,0.5")
    dialog.seeds.setValue(1)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000):
        dialog.run_button.click()
    dialog.plot.run_clicked.emit(dialog.runner.points[1].name)
    qtbot.waitUntil(lambda: window.session.experiment.training.optimizer.learning_rate == 0.5, timeout=10_000)
