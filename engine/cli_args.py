"""Argument types every sub-command shares: bad numbers are refused in one line."""

from __future__ import annotations

import argparse
import math


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
