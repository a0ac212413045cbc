"""Training throughput with the landscape / curvature probes on against off, side by side in one process.

    python bench/landscape_panel.py [--seconds 3] [--rounds 2]

Runs the worker core (workbench.worker.TrainingCore, no Qt) on the default experiment for
`--seconds` of wall time per round with no probe, with LandscapeProbe (31×31, at its interval)
and with both LandscapeProbe and CurvatureProbe, as the worker thread runs it, and
prints iterations per second and each ratio to the no-probe run (issue 11 asks for ≥ 60 %).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.panels.curvature import CurvatureProbe  # noqa: E402
from workbench.panels.landscape import LandscapeProbe  # noqa: E402
from workbench.session import Session  # noqa: E402
from workbench.worker import TrainingCore  # noqa: E402
from workbench.worker import commands as c  # noqa: E402


def rate(probes, seconds: float) -> float:
    """Iterations per second of the core training for `seconds` with `probes` on screen."""
    core = TrainingCore(Session().build(), probes=probes)
    for probe in probes:
        core.handle(c.WantProbe(probe.name, True))
    core.handle(c.Start())
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        core.work()  # a burst, a probe slice, and a snapshot when due (as the thread runs it)
    return core.run.trainer.iteration / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cases = {"no probe": lambda: [], "landscape": lambda: [LandscapeProbe()],
             "landscape + curvature": lambda: [LandscapeProbe(), CurvatureProbe()]}
    rates = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, probes in cases.items():
            rates[name].append(rate(probes(), args.seconds))
    base = max(rates["no probe"])
    for name, values in rates.items():
        best = max(values)
        print(f"{name:24s} {best:10.0f} it/s   {best / base:6.1%} of no probe")


if __name__ == "__main__":
    main()
