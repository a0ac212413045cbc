"""GUI command storm (issue 18, item 11): random user actions on the window while it trains, and the
event loop's stalls meanwhile (offscreen):

    QT_QPA_PLATFORM=offscreen python bench/gui_storm.py [--seconds 10] [--rate 200] [--seed 0]

Every ~1/rate s a QTimer does one random action through the window's public slots, as a user's
clicks and keys would: Run/Pause, Step, Step phase, a learning-rate or optimiser change, a
divergence change, undo, redo, New seed, Reset, adding or removing a unit of layer 1 in the
designer, selecting a weight. A 10 ms QTimer measures the event loop's lateness (a stall is a
late tick). Printed: actions done with their own duration, errors shown in the banner, ticks, lateness p50 / p99 / max
(the issue found 0.6–1.1 s stalls; the GUI target elsewhere is p99 ≤ 50 ms).

`--trace-stalls MS`: a watchdog thread samples the GUI thread's Python stack every 5 ms while the
event loop is more than MS late, and prints where the stalled time went (the innermost frames of
this project's code, by share of the samples).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import threading
import time
import traceback
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.main_window import MainWindow  # noqa: E402

OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad")
DIVERGENCES = ("bce", "l2")


def action(window, rng: random.Random) -> str:
    """One random user action; returns its name."""
    kind = rng.randrange(12)
    designer = window.designer
    if kind == 0:
        window.toggle_run()
        return "run/pause"
    if kind == 1:
        window.step_iteration()
        return "step"
    if kind == 2:
        window.step_phase()
        return "phase"
    if kind == 3:
        window.change_settings({"learning_rate": rng.choice((0.003, 0.03, 0.1))})
        return "learning rate"
    if kind == 4:
        window.change_settings({"optimizer": rng.choice(OPTIMIZERS)})
        return "optimiser"
    if kind == 5:
        window.change_settings({"divergence": rng.choice(DIVERGENCES)})
        return "divergence"
    if kind == 6:
        window.undo_stack.undo()
        return "undo"
    if kind == 7:
        window.undo_stack.redo()
        return "redo"
    if kind == 8:
        (window.new_seed if rng.random() < 0.5 else window.reset_run)()
        return "seed/reset"
    if kind in (9, 10):
        units = designer.view.network.sizes[1]
        designer.editor.set_units(1, max(1, min(16, units + rng.choice((-1, 1)))))
        return "units"
    sizes = designer.view.network.sizes
    designer.view.select_weight(1, rng.randrange(sizes[0]), rng.randrange(sizes[1]))
    return "select weight"


class StallTrace:
    """Samples the GUI thread's stack while its event loop is late by more than `threshold_ms`."""

    def __init__(self, threshold_ms: float):
        self.threshold, self.beat = threshold_ms / 1000, time.perf_counter()
        self.samples: collections.Counter = collections.Counter()
        self.gui = threading.main_thread().ident
        self.running = True
        threading.Thread(target=self._watch, daemon=True).start()

    def tick(self) -> None:
        self.beat = time.perf_counter()

    def _watch(self) -> None:
        while self.running:
            time.sleep(0.005)  # the watchdog's own sampling period (this thread only; nothing waits on it)
            if time.perf_counter() - self.beat < self.threshold:
                continue
            frame = sys._current_frames().get(self.gui)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if str(ROOT) in f.filename and "/bench/" not in f.filename] or stack[-1:]
            key = " <- ".join(f"{Path(f.filename).stem}:{f.name}:{f.lineno}" for f in reversed(ours[-4:]))
            self.samples[key] += 1

    def report(self) -> None:
        self.running = False
        total = sum(self.samples.values())
        print(f"stalled-time samples (5 ms each): {total}")
        for key, n in self.samples.most_common(15):
            print(f"  {100 * n / total:5.1f} %  {key}")


ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="actions per second")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trace-stalls", type=float, default=None, metavar="MS")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    import tempfile
    tmp = tempfile.mkdtemp()
    window = MainWindow(settings=QSettings(os.path.join(tmp, "storm.ini"), QSettings.IniFormat))
    window.confirm_discard = lambda: True
    window.resize(1600, 1000)
    window.show()
    errors: list[str] = []
    shown = window.show_error
    window.show_error = lambda message: (errors.append(str(message)), shown(message))
    rng = random.Random(args.seed)
    done: dict[str, list] = {}

    def act():
        t = clock.elapsed()
        name = action(window, rng)
        done.setdefault(name, []).append(clock.elapsed() - t)

    lateness, clock, last = [], QElapsedTimer(), [None]
    trace = StallTrace(args.trace_stalls) if args.trace_stalls else None

    def tick():
        if trace:
            trace.tick()
        now = clock.elapsed()
        if last[0] is not None:
            lateness.append(max(0, now - last[0] - 10))
        last[0] = now

    storm, probe = QTimer(), QTimer()
    storm.setInterval(max(1, int(1000 / args.rate)))
    storm.timeout.connect(act)
    probe.setInterval(10)
    probe.timeout.connect(tick)
    window.toggle_run()
    clock.start()
    probe.start()
    storm.start()
    loop = QEventLoop()
    QTimer.singleShot(int(args.seconds * 1000), loop.quit)
    loop.exec()
    storm.stop()
    app.processEvents()
    probe.stop()
    late = np.array(lateness, dtype=float)
    print(f"{sum(map(len, done.values()))} actions in {args.seconds:.0f} s (count, median / max ms each):")
    for name, ms in sorted(done.items()):
        print(f"  {name:14s} {len(ms):4d}   {np.median(ms):5.0f} / {max(ms):5.0f} ms")
    print(f"errors shown: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"event loop: {len(late)} ticks, lateness p50 {np.median(late):.0f} ms, p99 {np.percentile(late, 99):.0f} ms, "
          f"max {late.max():.0f} ms  (issue 18 found 600–1100 ms stalls)")
    if trace:
        trace.report()
    ok = window.shutdown_worker()
    print(f"worker stopped cleanly: {ok}")
    os._exit(0)


if __name__ == "__main__":
    main()
