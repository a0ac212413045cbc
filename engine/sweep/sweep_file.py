"""Sweep files: a sweep kept as readable JSON, so a lecture's sweep is one command.

    {"format": "backprop-workbench-sweep", "version": 1,
     "experiment": "../experiments/default.json",          relative to this file
     "vary": {"training.optimizer.learning_rate": "1e-4..10:13:log"},   KEY: "V1,V2,…" or a list
     "seeds": 3, "steps": 2000}                              or "epochs": E

`backprop-workbench sweep SWEEP.json` runs it; options given on the command line win.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from engine.core.errors import ExperimentError
from engine.io.validation import Section, describe, number, string, whole

FORMAT = "backprop-workbench-sweep"
VERSION = 1
MAX_BYTES = 1 << 20


@dataclass(frozen=True)
class SweepFile:
    experiment: Path
    vary: tuple[str, ...]  # "KEY=VALUES" as on the command line
    seeds: int = 1
    steps: int | None = None
    epochs: float | None = None


def is_sweep_document(data) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def _vary(value, key: str) -> tuple[str, ...]:
    if not isinstance(value, dict) or not value:
        raise ExperimentError(key, f"must be an object {{KEY: VALUES, …}}, got {describe(value)}")
    specs = []
    for name, values in value.items():
        if isinstance(values, list):
            values = ",".join(json.dumps(v) for v in values)
        specs.append(f"{name}={string(values, f'{key}.{name}')}")
    return tuple(specs)


def read_sweep_file(path: Path, data: dict) -> SweepFile:
    """A sweep document already parsed from `path`; ExperimentError names the key at fault."""
    s = Section(data, "")
    s.take("format")
    version = whole(s.take("version"), "version", 1)
    if version > VERSION:
        raise ExperimentError("version", f"this sweep file is version {version}; this Backprop Workbench reads "
                              f"version {VERSION}. Please update.")
    experiment = Path(path).parent / string(s.take("experiment"), "experiment")
    vary = _vary(s.take("vary"), "vary")
    seeds = whole(s.take("seeds", 1), "seeds", 1, 1000)
    steps = s.take("steps", None)
    epochs = s.take("epochs", None)
    if steps is not None and epochs is not None:
        raise ExperimentError("steps", "give steps or epochs, not both")
    steps = None if steps is None else whole(steps, "steps", 0)
    epochs = None if epochs is None else number(epochs, "epochs", 0, low_open=True)
    s.finish()
    return SweepFile(experiment, vary, seeds, steps, epochs)


def load_json(path: Path):
    """The JSON document in `path` (size-limited)."""
    with open(path, "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ExperimentError("", f"{path} is larger than {MAX_BYTES >> 10} KiB; is it a sweep or experiment file?")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExperimentError("", f"{path} is not valid JSON ({exc})") from None
