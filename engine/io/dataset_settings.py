"""The "dataset" section of an experiment: where the examples come from and how they are split.

Exactly one source key:
    {"builtin": "spirals", "samples": 400, "noise": 0.1, ...}   a seeded generator; its
        parameters (see `engine.BUILTIN[name].defaults`) sit next to the name
    {"bundled": "iris"}                                         a real set in resources/datasets
    {"file": "points.csv", "features": [...], "target": "label", "problem": null, "missing": "mean", ...}
        a CSV/NPZ/NPY/IDX file; a relative path is relative to the experiment file; the keys
        that say how to read it are listed in `engine.io.file_keys`
    {"points": {"X": [[x1, x2], ...], "labels": [0, 1, ...], "classes": ["a", "b"]}}
        drawn points with class labels (or "targets": [y, ...] for regression)
Shared keys: test_fraction (0.0), standardize (true), seed (null: the experiment seed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from engine.core.errors import ConfigurationError, DataError, ExperimentError
from engine.core.network import MAX_SEED
from engine.data.bundled import BUNDLED, load_bundled
from engine.data.dataset import MAX_CLASSES, MAX_SAMPLES, Dataset
from engine.data.formats import load_file
from engine.data.toys import BUILTIN, generate
from engine.io.file_keys import file_parameters
from engine.io.validation import Section, array, boolean, join, number, string, whole

SOURCES = ("builtin", "bundled", "file", "points")
MAX_POINTS = 100_000


@dataclass(frozen=True)
class DatasetSettings:
    """One dataset source (`source` is builtin, bundled, file or points) plus split settings.

    name: the generator, bundled set or file path (as written; "" for points).
    parameters: generator parameters (builtin, every one filled in); file: features, target, problem.
    X, labels, targets, classes: the drawn points (tuples, so the settings stay immutable).
    """

    source: str
    name: str = ""
    parameters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    X: tuple[tuple[float, ...], ...] | None = None
    labels: tuple[int, ...] | None = None
    targets: tuple[tuple[float, ...], ...] | None = None
    classes: tuple[str, ...] | None = None
    test_fraction: float = 0.0
    standardize: bool = True
    seed: int | None = None

    def __deepcopy__(self, memo):  # immutable (mappingproxy inside cannot be deep-copied): share it
        return self

    # -- reading and writing ------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, path: str = "dataset") -> "DatasetSettings":
        s = Section(data, path)
        present = [k for k in SOURCES if k in s]
        if len(present) != 1:
            raise ExperimentError(path, "needs exactly one source: " + " or ".join(SOURCES)
                                  + (f"; found {' and '.join(present)}" if present else ""))
        source = present[0]
        common = dict(
            test_fraction=number(s.take("test_fraction", 0.0), s.key("test_fraction"), 0.0, 1.0, high_open=True),
            standardize=boolean(s.take("standardize", True), s.key("standardize")),
            seed=None if s.take("seed", None) is None else whole(s.take("seed"), s.key("seed"), 0, MAX_SEED),
        )
        if source == "builtin":
            name = string(s.take("builtin"), s.key("builtin"), BUILTIN, "built-in dataset")
            params = {p: _generator_value(name, p, s.take(p, default), s.key(p))
                      for p, default in BUILTIN[name].defaults.items()}
            _check_generator(name, params, s.key)
            s.finish()
            return cls("builtin", name, MappingProxyType(params), **common)
        if source == "bundled":
            name = string(s.take("bundled"), s.key("bundled"), BUNDLED, "bundled dataset")
            s.finish()
            return cls("bundled", name, **common)
        if source == "file":
            name = string(s.take("file"), s.key("file"))
            if not name.strip():
                raise ExperimentError(s.key("file"), "must be a file path, got an empty string")
            params = file_parameters(s, name)
            s.finish()
            return cls("file", name, MappingProxyType(params), **common)
        points = _points(s.take("points"), s.key("points"))
        s.finish()
        return cls("points", "", **points, **common)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        if self.source == "points":
            points: dict[str, Any] = {"X": [list(row) for row in self.X]}
            if self.labels is not None:
                points["labels"] = list(self.labels)
                if self.classes is not None:
                    points["classes"] = list(self.classes)
            else:
                single = all(len(row) == 1 for row in self.targets)
                points["targets"] = [row[0] if single else list(row) for row in self.targets]
            out["points"] = points
        else:
            out[self.source] = self.name
            for key, value in self.parameters.items():
                if value is not None:
                    out[key] = list(value) if isinstance(value, tuple) else value
        out["test_fraction"] = self.test_fraction
        out["standardize"] = self.standardize
        if self.seed is not None:
            out["seed"] = self.seed
        return out

    # -- what the data will look like ---------------------------------------------------
    def shape(self) -> tuple[int, str, int] | None:
        """(n_inputs, problem, n_outputs) known without loading, or None for a file."""
        if self.source == "builtin":
            spec = BUILTIN[self.name]
            n_out = 1 if spec.problem in ("binary", "regression") else int(self.parameters.get("classes", 2))
            return spec.input_dim, spec.problem, n_out
        if self.source == "bundled":
            spec = BUNDLED[self.name]
            return spec.n_features, spec.problem, spec.n_classes
        if self.source == "points":
            d = self.points_dataset()
            n_out = d.targets.shape[1] if d.problem == "regression" else (1 if d.problem == "binary" else d.n_classes)
            return d.n_features, d.problem, n_out
        return None

    def points_dataset(self) -> Dataset:
        """The drawn points as a Dataset."""
        try:
            if self.labels is not None:
                return Dataset(np.array(self.X, dtype=np.float64), labels=np.array(self.labels, dtype=np.int64),
                               class_names=self.classes or (), name="drawn points")
            return Dataset(np.array(self.X, dtype=np.float64), targets=np.array(self.targets, dtype=np.float64),
                           name="drawn points")
        except DataError as exc:
            raise ExperimentError("dataset.points", str(exc)) from None

    def path(self, base_dir=None) -> Path:
        """The data file's path, a relative one resolved against `base_dir` (default: the working directory)."""
        p = Path(self.name).expanduser()
        return p if p.is_absolute() else Path(base_dir or os.getcwd()) / p

    def load(self, base_dir=None, seed: int = 0) -> Dataset:
        """Generate, read or assemble the examples; `seed` is used when the section gives none."""
        seed = self.seed if self.seed is not None else seed
        try:
            if self.source == "builtin":
                return generate(self.name, seed=seed, **self.parameters)
            if self.source == "bundled":
                return load_bundled(self.name)
            if self.source == "points":
                return self.points_dataset()
            options = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.parameters.items() if v is not None}
            if "labels" in options:  # IDX labels file, relative to the experiment like the images
                options["labels_path"] = DatasetSettings("file", options.pop("labels")).path(base_dir)
            return load_file(self.path(base_dir), **options)
        except (DataError, ConfigurationError) as exc:
            raise ExperimentError(f"dataset.{self.source}", str(exc)) from None

    def relocated(self, old_dir, new_dir) -> "DatasetSettings":
        """The same settings for an experiment file moved from `old_dir` to `new_dir` (relative file paths follow)."""
        if self.source != "file":
            return self
        parameters = dict(self.parameters)
        if parameters.get("labels"):
            parameters["labels"] = _moved(parameters["labels"], old_dir, new_dir)
        return DatasetSettings(**{**self.__dict__, "name": _moved(self.name, old_dir, new_dir),
                                  "parameters": MappingProxyType(parameters)})


def _moved(name: str, old_dir, new_dir) -> str:
    """A file path written relative to `old_dir`, rewritten relative to `new_dir` (absolute paths stay)."""
    if Path(name).expanduser().is_absolute():
        return name
    target = os.path.abspath(DatasetSettings("file", name).path(old_dir))
    try:
        return Path(os.path.relpath(target, os.path.abspath(new_dir))).as_posix()
    except ValueError:  # another drive on Windows
        return target


def _generator_value(name: str, parameter: str, value: Any, key: str):
    """Type-check one generator parameter (a whole number of samples ≥ 1, the others numbers)."""
    default = BUILTIN[name].defaults[parameter]
    if isinstance(default, int):
        return whole(value, key, 1 if parameter == "samples" else 0, MAX_SAMPLES if parameter == "samples" else None)
    return number(value, key)


def _check_generator(name: str, params: dict, key) -> None:
    """Let the generator check the parameters' ranges: one small draw with them all (a few samples);
    if that is refused, one parameter at a time, so that the error names the key at fault."""
    others = {p: v for p, v in params.items() if p != "samples"}
    try:
        generate(name, samples=4, seed=0, **others)
        return
    except (ConfigurationError, DataError) as exc:
        together = exc
    for parameter, value in others.items():
        try:
            generate(name, samples=4, seed=0, **{parameter: value})
        except (ConfigurationError, DataError) as exc:
            message = str(exc)
            raise ExperimentError(key(parameter), message[len(parameter) + 1:] if message.startswith(parameter + " ")
                                  else message) from None
    raise ExperimentError(key("builtin"), f"{name}: {together}") from None  # refused only together


def _points(data: Any, path: str) -> dict:
    """Check drawn points: X (T rows of D numbers) with labels (T whole numbers) or targets."""
    s = Section(data, path)
    rows = array(s.take("X"), join(path, "X"), 1)
    if len(rows) > MAX_POINTS:
        raise ExperimentError(join(path, "X"), f"at most {MAX_POINTS:_} drawn points, got {len(rows)}")
    X = tuple(_row(r, join(join(path, "X"), t)) for t, r in enumerate(rows))
    width = len(X[0])
    for t, row in enumerate(X):
        if len(row) != width:
            raise ExperimentError(join(join(path, "X"), t), f"has {len(row)} coordinates, the first point has {width}")
    out: dict[str, Any] = {"X": X}
    if ("labels" in s) == ("targets" in s):
        raise ExperimentError(path, "needs exactly one of labels (classification) or targets (regression)")
    if "labels" in s:
        key = join(path, "labels")
        out["labels"] = tuple(whole(v, join(key, t), 0, MAX_CLASSES - 1)
                              for t, v in enumerate(array(s.take("labels"), key)))
        if len(out["labels"]) != len(X):
            raise ExperimentError(key, f"{len(out['labels'])} labels for {len(X)} points")
        if s.take("classes", None) is not None:
            ckey = join(path, "classes")
            out["classes"] = tuple(string(v, join(ckey, i)) for i, v in enumerate(array(s.take("classes"), ckey, 2)))
    else:
        key = join(path, "targets")
        values = array(s.take("targets"), key)
        out["targets"] = tuple(_row(v, join(key, t)) if isinstance(v, (list, tuple)) else (number(v, join(key, t)),)
                               for t, v in enumerate(values))
        if len(out["targets"]) != len(X):
            raise ExperimentError(key, f"{len(out['targets'])} targets for {len(X)} points")
        if len({len(r) for r in out["targets"]}) > 1:
            raise ExperimentError(key, "every point needs the same number of target values")
    s.finish()
    settings = DatasetSettings("points", "", **out)
    settings.points_dataset()  # the Dataset's own checks (class count, names), reported under the key
    return out


def _row(value: Any, key: str) -> tuple[float, ...]:
    return tuple(number(v, join(key, i)) for i, v in enumerate(array(value, key, 1)))


def check_sizes(sizes, n_inputs: int, problem: str, n_outputs: int, counted: str = "") -> None:
    """Raise ExperimentError("network.sizes") unless n_0 and n_N fit the data.

    counted: how n_0 was counted from a table's columns (`InputEncoding.describe()`), told in the message.

    A binary problem takes 1 output (sigmoid) or 2 (one-hot, e.g. softmax); multiclass
    takes K; regression takes one per target column.
    """
    sizes = list(sizes)
    if sizes[0] != n_inputs:
        how = f" ({counted})" if counted else ""
        raise ExperimentError("network.sizes", f"the data has {n_inputs} input feature{'s' * (n_inputs != 1)}{how}, "
                              f"so sizes[0] must be {n_inputs}, got {sizes}")
    allowed = {n_outputs} | ({2} if problem == "binary" else set())
    if sizes[-1] not in allowed:
        need = " or ".join(str(n) for n in sorted(allowed))
        what = {"binary": "a binary classification (1 sigmoid output or 2 one-hot outputs)",
                "multiclass": f"{n_outputs} classes", "regression": f"{n_outputs} regression target(s)"}[problem]
        raise ExperimentError("network.sizes", f"the data is {what}, so the last size must be {need}, got {sizes}")


__all__ = ["DatasetSettings", "SOURCES", "check_sizes"]
