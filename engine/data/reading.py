"""Reading a data file safely: the size limit, gzip detection, and turning a target column into labels.

Every problem with a file ends in `DataError`, whose message names the file and, where it
applies, the row (1-based line number as an editor shows it; for arrays the example number)
and the column (1-based). Gzip-compressed files are recognised by their first bytes and
unpacked on the fly. No file may be larger than `MAX_FILE_BYTES` once uncompressed.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from engine.core.errors import ConfigurationError, DataError
from engine.data.dataset import MAX_CLASSES, PROBLEMS, Dataset

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Largest file (uncompressed) the loaders accept: 200 MiB."""

MAX_AUTO_CLASSES = 20
"""A numeric target with at most this many distinct whole-number values is read as class labels."""


def too_large(path: Path) -> DataError:
    return DataError(f"file is larger than the {MAX_FILE_BYTES / 2**20:g} MB limit "
                     f"(engine.data.reading.MAX_FILE_BYTES) once uncompressed", path)


def read_bytes(path: Path) -> bytes:
    """The file's contents, gunzipped if it starts with the gzip magic bytes; size-limited."""
    try:
        with open(path, "rb") as handle:
            compressed = handle.read(2) == b"\x1f\x8b"
            handle.seek(0)
            if compressed:
                try:
                    with gzip.GzipFile(fileobj=handle) as unpacked:
                        data = unpacked.read(MAX_FILE_BYTES + 1)
                except (OSError, EOFError, zlib.error) as exc:
                    raise DataError(f"damaged gzip data ({exc})", path) from None
            else:
                if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                    raise too_large(path)
                data = handle.read()
    except FileNotFoundError:
        raise DataError("file not found", path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a data file", path) from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", path) from None
    if len(data) > MAX_FILE_BYTES:
        raise too_large(path)
    return data


def dataset_from_file(path: Path, X, **fields) -> Dataset:
    """A Dataset read from `path`; its consistency errors name the file."""
    try:
        return Dataset(X, **fields)
    except DataError as exc:
        if exc.path is not None:
            raise
        raise DataError(exc.reason, path, exc.row, exc.column) from None


def check_problem(problem: str | None) -> None:
    if problem is not None and problem not in PROBLEMS:
        raise ConfigurationError(f"problem must be one of {', '.join(PROBLEMS)} or None, got {problem!r}")


def short_repr(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def format_class(value: float) -> str:
    return str(int(value)) if abs(value) < 1e15 else repr(value)


def classes_from_numbers(y: np.ndarray, problem: str | None, path, row_of, column, what: str):
    """Interpret a numeric target vector: class labels (whole numbers, few values) or regression targets.

    Returns ("targets", y) or ("labels", labels, class_names, problem).
    """
    bad = ~np.isfinite(y)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{what} value {y[i]} is not a finite number (NaN and infinity are not allowed)",
                        path, row_of(i), column)
    whole = y == np.round(y)
    distinct = np.unique(y)
    if problem is None:
        problem = "classification" if whole.all() and len(distinct) <= MAX_AUTO_CLASSES else "regression"
    if problem == "regression":
        return ("targets", y)
    if not whole.all():
        i = int(np.argmin(whole))
        raise DataError(f"{what} value {y[i]:g} is not a whole number, so it cannot be a class label "
                        "(load it as a regression target instead)", path, row_of(i), column)
    labels = np.searchsorted(distinct, y).astype(np.int64)
    return labelled(labels, tuple(format_class(v) for v in distinct), problem, path, column, what)


def classes_from_strings(values: list[str], problem: str | None, path, column, what: str):
    names = tuple(sorted(set(values)))
    index = {name: k for k, name in enumerate(names)}
    labels = np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))
    return labelled(labels, names, problem, path, column, what)


def labelled(labels, names, problem, path, column, what):
    K = len(names)
    if K < 2:
        raise DataError(f"{what} has only one class ({names[0]!r}); classification needs at least two",
                        path, column=column)
    if K > MAX_CLASSES:
        raise DataError(f"{what} has {K} different classes, more than the {MAX_CLASSES} allowed", path, column=column)
    if problem == "binary" and K != 2:
        raise DataError(f"{what} has {K} classes, but a binary problem needs exactly 2", path, column=column)
    if problem in (None, "classification"):
        problem = "binary" if K == 2 else "multiclass"
    return ("labels", labels, names, problem)
