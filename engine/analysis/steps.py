"""Long computations as generators: they yield progress between chunks (so a probe can interleave
them with training, or stop) and return their result; `finish` runs one to its end."""

from __future__ import annotations

from typing import Generator, TypeVar

R = TypeVar("R")


def finish(generator: Generator[object, None, R]) -> R:
    """Run a chunked computation to its end and return its value."""
    while True:
        try:
            next(generator)
        except StopIteration as stop:
            return stop.value
