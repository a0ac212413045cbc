"""A probe's pace: how often a long, time-sliced computation may start while training.

The worker gives pending probe generators a slice after each training burst (PROBE_SLICE
after BURST_SECONDS: at most ~20 % while one is pending). `Pacing` also bounds the average:
a computation that took c seconds of the worker (the sum of its chunks) is not started again
for c / share seconds, nor before `base`; while one is in flight none starts (a due probe would
replace it, and a plane slower than its interval would never finish). A changed request
(`restart`) is due at once.
"""

from __future__ import annotations

import math
import time
from typing import Generator

#: the share of the worker's time a paced probe takes on average while training (below the issue's
#: ~20 %: the GUI thread's drawing of the same payload also takes the interpreter for a while)
SHARE = 0.15


class Pacing:
    """The `interval` of a probe whose computation runs through `run`."""

    def __init__(self, base: float, share: float = SHARE):
        self.base, self.share = float(base), float(share)
        self.cost = 0.0  # worker seconds of the last finished computation
        self._flight = None  # the computation in flight (its token)
        self._restart = False

    @property
    def interval(self) -> float:
        if self._restart:
            return 0.0
        if self._flight is not None:
            return math.inf
        return max(self.base, self.cost / self.share)

    def restart(self) -> None:
        """The request changed: the next collect starts a new computation, whatever the pace."""
        self._restart = True

    def run(self, work: Generator):
        """`work`'s chunks, timed; returns its value. Dropped unfinished (the panel closed, a newer
        state replaced it), it is no longer in flight."""
        token = object()
        self._flight, self._restart = token, False
        try:
            spent: list[float] = []
            value = yield from timed(work, spent)
            self.cost = spent[0]
            return value
        finally:
            if self._flight is token:
                self._flight = None


def timed(work: Generator, seconds: list):
    """`work`'s chunks and its value; when it returns, the seconds its chunks took are appended to
    `seconds` (the time between chunks, training's, is not counted)."""
    spent = 0.0
    while True:
        start = time.perf_counter()
        try:
            progress = next(work)
        except StopIteration as done:
            seconds.append(spent + time.perf_counter() - start)
            return done.value
        spent += time.perf_counter() - start
        yield progress
