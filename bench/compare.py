"""Runs in lockstep, side by side in one run (offscreen):

    QT_QPA_PLATFORM=offscreen python bench/compare.py [--seconds 4] [--iterations 1000000] [--quick]

(--quick: 1.5 s per throughput measurement and 50,000 iterations for the memory part; the
claim itself is measured without it, on a quiet machine.)

1. throughput: the window with every plot live and the Runs dock comparing L2 against
   cross-entropy (two siblings trained by the comparison probe in lockstep with the current
   run), each run's iterations/s against one headless run's (target ≥ 40 %)
2. memory: two runs trained headless in lockstep (engine Comparison) for --iterations each,
   each with a Timeline (engine.runs.timeline, budget 64 MiB, checkpoints every 100) — RSS, the
   timelines' bytes against their bound and the histories' allocated bytes (bounded: a
   history's series folds old rows into ≤ 2^12 envelope blocks past 1.5 × 2^14 recent rows)
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.io.experiment import default_experiment  # noqa: E402
from engine.runs.comparison import Comparison  # noqa: E402
from engine.runs.timeline import Timeline  # noqa: E402
from workbench.main_window import MainWindow  # noqa: E402
from workbench.session import Session  # noqa: E402
from workbench.worker import commands as c  # noqa: E402


def headless_rate(seconds: float) -> float:
    trainer = Session().build().trainer
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        trainer.run(steps=100)
        n += 100
    return n / (time.perf_counter() - start)


def lockstep_rates(app, seconds: float) -> list[tuple[str, float]]:
    window = MainWindow(Session())
    window.confirm_discard = lambda: True
    window.show()
    panel = window.panels["RunsDock"]
    panel.dock.show()
    panel.dock.raise_()
    panel.compare("L2 vs cross-entropy")
    loop = QEventLoop()
    QTimer.singleShot(300, loop.quit)
    loop.exec()
    window.worker.send(c.Start())
    QTimer.singleShot(500, loop.quit)  # warm up
    loop.exec()
    core = window.worker.core

    def iterations():
        return [("current run", core.run.trainer.iteration)] + [
            (k.label, k.run.trainer.iteration) for k in list(panel.probe.kept)]

    before, t0 = iterations(), time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    after, t1 = iterations(), time.perf_counter()
    window.worker.send(c.Pause())
    window.shutdown_worker()
    window.close()
    return [(name, (b - a) / (t1 - t0)) for (name, a), (_, b) in zip(before, after)]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(iterations: int) -> None:
    comparison = Comparison.of(default_experiment(), "training.divergence", ("l2", "bce"))
    timelines = [Timeline(every=100) for _ in comparison.runs]
    rss0, t0, chunk = rss_mib(), time.perf_counter(), 100
    while comparison.runs[0].trainer.iteration < iterations:
        comparison.step(chunk)
        for run, timeline in zip(comparison.runs, timelines):
            timeline.record(run.trainer)
    elapsed = time.perf_counter() - t0
    history = sum(table._data.nbytes for r in comparison.runs
                  for series in (r.trainer.history.iterations, r.trainer.history.evaluations)
                  for table in (series.recent, series.envelopes))
    print(f"memory: two runs × {comparison.runs[0].trainer.iteration:,} iterations in lockstep ({elapsed:.0f} s): "
          f"max RSS {rss_mib():.0f} MiB (at start {rss0:.0f} MiB); timelines {sum(t.nbytes for t in timelines) / 2**20:.2f} MiB "
          f"of a {2 * timelines[0].budget_bytes / 2**20:.0f} MiB bound ({len(timelines[0].checkpoints)} checkpoints each, "
          f"every {timelines[0].every}); histories {history / 2**20:.1f} MiB allocated (bounded, whatever the "
          f"number of iterations)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="1.5 s per rate, 50,000 iterations for memory")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.iterations = min(args.seconds, 1.5), min(args.iterations, 50_000)
    app = QApplication.instance() or QApplication([])
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    alone = headless_rate(args.seconds)
    rates = lockstep_rates(app, args.seconds)
    again = headless_rate(args.seconds)
    reference = (alone + again) / 2
    print(f"headless, one run: {reference:,.0f} iterations/s (before {alone:,.0f}, after {again:,.0f})")
    for name, rate in rates:
        verdict = "ok" if rate >= 0.4 * reference else "BELOW the 40 % target"
        print(f"  lockstep with all plots live, {name}: {rate:,.0f} iterations/s = {rate / reference:.0%} ({verdict})")
    memory(args.iterations)


if __name__ == "__main__":
    main()
