"""Runs in lockstep, side by side in one run (offscreen):

    QT_QPA_PLATFORM=offscreen python bench/compare.py [--seconds 2] [--rounds 5] [--iterations 1000000] [--quick]

(--quick: 1.5 s per throughput measurement and 50,000 iterations for the memory part; the
claim itself is measured without it, on a quiet machine.)

1. throughput: the window with every plot live and the Runs dock comparing L2 against
   cross-entropy (the current run and its L2 sibling, trained in lockstep by the kept runs'
   process, engine.runs.kept_process), each run's iterations/s against one headless run's (target ≥ 40 %): --rounds lockstep
   measurements, each between two headless ones in the same process; the median of the
   per-round ratios (and their range) is the figure
2. memory: two runs trained headless in lockstep (engine Comparison) for --iterations each,
   each with a Timeline (engine.runs.timeline, budget 64 MiB, checkpoints every 100) — RSS, the
   timelines' bytes against their bound and the histories' allocated bytes (bounded: a
   history's series folds old rows into ≤ 2^12 envelope blocks past 1.5 × 2^14 recent rows)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
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


def comparing_window():
    """The window with every plot live and the Runs dock comparing L2 against cross-entropy, paused."""
    window = MainWindow(Session())
    window.confirm_discard = lambda: True
    window.resize(1600, 1000)
    window.show()
    panel = window.panels["RunsDock"]
    panel.dock.show()
    panel.dock.raise_()
    panel.compare("L2 vs cross-entropy")
    wait(300)
    return window, panel


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def lockstep_rates(window, panel, seconds: float) -> list[tuple[str, float]]:
    """Each run's iterations/s over `seconds` of training in lockstep (after a 0.5 s warm-up), then paused."""
    window.worker.send(c.Start())
    wait(500)
    core = window.worker.core

    def iterations():
        return [("current run", core.run.trainer.iteration)] + [  # kept runs: as their process last said
            (v.label, v.iteration) for v in panel.probe.process.views]

    before, t0 = iterations(), time.perf_counter()
    wait(int(seconds * 1000))
    after, t1 = iterations(), time.perf_counter()
    window.worker.send(c.Pause())
    wait(200)
    return [(name, (b - a) / (t1 - t0)) for (name, a), (_, b) in zip(before, after)]


def peak_mib(pid: int | None) -> float | None:
    """A process's peak resident set (VmHWM, Linux) in MiB; None where /proc cannot tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, TypeError):
        return None
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), None)


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
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="1.5 s per rate, 50,000 iterations for memory")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.iterations, args.rounds = min(args.seconds, 1.5), min(args.iterations, 50_000), 2
    _app = QApplication.instance() or QApplication([])  # kept: the window needs it alive
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    window, panel = comparing_window()  # its worker exists: BLAS is one thread from here on, for both sides
    # interleaved rounds, each lockstep measurement between two headless ones (the paused window
    # idle meanwhile): this machine's speed drifts by ±20 % within seconds, so each round's
    # ratio is taken against its own neighbours, and the median over the rounds reported
    headless = [headless_rate(args.seconds)]
    rounds = []
    for _ in range(args.rounds):
        rounds.append(lockstep_rates(window, panel, args.seconds))
        headless.append(headless_rate(args.seconds))
    kept_peak = peak_mib(panel.probe.process.pid)
    window.shutdown_worker()
    window.close()
    print(f"headless, one run: {statistics.median(headless):,.0f} iterations/s (rounds: "
          f"{', '.join(f'{h:,.0f}' for h in headless)})")
    for i, (name, _) in enumerate(rounds[0]):
        ratios = [r[i][1] / ((headless[k] + headless[k + 1]) / 2) for k, r in enumerate(rounds)]
        median = statistics.median(ratios)
        verdict = "ok" if median >= 0.4 else "BELOW the 40 % target"
        print(f"  lockstep with all plots live, {name}: {statistics.median(r[i][1] for r in rounds):,.0f} "
              f"iterations/s = median {median:.0%} of its round's headless [{min(ratios):.0%} – {max(ratios):.0%}] "
              f"over {len(ratios)} rounds ({verdict})")
    if kept_peak is not None:
        print(f"  the kept runs' process (one sibling): peak RSS {kept_peak:.0f} MiB")
    memory(args.iterations)


if __name__ == "__main__":
    main()
