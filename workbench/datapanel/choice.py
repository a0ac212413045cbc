"""`DatasetChoice` and the pure (Qt-free) functions that turn an experiment "dataset" section into one.

Every choice is made through `engine.io.dataset_settings.DatasetSettings` and `engine.data.preparation.prepare`
with exactly the arguments `engine.run.build` uses, so the data the panel shows is bit-for-bit the data
a run built from the saved experiment trains on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from engine.core.errors import WorkbenchError
from engine.data.dataset import Dataset
from engine.data.formats import FORMATS, file_dialog_filter, format_of, load_file
from engine.data.preparation import PreparedData, prepare
from engine.data.toys import BUILTIN
from engine.io.dataset_settings import DatasetSettings
from engine.io.experiment import MAX_UNITS as MAX_INPUTS
from engine.training.edits import MAX_UNITS

MAX_DRAWN = 1e100
"""Largest |input| the preview and the decision view draw (pyqtgraph's extent arithmetic overflows near 1e308)."""

FILE_FILTER = file_dialog_filter()


@dataclass(frozen=True, eq=False)
class DatasetChoice:
    """A dataset the user chose in the panel.

    section: the experiment's "dataset" dict (JSON-ready) that reproduces `data` exactly.
    dataset: the engine Dataset (raw units, all examples).
    data:    the PreparedData (split + standardisation) the trainer consumes.
    """

    section: Mapping[str, Any]
    dataset: Dataset
    data: PreparedData

    @property
    def n_inputs(self) -> int:
        return self.data.n_inputs

    @property
    def n_outputs(self) -> int:
        return self.data.n_outputs

    @property
    def problem(self) -> str:
        return self.data.problem

    @property
    def source(self) -> str:
        return next(k for k in ("builtin", "bundled", "file", "points") if k in self.section)

    def summary(self) -> str:
        """One line for a status bar: name, size, problem and the network ends it calls for."""
        d = self.data
        name = self.dataset.name or self.source
        kind = {"binary": "2 classes", "multiclass": f"{d.n_classes} classes", "regression": "regression"}[d.problem]
        return (f"{name}: {self.dataset.n_samples} examples ({d.n_train} train / {d.n_test} test), "
                f"{d.n_inputs} feature{'s' * (d.n_inputs != 1)}, {kind} → network {d.n_inputs} in, "
                f"{d.n_outputs} out")


def training_refusal(choice: DatasetChoice) -> str:
    """Why the window cannot train on `choice` ("" if it can), known before anything is built or drawn: its
    output layer needs one unit per class (or target), at most `MAX_UNITS` as in the designer, and the
    views draw inputs up to ±`MAX_DRAWN`."""
    name = choice.dataset.name or choice.source
    what = "targets" if choice.problem == "regression" else "classes"
    if choice.n_outputs > MAX_UNITS:
        return (f"{name} has {choice.n_outputs:_} {what}: the network's output layer needs one unit per "
                f"{what[:-1] if what == 'targets' else 'class'} and holds at most {MAX_UNITS}")
    if choice.n_inputs > MAX_INPUTS:
        return f"{name} has {choice.n_inputs:_} inputs: the network's input layer holds at most {MAX_INPUTS:_} units"
    X = choice.dataset.X
    if X.size and not float(np.abs(X).max()) <= MAX_DRAWN:
        return (f"{name} has inputs beyond ±{MAX_DRAWN:g}, more than the views can draw (their arithmetic "
                "overflows near the float limit); rescale the data")
    return ""


def section_seed(section: Mapping[str, Any], fallback: int = 0) -> int:
    seed = section.get("seed")
    return fallback if seed is None else int(seed)


def realize(section: Mapping[str, Any], base_dir=None, seed: int = 0) -> DatasetChoice:
    """Load/generate and prepare the data of a "dataset" section, as engine.run.build does.

    Raises WorkbenchError (ExperimentError, DataError, ConfigurationError) on bad input.
    """
    settings = DatasetSettings.from_dict(dict(section))
    seed = settings.seed if settings.seed is not None else seed
    dataset = settings.load(base_dir, seed)
    data = prepare(dataset, test_fraction=settings.test_fraction, standardize=settings.standardize, seed=seed)
    return DatasetChoice(settings.to_dict(), dataset, data)


def builtin_section(name: str, params: Mapping[str, Any], seed: int, test_fraction: float,
                    standardize: bool) -> dict:
    spec = BUILTIN[name]
    section: dict[str, Any] = {"builtin": name}
    for key in spec.defaults:
        section[key] = params.get(key, spec.defaults[key])
    section.update(seed=int(seed), test_fraction=float(test_fraction), standardize=bool(standardize))
    return section


def bundled_section(name: str, seed: int = 0, test_fraction: float = 0.2, standardize: bool = True) -> dict:
    return {"bundled": name, "seed": int(seed), "test_fraction": float(test_fraction), "standardize": bool(standardize)}


def is_text_file(path) -> bool:
    return format_of(path) is FORMATS["csv"]


def file_options(path, features=None, target=None, problem=None, reading=None) -> dict:
    """The options a "file" section carries (only those the file's loader takes); `reading`: header, missing, x_key, ..."""
    name = Path(path).name.lower().removesuffix(".gz")
    options: dict[str, Any] = {}
    if is_text_file(path):
        if features is not None:
            options["features"] = list(features)
        if target is not None:
            options["target"] = target
    elif name.endswith(".npy") and target is not None:
        options["target"] = target
    if problem is not None and format_of(name) is not FORMATS["idx"]:
        options["problem"] = problem
    options.update(reading or {})
    return options


def loader_options(options: Mapping[str, Any]) -> dict:
    """Loader keyword options from a file section's options (the section's IDX `labels` is the loader's labels_path)."""
    options = dict(options)
    if "labels" in options:
        options["labels_path"] = Path(options.pop("labels"))
    return options


def file_section(path, options: Mapping[str, Any], seed: int, test_fraction: float, standardize: bool) -> dict:
    section: dict[str, Any] = {"file": str(path)}
    section.update({k: v for k, v in options.items() if v is not None})
    section.update(seed=int(seed), test_fraction=float(test_fraction), standardize=bool(standardize))
    return section


def points_section(X, labels=None, targets=None, classes=None, seed: int = 0, test_fraction: float = 0.0,
                   standardize: bool = True) -> dict:
    X = np.asarray(X, dtype=np.float64)
    points: dict[str, Any] = {"X": [[float(v) for v in row] for row in X]}
    if labels is not None:
        points["labels"] = [int(v) for v in labels]
        if classes is not None:
            points["classes"] = [str(c) for c in classes]
    else:
        points["targets"] = [float(v) for v in np.asarray(targets, dtype=np.float64).reshape(-1)]
    return {"points": points, "seed": int(seed), "test_fraction": float(test_fraction),
            "standardize": bool(standardize)}


def load_and_prepare(path, options: Mapping[str, Any], seed: int, test_fraction: float,
                     standardize: bool) -> DatasetChoice:
    """Read a data file directly with the loaders (so a DataError keeps its file/row/column) and prepare it.

    Runs in a background thread: no Qt here.
    """
    dataset = load_file(Path(path), **loader_options(options))
    data = prepare(dataset, test_fraction=test_fraction, standardize=standardize, seed=seed)
    return DatasetChoice(file_section(path, options, seed, test_fraction, standardize), dataset, data)


def error_text(exc: BaseException, path=None) -> str:
    """A user-facing one-paragraph message for any failure (never a traceback)."""
    if isinstance(exc, WorkbenchError):
        text = str(exc)
        where = getattr(exc, "path", None)
        if where:  # show the file's name rather than its full path, then the row/column the loader named
            text = text.replace(str(where), Path(where).name, 1)
        elif path is not None and Path(path).name not in text:
            text = f"{Path(path).name}: {text}"
        return text
    if isinstance(exc, MemoryError):
        what = f"{Path(path).name}: " if path else ""
        return f"{what}not enough memory to load this data"
    what = f"{Path(path).name}: " if path else ""
    return f"{what}cannot be loaded ({type(exc).__name__}: {exc})"


def training_means(data: PreparedData) -> np.ndarray:
    """The mean of every input over the training split, in the units the network sees (standardised)."""
    if data.n_train == 0:
        return np.zeros(data.n_inputs)
    return np.asarray(data.X_train, dtype=np.float64).mean(axis=0)
