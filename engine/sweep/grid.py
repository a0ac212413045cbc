"""The grid of a sweep: axes of values for dotted experiment keys, times seeds.

    --vary training.optimizer.learning_rate=0.01,0.1,1     a list (numbers, names, true/false, JSON)
    --vary training.optimizer.learning_rate=1e-4..10:13:log 13 values from 1e-4 to 10, log-spaced
    --vary training.batch_size=1..64:7:log                  whole numbers where the key takes them
    --seeds 3                                               seeds s, s+1, s+2 (s = experiment seed)

A key is a dotted path into the experiment document ("seed", "training.divergence",
"network.activations", …). Every point of the grid is checked as an experiment file would be,
before any run starts, so a bad value fails at once with the key named.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.core.errors import ConfigurationError, ExperimentError
from engine.io.experiment import Experiment
from engine.io.experiment_keys import set_key

MAX_RUNS = 100_000
_WHOLE_KEYS = ("training.batch_size", "seed", "training.evaluate_every", "training.schedule.step_size")


@dataclass(frozen=True)
class Axis:
    """One varied key and its values, in order."""

    key: str
    values: tuple

    @property
    def numeric(self) -> bool:
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in self.values)

    @property
    def logarithmic(self) -> bool:
        """Positive numbers spanning more than a factor of 20: plotted on a log axis."""
        v = list(self.values) if self.numeric else []
        return bool(v) and min(v) > 0 and max(v) / min(v) > 20


def _split_values(text: str) -> list[str]:
    """Split at commas outside brackets and quotes: "[2, 8, 1],[2, 4, 1]" → two values."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _value(text: str) -> Any:
    """A JSON value (number, true/false, list, quoted string) or else the bare text as a string."""
    if not text:
        raise ConfigurationError("empty value in --vary (two commas in a row?)")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        if text[0] in "[{\"":
            raise ConfigurationError(f"--vary value {text!r} is not valid JSON") from None
        return text


def _range(key: str, low: str, high: str, count: int, scale: str | None) -> tuple:
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise ConfigurationError(f"--vary {key}: a range LO..HI:N needs numbers, got {low!r}..{high!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or count < 1:
        raise ConfigurationError(f"--vary {key}: the range needs finite ends and N ≥ 1")
    if scale == "log":
        if lo <= 0 or hi <= 0:
            raise ConfigurationError(f"--vary {key}: a log range needs positive ends, got {low}..{high}")
        values = np.geomspace(lo, hi, count) if count > 1 else np.array([lo])
    else:
        values = np.linspace(lo, hi, count) if count > 1 else np.array([lo])
    if key in _WHOLE_KEYS:
        return tuple(dict.fromkeys(int(round(v)) for v in values))
    return tuple(float(f"{v:.12g}") for v in values)  # 1e-4..10:13:log gives 0.001, not 0.0009999…


def parse_vary(spec: str) -> Axis:
    """One `--vary KEY=VALUES` argument as an Axis."""
    key, sep, rest = spec.partition("=")
    key = key.strip()
    if not sep or not key or not rest.strip():
        raise ConfigurationError(f"--vary needs KEY=V1,V2,… or KEY=LO..HI:N[:log], got {spec!r}")
    match = re.match(r"^\s*([-+0-9.eE]+)\.\.([-+0-9.eE]+):(\d+)(?::(log|lin))?\s*$", rest)
    if match:
        values = _range(key, match.group(1), match.group(2), int(match.group(3)), match.group(4))
    elif ".." in rest and not rest.lstrip().startswith(("[", "\"")):
        raise ConfigurationError(f"--vary {key}: a range is LO..HI:N or LO..HI:N:log, got {rest!r}")
    else:
        values = tuple(_value(v) for v in _split_values(rest))
    if len(set(map(json.dumps, values))) != len(values):
        raise ConfigurationError(f"--vary {key}: a value is listed twice")
    return Axis(key, values)


@dataclass(frozen=True)
class GridPoint:
    """One run of the sweep: its name, the varied values (by key), its seed, its experiment."""

    name: str
    values: dict
    seed: int
    experiment: Experiment


def _slug(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    text = re.sub(r"[^A-Za-z0-9.+-]+", "_", text).strip("_")
    return text[:40] or "_"


def grid(experiment: Experiment, axes: list[Axis], seeds: int = 1) -> list[GridPoint]:
    """Every combination of the axes' values, for each of `seeds` seeds; each experiment checked."""
    keys = [a.key for a in axes]
    if len(set(keys)) != len(keys):
        raise ConfigurationError("a key is varied twice; give all its values in one --vary")
    if "seed" in keys and seeds != 1:
        raise ConfigurationError("vary the seed with --vary seed=… or with --seeds N, not both")
    if seeds < 1:
        raise ConfigurationError(f"--seeds must be ≥ 1, got {seeds}")
    count = math.prod(len(a.values) for a in axes) * seeds
    if count > MAX_RUNS:
        raise ConfigurationError(f"the sweep has {count:,} runs, more than the {MAX_RUNS:,} allowed")
    # "training.optimizer.name" first, so a learning rate varied with it is not reset
    order = sorted(range(len(axes)), key=lambda i: axes[i].key != "training.optimizer.name")
    points, width = [], len(str(count - 1))
    for combo in itertools.product(*(a.values for a in axes)):
        for s in range(seeds):
            document = experiment.to_dict()
            seed = experiment.seed + s
            document["seed"] = seed
            for i in order:
                set_key(document, axes[i].key, combo[i])
            seed = document["seed"]
            try:
                point = Experiment.from_dict(document, experiment.base_dir)
            except ExperimentError as exc:
                shown = ", ".join(f"{k}={json.dumps(v)}" for k, v in zip(keys, combo))
                raise ExperimentError(exc.key, f"{exc.reason} (in the run with {shown})") from None
            short = "-".join(f"{k.rsplit('.', 1)[-1]}={_slug(v)}" for k, v in zip(keys, combo) if k != "seed")
            name = f"{len(points):0{width}d}-{short + '-' if short else ''}seed={seed}"
            points.append(GridPoint(name, dict(zip(keys, combo)), seed, point))
    return points
