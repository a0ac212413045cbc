"""Long computations as generators: they yield progress between chunks (so a probe can interleave
them with training, or stop) and return their result; `finish` runs one to its end, reporting
each yield to a `progress` callback and stopping with `Cancelled` when `cancelled()` says so."""

from __future__ import annotations

from typing import Callable, Generator, TypeVar

from engine.core.errors import WorkbenchError

R = TypeVar("R")


class Cancelled(WorkbenchError):
    """A chunked computation stopped at its caller's request, before its end (nothing returned)."""


def finish(generator: Generator[object, None, R], progress: Callable[[object], None] | None = None,
           cancelled: Callable[[], bool] | None = None) -> R:
    """Run a chunked computation to its end and return its value. After each chunk `progress`
    gets what the generator yielded (a fraction done, for most) and `cancelled()` is asked:
    True closes the generator and raises Cancelled."""
    while True:
        try:
            done = next(generator)
        except StopIteration as stop:
            return stop.value
        if progress is not None:
            progress(done)
        if cancelled is not None and cancelled():
            generator.close()
            raise Cancelled(f"cancelled after {_amount(done)} of the work")


def _amount(done) -> str:
    return f"{100 * done:.0f} %" if isinstance(done, float) else "part"
