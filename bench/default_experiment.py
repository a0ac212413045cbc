"""The default experiment's first minute, headless: does it learn without overfitting?

    python bench/default_experiment.py [--seconds 60] [--quick] [--steps N]

Measures the headless rate (it/s) on this machine, trains the default experiment
(resources/experiments/default.json) for `seconds` × that rate updates (what full speed gives a
lecture in that time; the GUI keeps ≥ 70 % of headless), and evaluates the full training and
test losses at 40 points. Prints them, the gap, and the verdict of `rises`: the test loss of the
last quarter against the best before it (issue 14: the first minute must show learning, not
overfitting, with the test curve visible above the training one). --quick: 15 s' worth.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.io.experiment import default_experiment  # noqa: E402
from engine.run import build  # noqa: E402

#: the last quarter's mean test loss may exceed the best earlier evaluation by this factor (SGD noise)
TOLERANCE = 1.15


def rises(test_losses) -> bool:
    """True when the test loss of the last quarter is above the best before it (overfitting)."""
    losses = np.asarray(test_losses, float)
    quarter = max(1, len(losses) // 4)
    return float(losses[-quarter:].mean()) > TOLERANCE * float(losses[:-quarter].min())


def first_minute(steps: int, points: int = 40):
    """(iterations, train losses, test losses) of the default experiment at `points` evaluations."""
    trainer = build(default_experiment()).trainer
    rows = []
    for _ in range(points):
        trainer.run(steps=max(1, steps // points))
        train = trainer.metrics(trainer.x, trainer.d, trainer.targets)[0]
        test = trainer.metrics(trainer.x_test, trainer.d_test, trainer.targets_test)[0]
        rows.append((trainer.iteration, train, test))
    return tuple(np.array(c) for c in zip(*rows))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--steps", type=int, default=None, help="updates to train (default: seconds × measured rate)")
    p.add_argument("--quick", action="store_true", help="15 s' worth")
    args = p.parse_args(argv)
    seconds = 15.0 if args.quick else args.seconds
    trainer = build(default_experiment()).trainer
    t0 = time.perf_counter()
    trainer.run(steps=2000)
    rate = 2000 / (time.perf_counter() - t0)
    steps = args.steps or int(seconds * rate)
    print(f"headless {rate:,.0f} it/s → {steps:,} updates for {seconds:g} s")
    it, train, test = first_minute(steps)
    for i in range(0, len(it), 4):
        print(f"  t = {it[i]:>9,}  train {train[i]:.4f}  test {test[i]:.4f}")
    print(f"test loss: first {test[0]:.4f}, best {test.min():.4f} at t = {it[test.argmin()]:,}, last {test[-1]:.4f}; "
          f"last train/test gap {test[-1] - train[-1]:+.4f}")
    verdict = "RISES (overfits)" if rises(test) else "does not rise"
    print(f"test loss {verdict} (last quarter vs best before, tolerance {TOLERANCE})")
    return 1 if rises(test) else 0


if __name__ == "__main__":
    sys.exit(main())
