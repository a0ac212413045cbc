"""Function-mode experiments: an objective, a start point and one or more optimisers, in JSON.

    {
      "format": "backprop-workbench-objective", "version": 1,
      "description": "…",                                   (optional)
      "objective": {"builtin": "bowl", "kappa": 50, "angle": 0}   or   {"expression": "x^2 - y^2"},
      "start": [1.5, 1.0],                                   (optional: the objective's default)
      "steps": 200,
      "optimizers": [{"name": "sgd", "learning_rate": 0.02}, {"name": "sgd", "learning_rate": 0.02, "momentum": 0.9}]
    }

Each optimiser runs from the same start for `steps` updates, so one file shows a comparison
(SGD against momentum, η below and above 2/λ_max, SGD against Adam). Optimiser entries are
those of a network experiment's `training.optimizer`. Shipped ones are in resources/objectives/.
Errors name the key, as network experiments do.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from engine.core.errors import ConfigurationError, ExperimentError
from engine.core.optimizers import create
from engine.data.resources import resource_dir
from engine.objectives.descent import Path as DescentPath
from engine.objectives.descent import descend
from engine.objectives.library import builtin
from engine.objectives.objective import Objective, objective

FORMAT = "backprop-workbench-objective"
MAX_STEPS = 1_000_000
OBJECTIVES_DIR = resource_dir("objectives")


@dataclass(frozen=True)
class ObjectiveExperiment:
    objective: Objective
    start: tuple[float, ...]
    steps: int
    optimizers: tuple[dict, ...]
    description: str = ""
    objective_spec: dict = field(default_factory=dict)  # the file's "objective" section, as written

    def run(self) -> list[DescentPath]:
        """One descent per optimiser, each with a fresh optimiser state."""
        return [descend(self.objective, self.start, create(**spec), self.steps) for spec in self.optimizers]


def from_dict(doc) -> ObjectiveExperiment:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ExperimentError("format", f"expected \"{FORMAT}\"")
    f = _objective(doc.get("objective"))
    start = doc.get("start", list(f.start))
    if not (isinstance(start, list) and len(start) == f.dimension and all(_finite(v) for v in start)):
        raise ExperimentError("start", f"must be a list of {f.dimension} finite numbers")
    steps = doc.get("steps", 100)
    if not (isinstance(steps, int) and 1 <= steps <= MAX_STEPS):
        raise ExperimentError("steps", f"must be a whole number from 1 to {MAX_STEPS:,}")
    specs = doc.get("optimizers")
    if not (isinstance(specs, list) and specs and all(isinstance(s, dict) for s in specs)):
        raise ExperimentError("optimizers", "must be a non-empty list of optimiser settings")
    for i, spec in enumerate(specs):
        try:
            create(**spec)
        except (ConfigurationError, TypeError) as exc:
            raise ExperimentError(f"optimizers[{i}]", str(exc)) from None
    return ObjectiveExperiment(f, tuple(float(v) for v in start), steps, tuple(dict(s) for s in specs),
                               str(doc.get("description", "")), dict(doc["objective"]))


def _objective(section) -> Objective:
    if not isinstance(section, dict):
        raise ExperimentError("objective", "must be {\"builtin\": NAME, …} or {\"expression\": TEXT}")
    try:
        if "expression" in section:
            return objective(section["expression"])
        params = {k: v for k, v in section.items() if k != "builtin"}
        return builtin(section.get("builtin"), **params)
    except (ConfigurationError, TypeError) as exc:
        raise ExperimentError("objective", str(exc)) from None


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load(path) -> ObjectiveExperiment:
    path = Path(path)
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
    except ExperimentError as exc:
        raise ExperimentError(exc.key, f"{path}: {exc.reason}") from None


def examples() -> dict[str, Path]:
    """The shipped function-mode experiments by name."""
    return {p.stem: p for p in sorted(OBJECTIVES_DIR.glob("*.json"))}


def optimizer_label(spec: dict) -> str:
    """An optimiser's settings in the lecture's symbols: "SGD η = 0.035, μ = 0.8 (Nesterov)"."""
    name = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}.get(spec.get("name"), "?")
    text = f"{name} η = {spec.get('learning_rate', create(spec.get('name', 'sgd')).learning_rate):g}"
    if spec.get("momentum"):
        text += f", μ = {spec['momentum']:g}"
    return text + (" (Nesterov)" if spec.get("nesterov") else "")
