"""What every sub-command shares: argument types that refuse bad numbers in one line, and
reading the experiment with its path in the message."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from engine.core.errors import ExperimentError
from engine.io.experiment import Experiment


def count(text: str) -> int:
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {n}")
    return n


def positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {n}")
    return n


def epochs(text: str) -> float:
    e = float(text)
    if not (e > 0 and math.isfinite(e)):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text}")
    return e


def load_experiment(path: Path) -> Experiment:
    """Experiment.load, with the file named in the error."""
    try:
        return Experiment.load(path)
    except ExperimentError as exc:
        raise ExperimentError(exc.key, f"{path}: {exc}") from None
