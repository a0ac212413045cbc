"""Start-up time: from spawning the app to its first paint, side by side in one run.

    python bench/startup.py [--wheel build/smoke-venv/bin/backprop-workbench]
                            [--bundle dist/backprop-workbench/backprop-workbench] [--repeats 5]

Each executable runs `--startup-probe` (workbench/smoke.py): it starts exactly as the app does
(`run_gui`, default experiment, offscreen, throw-away settings) and exits at the first paint
event. Measured per run: wall time from spawn to first paint, and the process's CPU time (user +
sys, less sensitive to a busy machine), and the wall time from the app's code starting (Python
up, before Qt) to first paint. The runs alternate between the executables; medians are
printed with the bundle/wheel ratio. Targets: wheel ≤ 1.0 s, bundle ≤ 1.5 × wheel.
The checkout (`python -m workbench` from this tree) is the reference when nothing else is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def once(command: list[str], env: dict) -> tuple[float, float, float]:
    """(wall seconds from spawn to first paint, CPU seconds of the process, wall seconds from
    the app's code starting — Python is up — to first paint) for one start."""
    before = os.times()
    start = time.time()
    result = subprocess.run(command, env=env, cwd=env["HOME"], capture_output=True, text=True, timeout=120)
    after = os.times()
    line = next((x for x in result.stdout.splitlines() if x.startswith("first-paint ")), None)
    if result.returncode != 0 or line is None:
        raise SystemExit(f"{command[0]}: no first paint (exit {result.returncode}): {result.stderr.strip()[-300:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    painted, entered = (float(t) for t in line.split()[1:3])
    return painted - start, cpu, painted - entered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="backprop-workbench of a regular (wheel) install")
    parser.add_argument("--bundle", help="the bundle's backprop-workbench executable")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    commands = {"checkout": [sys.executable, "-m", "workbench", "--startup-probe"]}
    if args.wheel:
        commands["wheel"] = [str(Path(args.wheel).resolve()), "--startup-probe"]
    if args.bundle:
        commands["bundle"] = [str(Path(args.bundle).resolve()), "--startup-probe"]
    times: dict[str, list] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": home, "XDG_CONFIG_HOME": home}
        envs = {name: {**env, "PYTHONPATH": str(ROOT) if name == "checkout" else ""} for name in commands}
        for name, command in commands.items():  # warm the file cache once
            once(command, envs[name])
        for _ in range(args.repeats):
            for name, command in commands.items():
                times[name].append(once(command, envs[name]))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; median of {args.repeats} starts")
    medians = {}
    for name, runs in times.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        window = statistics.median(r[2] for r in runs)
        medians[name] = (wall, cpu)
        print(f"{name:9s} first paint {wall:6.2f} s wall   {cpu:6.2f} s CPU   {window:6.2f} s from the app's code   (runs: "
              + ", ".join(f"{r[0]:.2f}" for r in runs) + ")")
    if "wheel" in medians:
        print(f"wheel: {medians['wheel'][0]:.2f} s (target ≤ 1.0 s)")
    if "wheel" in medians and "bundle" in medians:
        print(f"bundle / wheel: {medians['bundle'][0] / medians['wheel'][0]:.2f}× wall, "
              f"{medians['bundle'][1] / medians['wheel'][1]:.2f}× CPU (target ≤ 1.5×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
