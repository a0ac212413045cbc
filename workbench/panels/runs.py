"""The Runs dock (workbench.runs): kept runs trained in lockstep, forks, the timeline of this run.

Every change to the kept runs or the timeline runs in the worker thread (`worker.call`, between
two iterations), where the runs probe owns them; then the probe is asked to compute again so a
paused window shows it at once. Going back to a checkpoint installs the fork there as the
current run (RunController.install_run): the boundary, weights and inspector show it as it was.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from engine.core.errors import WorkbenchError
from engine.runs.comparison import Comparison, preset_values

from ..runs.compare_dialog import CompareDialog
from ..runs.dock import RunsWidget
from ..runs.overlay import Overlays
from ..runs.probe import CURRENT, ComparisonProbe
from ..worker import commands as wc
from .base import LazyPanel, part


class RunsPanel(LazyPanel):
    """Hidden until View ▸ Runs (or Compare…, Fork): its widgets are built when first on screen."""

    name, title, area, tab_with, visible = "RunsDock", "Runs", Qt.RightDockWidgetArea, "LossDock", False
    runs = part("runs")  # the RunsWidget

    def __init__(self, host):
        super().__init__(host)
        self.probe = ComparisonProbe()
        self.overlays = Overlays(host)
        self.run = None
        self._uids = itertools.count(CURRENT + 1)
        self._seen = None
        self._news = None
        self._behind = None  # the iterations of the kept runs still catching up (paused)

    def build(self) -> RunsWidget:
        self._runs = RunsWidget({"compare": self.compare_dialog, "fork": self.fork, "delete": self.delete,
                                 "remove_all": self.remove, "seek": self.go_back, "spacing": self.set_spacing,
                                 "changed": lambda: self.overlays.show_runs(self._runs)})
        return self._runs

    def set_run(self, run) -> None:
        self.run = run
        self.runs.datas[CURRENT] = run.data

    # -- requests to the worker ---------------------------------------------------------------
    def _call(self, fn, what: str):
        """fn(run) in the worker thread; a refusal becomes one message. Then the probe computes again."""
        try:
            result = self.host.worker.call(fn)
        except (WorkbenchError, ValueError) as e:
            self.host.show_error(f"Cannot {what}: {e}")
            return False
        except TimeoutError:
            self.host.show_error(f"Cannot {what}: the training thread did not answer within 10 s")
            return False
        self._again()
        return result

    def _again(self) -> None:
        """Ask the probe to compute again now (also while paused)."""
        shown = not self.dock.isHidden() and self.widget.isVisible()
        self.host.send(wc.WantProbe(self.probe.name, False))  # forget the last state: compute again
        self.host.send(wc.WantProbe(self.probe.name, not self.dock.isHidden(), shown))

    def _catch_up(self, views, paused: bool) -> None:
        """Paused with kept runs behind this one (e.g. a comparison added late): compute again
        until they are level, as long as they make progress (a stopped run stays behind)."""
        behind = tuple(v.iteration for v in views[1:] if v.iteration < views[0].iteration and v.status != "diverged")
        if paused and behind and behind != self._behind:
            self._again()
        self._behind = behind or None

    def _bring_up(self) -> None:
        if self.dock.isHidden() or self.dock.height() < 0.4 * self.host.height():
            self.host.resizeDocks([self.dock], [int(0.55 * self.host.height())], Qt.Vertical)
        self.dock.show()  # hidden at first start (View ▸ Runs)
        self.dock.raise_()

    def compare_dialog(self) -> None:
        dialog = CompareDialog(self.runs)
        if dialog.exec() == QDialog.Accepted:
            self.compare(*dialog.choice())

    def compare(self, preset: str | None = None, key: str | None = None, values=()) -> bool:
        """Build the siblings (same seed s: same W^(k) and mini-batches) and keep them beside the runs kept so far."""
        experiment = self.host.session.experiment
        try:
            if preset is not None:
                key, values = preset_values(preset, experiment, self.host.controller.view_run.data.problem)
            comparison = Comparison.of(experiment, key, values)
        except (WorkbenchError, ValueError, KeyError, TypeError) as e:
            self.host.show_error(f"Cannot compare: {e}")
            return False
        if not comparison.same_start():
            self.host.log_message("the siblings' networks differ in shape: they start from different weights")
        comparison, current = self._without_current(comparison, experiment)
        uids = [next(self._uids) for _ in comparison.runs]
        if self._call(lambda run: self.probe.add(comparison, uids, current), "compare") is False:
            return False
        self._bring_up()
        if key == "training.divergence":  # L2 and cross-entropy have different units: both from 1
            self.runs.mode.setCurrentIndex(1)
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
        return rest, comparison.labels[i]

    def fork(self) -> bool:
        """Pause, then keep the current run's exact state as a new run (trained on beside it)."""
        self.host.send(wc.Pause())
        uid = next(self._uids)
        ok = self._call(lambda run: self.probe.fork(run, uid, f"fork at t = {run.trainer.iteration}"), "fork")
        if ok is not False:
            self._bring_up()
            self.host.status_message("forked: change a setting and Run to see where they part")
        return ok is not False

    def delete(self, uids) -> None:
        if CURRENT in uids:
            self.host.status_message("the current run stays (Reset or another experiment replaces it)")
        uids = [u for u in uids if u != CURRENT]
        if uids:
            self._call(lambda run: self.probe.delete(uids), "delete")

    def remove(self) -> None:
        self._call(lambda run: self.probe.delete([k.uid for k in self.probe.kept]), "remove the runs")

    def go_back(self, iteration: int | None) -> bool:
        """Pause, then show the run at the checkpoint at or before `iteration` (None: the latest state)."""
        self.host.send(wc.Pause())
        child = self._call(lambda run: self.probe.go_back(run, iteration), "go back")
        if not child:
            return False
        self.host.controller.install_run(child)
        where = "the latest state" if iteration is None else f"t = {child.trainer.iteration}"
        self.host.status_message(f"back at {where}: Run resumes from here, Fork keeps it as a new run")
        return True

    def set_spacing(self, every: int) -> None:
        self._call(lambda run: self.probe.set_spacing(every), "set the checkpoint spacing")

    # -- frames -------------------------------------------------------------------------------
    def take(self, snapshot) -> None:
        payload = snapshot.probes.get(self.probe.name)
        if payload is not None and payload is not self._seen:
            self._seen, self._news = payload, (payload, snapshot.state != "running")

    def has_news(self, snapshot) -> bool:
        return self._news is not None

    def show(self, snapshot, paint: bool) -> bool:
        if self._news is not None:
            (views, timeline, failure), paused = self._news
            self._news = None
            if failure:
                self.host.show_error(f"The kept runs are lost: {failure}")
            self.runs.paused = paused
            self.runs.show_views(views)
            self.runs.timeline.show_timeline(timeline, paused)
            self._catch_up(views, paused)
            self.overlays.show_runs(self.runs)
        return False

    def plots(self) -> dict:
        """The runs' overlaid curves, for Export ▸ plot (once there are kept runs)."""
        return {"runs": self.runs} if self.runs.views else {}
