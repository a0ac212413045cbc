"""Run ▸ Sweep…: the current experiment over a grid of one or two settings and several seeds.

The same choices as `backprop-workbench sweep` (the grid is built by engine.sweep.grid, so a
bad value is refused with the key named before anything runs). The sweep runs in the
background with progress and Cancel; the result is the metric against the varied key with a
point per run, and clicking a point emits `open_run` with that run's experiment file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.core.errors import WorkbenchError
from engine.io.experiment import Experiment
from engine.io.history_csv import read_curve
from engine.sweep.grid import grid, parse_vary
from workbench.sweep.plot import SweepPlot
from workbench.sweep.runner import SweepRunner

KEYS = ("training.optimizer.learning_rate", "training.batch_size", "training.divergence", "training.optimizer.name",
        "training.label_smoothing", "training.l2", "seed")
DEFAULT_VALUES = {"training.optimizer.learning_rate": "1e-4..10:13:log", "training.batch_size": "1..256:9:log",
                  "training.divergence": "l2,bce", "training.optimizer.name": "sgd,adam",
                  "training.label_smoothing": "0,0.1,0.2", "training.l2": "0,1e-4,1e-3,1e-2", "seed": "0,1,2"}
METRICS = {"final training loss": "train_loss", "final test loss": "test_loss",
           "final training accuracy": "train_accuracy", "final test accuracy": "test_accuracy"}
NONE = "(none)"


def default_folder(name: str) -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or str(Path.home())
    return Path(base) / "sweeps" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"


class SweepDialog(QDialog):
    open_run = Signal(object)  # Path of the clicked run's experiment.json

    def __init__(self, experiment: Experiment, name: str = "experiment", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Sweep — step size against convergence")
        self.experiment = experiment
        self.runner = SweepRunner(self)
        self.runner.progress.connect(self._progressed)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self._rows: dict = {}
        self._build(name)

    # -- widgets -------------------------------------------------------------------------
    def _key_row(self, first: bool) -> tuple[QComboBox, QLineEdit, QWidget]:
        key = QComboBox()
        key.setEditable(True)
        key.addItems(([] if first else [NONE]) + list(KEYS))
        key.setToolTip("a dotted experiment key, as in the experiment file; any key can be typed")
        values = QLineEdit(DEFAULT_VALUES[KEYS[0]] if first else "")
        values.setPlaceholderText("V1,V2,…  or  LO..HI:N  or  LO..HI:N:log")
        values.setToolTip("values: a list (0.01,0.1,1 or l2,bce) or a range LO..HI:N, log-spaced with :log")
        key.currentTextChanged.connect(lambda k: values.setText(DEFAULT_VALUES.get(k, "")))
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(key, 2)
        box.addWidget(values, 3)
        return key, values, row

    def _build(self, name: str) -> None:
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; font-weight: bold")
        self.error.hide()
        self.key1, self.values1, row1 = self._key_row(True)
        self.key2, self.values2, row2 = self._key_row(False)
        self.seeds = QSpinBox(minimum=1, maximum=50, value=3, toolTip="each point runs with seeds s, s+1, …")
        self.steps = QSpinBox(minimum=1, maximum=10_000_000, value=2000, singleStep=500,
                              toolTip="parameter updates per run")
        cores = os.cpu_count() or 1
        self.workers = QSpinBox(minimum=1, maximum=max(1, 4 * cores), value=cores,
                                toolTip="worker processes running runs side by side")
        self.folder = QLineEdit(str(default_folder(name)))
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_folder)
        folder_row = QWidget()
        fbox = QHBoxLayout(folder_row)
        fbox.setContentsMargins(0, 0, 0, 0)
        fbox.addWidget(self.folder, 1)
        fbox.addWidget(choose)
        form = QFormLayout()
        form.addRow("Vary", row1)
        form.addRow("and", row2)
        form.addRow("Seeds", self.seeds)
        form.addRow("Steps per run", self.steps)
        form.addRow("Workers", self.workers)
        form.addRow("Folder", folder_row)
        self.run_button = QPushButton("Run sweep")
        self.run_button.setDefault(True)
        self.run_button.setToolTip("start (Ctrl+Return); running it again into the same folder skips finished runs")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("start no further runs; the running ones finish and are kept")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.runner.cancel)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.status = QLabel("Choose what to vary, then Run.")
        self.metric_choice = QComboBox()
        self.metric_choice.addItems(list(METRICS))
        self.metric_choice.currentTextChanged.connect(lambda _t: self._replot())
        self.plot = SweepPlot()
        self.plot.run_clicked.connect(self._run_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.metric_choice)
        layout.addWidget(self.plot, 1)
        self.resize(660, 900)

    # -- running -------------------------------------------------------------------------
    def _axes(self):
        axes = [parse_vary(f"{self.key1.currentText().strip()}={self.values1.text()}")]
        if self.key2.currentText() not in (NONE, ""):
            axes.append(parse_vary(f"{self.key2.currentText().strip()}={self.values2.text()}"))
        return axes

    @Slot()
    def start(self) -> None:
        if self.runner.busy():
            return
        try:
            axes = self._axes()
            points = grid(self.experiment, axes, 1 if any(a.key == "seed" for a in axes) else self.seeds.value())
            self.runner.start(points, axes, self.steps.value(), Path(self.folder.text()).expanduser(),
                              self.workers.value())
        except (WorkbenchError, OSError) as exc:
            self._failed(str(exc))
            return
        self.error.hide()
        self._rows = {}
        self.progress.setRange(0, len(points))
        self.progress.setValue(0)
        self.status.setText(f"running {len(points)} runs with {self.workers.value()} workers…")
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

    @Slot(int, int, object)
    def _progressed(self, done: int, total: int, row: dict) -> None:
        self._rows[row["run"]] = row
        self.progress.setValue(done)
        self.status.setText(f"{done} of {total} runs — last: {row['run']}, {row['status']}, "
                            f"training loss {row['train_loss']:.4g}")
        self._replot()

    @Slot(object)
    def _finished(self, rows: dict) -> None:
        self._rows = dict(rows)
        counts = {s: sum(r["status"] == s for r in rows.values()) for s in ("ok", "diverged", "plateau")}
        total = len(self.runner.points)
        stopped = "" if len(rows) == total else f" (cancelled: {total - len(rows)} not run)"
        self.status.setText(f"{len(rows)} runs: " + ", ".join(f"{n} {s}" for s, n in counts.items())
                            + f"{stopped}. Click a point to open that run. Files: {self.runner.out}")
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self._replot()
        axes = [a for a in self.runner.axes if a.key != "seed"] or self.runner.axes
        curves = {name: read_curve(self.runner.out / "runs" / name / "history.csv") for name in rows}
        self.plot.show_curves(self.runner.points, curves, axes[0])

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.error.setText(f"{message}\nFix the setting above and run again; finished runs are kept.")
        self.error.show()
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _replot(self) -> None:
        if self.runner.points:
            self.plot.show_results(self.runner.points, self._rows, self.runner.axes, METRICS[self.metric_choice.currentText()])

    @Slot(str)
    def _run_clicked(self, name: str) -> None:
        self.open_run.emit(self.runner.out / "runs" / name / "experiment.json")

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the sweep's runs", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def done(self, result: int) -> None:  # closing stops further runs; running ones finish in the background
        self.runner.cancel()
        super().done(result)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self.runner.busy():
            self.runner.cancel()
            return
        super().keyPressEvent(event)


def open_sweep(window) -> SweepDialog:
    """Run ▸ Sweep…: the experiment as it is now (a typed worker request), over a grid; a clicked run
    opens in `window`."""
    from ..worker import commands as wc

    dialog = SweepDialog(window.worker.request(wc.ReadExperiment()), window.session.title.rstrip(" *"), window)
    dialog.open_run.connect(lambda path: window.open_path(str(path)))
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog
