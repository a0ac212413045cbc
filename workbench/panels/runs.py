"""The Runs dock (workbench.runs): sibling runs trained in lockstep by the comparison probe."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from engine.core.errors import WorkbenchError
from engine.runs.comparison import Comparison, preset_values

from ..runs.compare_dialog import CompareDialog
from ..runs.dock import RunsWidget
from ..runs.probe import ComparisonProbe
from .base import BasePanel


class RunsPanel(BasePanel):
    name, title, area, tab_with, visible = "RunsDock", "Runs", Qt.RightDockWidgetArea, "LossDock", False

    def __init__(self, host):
        self.host = host
        self.probe = ComparisonProbe()
        self.widget = RunsWidget(self.compare_dialog, self.remove)
        self.run = None
        self._generation = None
        self._seen = None
        self._news = None

    def set_run(self, run) -> None:
        self.run = run
        if self._generation is not None:
            self.remove()

    def compare_dialog(self) -> None:
        dialog = CompareDialog(self.widget)
        if dialog.exec() == QDialog.Accepted:
            self.compare(*dialog.choice())

    def compare(self, preset: str | None = None, key: str | None = None, values=()) -> bool:
        """Build the siblings (same seed s: same W^(k) and mini-batches) and hand them to the worker."""
        experiment = self.host.session.experiment
        try:
            if preset is not None:
                key, values = preset_values(preset, experiment, self.run.data.problem)
            comparison = Comparison.of(experiment, key, values)
        except (WorkbenchError, ValueError, KeyError, TypeError) as e:
            self.host.show_error(f"Cannot compare: {e}")
            return False
        if not comparison.same_start():
            self.host.log_message("the siblings' networks differ in shape: they start from different weights")
        comparison, current = self._without_current(comparison, experiment)
        self.dock.show()  # hidden at first start (View ▸ Runs): a comparison brings it to the front
        self.dock.raise_()
        self.widget.clear()
        self.probe.set_comparison(comparison, current)
        self._generation = self.probe.generation
        self.host.status_message(f"comparing {', '.join(comparison.labels)} in lockstep with this run")
        return True

    @staticmethod
    def _without_current(comparison, experiment):
        """The current run stands for the sibling of its own setting (same seed: same start)."""
        same = [i for i, r in enumerate(comparison.runs) if r.experiment.to_dict() == experiment.to_dict()]
        if not same:
            return comparison, None
        i = same[0]
        keep = [j for j in range(len(comparison.runs)) if j != i]
        rest = Comparison(comparison.key, [comparison.labels[j] for j in keep], [comparison.runs[j] for j in keep],
                          [comparison.initial_loss[j] for j in keep])
        return rest, (f"this run: {comparison.labels[i]}", comparison.initial_loss[i])

    def remove(self) -> None:
        self.probe.set_comparison(None)
        self._generation = None
        self._news = None
        self.widget.clear()

    def take(self, snapshot) -> None:
        payload = snapshot.probes.get(self.probe.name)
        if payload is None or payload is self._seen or payload[0] != self._generation:
            return
        self._seen, self._news = payload, payload[2]

    def has_news(self, snapshot) -> bool:
        return self._news is not None

    def show(self, snapshot, paint: bool) -> bool:
        if self._news is not None:
            self.widget.show_views(self._news)
            self._news = None
        return False

    def plots(self) -> dict:
        return {}
