"""`backprop-workbench record EXPERIMENT.json --steps N --frames F [--size WxH] [--view decision|figure] --out FILE`

Needs Qt (the frames are drawn by the app's own views, offscreen), so `workbench.__main__`
sends it here rather than to engine.cli. Errors are one line on stderr, as in engine.cli.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from engine.cli import PROG, UsageError, _one_line, _Parser
from engine.core.errors import WorkbenchError
from engine.io.experiment import Experiment

NAME = "record"


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 640x480, got {text!r}") from None
    return w, h


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog=f"{PROG} {NAME}", description="Record the training of EXPERIMENT.json as an animated GIF or "
                "MP4: the decision view (or, with --view figure, the decision view beside the loss curve and the "
                "iteration counter) at F evenly spaced iterations of the experiment's deterministic run. "
                "Runs headless; the same experiment gives the same file.")
    p.add_argument("experiment", metavar="EXPERIMENT.json")
    p.add_argument("--steps", type=int, required=True, metavar="N", help="updates to train")
    p.add_argument("--frames", type=int, required=True, metavar="F", help="frames, at iterations 0 … N")
    p.add_argument("--size", type=_size, default=(640, 480), metavar="WxH", help="frame size in px (default 640x480)")
    p.add_argument("--view", choices=("decision", "figure"), default="decision", help="what the frames show")
    p.add_argument("--out", required=True, metavar="FILE.gif|FILE.mp4", help="the animation to write")
    return p


def main(argv: list[str]) -> int:
    try:
        args = parser().parse_args(argv)
    except UsageError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # never needs a screen
    from PySide6.QtWidgets import QApplication

    from . import recording

    app = QApplication.instance() or QApplication([PROG])  # noqa: F841 - widgets need it alive
    try:
        recording.check_request(args.steps, args.frames, args.size, args.view, args.out)
        experiment = Experiment.load(Path(args.experiment))
        out = recording.record(experiment, args.steps, args.frames, args.out, args.size, args.view)
    except KeyboardInterrupt:
        return 130
    except WorkbenchError as exc:
        message = str(exc)
    except OSError as exc:
        message = f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}"
    else:
        print(f"wrote {out}: {args.frames} frames, {args.size[0]}x{args.size[1]}, {args.steps} steps")
        return 0
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)
    return 1
