"""Reading JSON-like values with errors that name the key: "training.batch_size: must be …".

A `Section` wraps one JSON object (dict): `take(name)` reads a key, `finish()` refuses any key
nobody took. The value checks reject bool where a number is expected (JSON true is not 1)
and non-finite numbers.
"""

from __future__ import annotations

import difflib
import math
import numbers
from typing import Any, Iterable, Mapping

from engine.core.errors import ExperimentError

REQUIRED = object()  # default marker: the key must be present


def join(path: str, key: str | int) -> str:
    """The JSON path of `key` inside `path`: "training" + "batch_size", "network.sizes" + 0 → "network.sizes[0]"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    """A short rendering of a bad value for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return type(value).__name__.replace("dict", "an object").replace("list", "a list")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Section:
    """One JSON object at `path`; keys are read with `take` and the rest refused by `finish`."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, Mapping):
            raise ExperimentError(path, f"must be an object {{...}}, got {describe(data)}")
        for key in data:
            if not isinstance(key, str):
                raise ExperimentError(path, f"keys must be strings, got {describe(key)}")
        self.data, self.path, self.taken = data, path, set()

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def key(self, name: str | int) -> str:
        return join(self.path, name)

    def take(self, name: str, default: Any = REQUIRED) -> Any:
        self.taken.add(name)
        if name in self.data:
            return self.data[name]
        if default is REQUIRED:
            raise ExperimentError(self.key(name), "is missing")
        return default

    def finish(self, hints: Mapping[str, str] | None = None) -> None:
        """Refuse the first key (in sorted order) that was not taken, suggesting a near name."""
        unknown = sorted(set(self.data) - self.taken)
        if not unknown:
            return
        name = unknown[0]
        hint = (hints or {}).get(name)
        if hint is None:
            close = difflib.get_close_matches(name, sorted(self.taken), n=1)
            known = ", ".join(sorted(self.taken))
            hint = f"did you mean {close[0]!r}?" if close else f"known keys here: {known}"
        raise ExperimentError(self.key(name), f"unknown key; {hint}")


def number(value: Any, key: str, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number (not a bool) within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ExperimentError(key, f"must be a number, got {describe(value)}")
    try:
        value = float(value)
    except OverflowError:
        raise ExperimentError(key, "must be a finite number, got a number too large for a float") from None
    if not math.isfinite(value):
        raise ExperimentError(key, f"must be a finite number, got {value}")
    too_low = low is not None and (value < low or (low_open and value == low))
    too_high = high is not None and (value > high or (high_open and value == high))
    if too_low or too_high:
        raise ExperimentError(key, f"must be {_range(low, high, low_open, high_open)}, got {value:g}")
    return value


def _range(low, high, low_open, high_open) -> str:
    if high is None:
        return f"{'>' if low_open else '≥'} {low:g}"
    if low is None:
        return f"{'<' if high_open else '≤'} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def whole(value: Any, key: str, low: int, high: int | None = None) -> int:
    """A whole number (JSON integer, not a bool) in [low, high]."""
    if high is None:
        bounds = f"≥ {low}"
    elif high >= 2**62:
        bounds = f"≥ {low} and below 2^{high.bit_length()}"
    else:
        bounds = f"between {low} and {high:_}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ExperimentError(key, f"must be a whole number {bounds}, got {describe(value)}")
    if value < low or (high is not None and value > high):
        raise ExperimentError(key, f"must be a whole number {bounds}, got {value}")
    return int(value)


def boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ExperimentError(key, f"must be true or false, got {describe(value)}")
    return value


def string(value: Any, key: str, choices: Iterable[str] | None = None, what: str = "") -> str:
    """A string, one of `choices` if given."""
    if not isinstance(value, str):
        raise ExperimentError(key, f"must be a string, got {describe(value)}")
    if choices is not None:
        choices = list(choices)
        if value not in choices:
            raise ExperimentError(key, f"unknown {what or 'value'} {value!r}; choose one of {', '.join(choices)}")
    return value


def array(value: Any, key: str, min_length: int = 0) -> list:
    if not isinstance(value, (list, tuple)):
        raise ExperimentError(key, f"must be a list [...], got {describe(value)}")
    if len(value) < min_length:
        raise ExperimentError(key, f"must have at least {min_length} entries, got {len(value)}")
    return list(value)
