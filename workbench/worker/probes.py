"""Probes: data a panel needs from the live trainer, computed by the worker between iterations.

A probe has a `name` (its key in `Snapshot.probes`), an `interval` (while training it runs at
most this often; paused, it runs at once after every change) and `compute(trainer, paused)`, which
returns a frozen payload of copies — or a generator for long work: the runner takes its
first chunk (up to the first `yield`) at the snapshot moment, so that chunk must copy what it
needs from the trainer; later chunks run time-sliced between iterations (as superqt's
GeneratorWorker does) and must not touch the trainer; the generator's return value is the
payload. A probe never changes the trainer's state or its random stream. A probe may also have
`after_step(trainer)`, called after every update whether its panel is open or not (it must be
cheap and read only, e.g. keep a checkpoint every N iterations), and `busy`: while true, the probe
runs as if its panel were on screen. A probe with `close()` is closed when the worker ends
(e.g. to end a process it started).
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Mapping
from types import MappingProxyType
from typing import Protocol, runtime_checkable


@runtime_checkable
class Probe(Protocol):
    name: str
    #: seconds between two runs while training
    interval: float

    def compute(self, trainer, paused: bool) -> object:
        """A frozen payload of copies, or a generator that yields between chunks and returns it.

        `paused`: the worker is paused (the payload may offer edits); read-only either way."""


class ProbeRunner:
    """Which probes are wanted, when each is due, and their latest payloads."""

    def __init__(self, probes=()):
        self.probes: dict[str, Probe] = {}
        #: probes whose panel is open (they run while paused) / on screen (they also run while training)
        self.open: set[str] = set()
        self.shown: set[str] = set()
        self._payloads: dict[str, object] = {}
        self._keys: dict[str, object] = {}
        self._times: dict[str, float] = {}
        self._pending: dict[str, Generator] = {}
        self._after_step: list = []
        for probe in probes:
            self.register(probe)

    def register(self, probe: Probe) -> None:
        self.probes[probe.name] = probe
        if callable(getattr(probe, "after_step", None)):
            self._after_step.append(probe.after_step)

    def after_step(self, trainer) -> None:
        """After every update (worker thread): the probes' `after_step` hooks."""
        for hook in self._after_step:
            hook(trainer)

    def close(self) -> None:
        """The worker ends: every probe's `close()`, if it has one."""
        for probe in self.probes.values():
            if callable(getattr(probe, "close", None)):
                probe.close()

    def want(self, name: str, open: bool, shown: bool | None = None) -> None:
        """The panel of probe `name` is open (a closed panel's probe never runs) and on screen (default: = open)."""
        if name not in self.probes:
            raise KeyError(f"no probe named {name!r}")
        shown = open if shown is None else shown
        (self.open.add if open or shown else self.open.discard)(name)
        (self.shown.add if shown else self.shown.discard)(name)
        if not (open or shown):
            self._pending.pop(name, None)
            self._keys.pop(name, None)

    def wanted(self, running: bool) -> list[str]:
        """The probes that run now: on screen while training; open while paused; and any probe
        whose `busy` is true (work that must go on off screen, e.g. kept runs in lockstep)."""
        busy = {name for name, probe in self.probes.items() if getattr(probe, "busy", False)}
        return sorted((self.shown if running else self.open) | busy)

    def clear(self) -> None:
        """A new run: nothing computed so far belongs to it."""
        self._payloads.clear()
        self._keys.clear()
        self._times.clear()
        self._pending.clear()

    @property
    def active(self) -> bool:
        """Whether any probe may run: one is open or busy."""
        return bool(self.open) or any(getattr(p, "busy", False) for p in self.probes.values())

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def collect(self, trainer, key, running: bool, now: float) -> Mapping[str, object]:
        """Run the wanted probes that are due at state `key`; the latest payload of each."""
        wanted = self.wanted(running)
        for name in wanted:
            probe = self.probes[name]
            state = (key, running)
            if self._keys.get(name) == state:
                continue
            if running and now - self._times.get(name, -math.inf) < probe.interval:
                continue
            self._keys[name], self._times[name] = state, now
            result = probe.compute(trainer, not running)
            if isinstance(result, Generator):
                self._pending[name] = result
                self._advance(name)  # the first chunk copies from the trainer, now
            else:
                self._pending.pop(name, None)
                self._payloads[name] = result
        return MappingProxyType({n: self._payloads[n] for n in wanted if n in self._payloads})

    def advance(self, budget: float) -> bool:
        """Run chunks of pending generators for about `budget` seconds; True when one finished."""
        end = time.perf_counter() + budget
        finished = False
        for name in list(self._pending):
            finished |= self._advance(name)  # at least one chunk each: progress whatever the budget
            while name in self._pending and time.perf_counter() < end:
                finished |= self._advance(name)
        return finished

    def _advance(self, name: str) -> bool:
        try:
            next(self._pending[name])
        except StopIteration as done:
            del self._pending[name]
            self._payloads[name] = done.value
            return True
        return False
