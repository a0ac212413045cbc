"""NumPy arrays: `.npz` archives (X and y by key) and `.npy` matrices (target column); never unpickled."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import numpy as np

from engine.core.errors import DataError
from engine.data import reading
from engine.data.csv_format import column_index
from engine.data.dataset import Dataset
from engine.data.reading import (
    check_problem,
    classes_from_numbers,
    classes_from_strings,
    dataset_from_file,
    labelled,
    read_bytes,
    too_large,
)


def refuse_objects(exc: ValueError, path: Path) -> DataError:
    if "pickle" in str(exc).lower() or "object" in str(exc).lower():
        return DataError("holds Python objects (object arrays); they are refused because reading them "
                         "would need pickle, which can run arbitrary code", path)
    return DataError(f"is not a valid NumPy file ({exc})", path)


def _from_arrays(X, y, path: Path, problem, name, x_what: str, y_what: str) -> Dataset:
    """A Dataset from an input array and a target array read from `path`."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise DataError(f"{x_what} has dtype {X.dtype}; it must hold numbers", path)
    if X.ndim == 0 or X.shape[0] == 0 or X.size == 0:
        raise DataError(f"{x_what} holds no examples (shape {X.shape})", path)
    X = X.reshape(X.shape[0], -1)
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(f"{x_what} value {X[i, j]} is not a finite number", path, int(i) + 1, int(j) + 1)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise DataError(f"{x_what} has {X.shape[0]} examples but {y_what} has "
                        f"{'no' if y.ndim == 0 else y.shape[0]} entries (shape {y.shape})", path)
    row_of = lambda i: i + 1  # noqa: E731 - the example number is the array row
    name = name if name is not None else path.name
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.dtype.kind in "US":
        values = [str(v) for v in y.reshape(len(y), -1)[:, 0]] if y.ndim == 1 else None
        if values is None:
            raise DataError(f"{y_what} holds text with shape {y.shape}; class names must be one per example", path)
        if problem == "regression":
            raise DataError(f"{y_what} holds text, which cannot be a regression target", path)
        result = classes_from_strings(values, problem, path, None, y_what)
    elif y.dtype.kind not in "biuf":
        raise DataError(f"{y_what} has dtype {y.dtype}; it must hold numbers or class names", path)
    elif y.ndim == 1:
        result = classes_from_numbers(y.astype(np.float64), problem, path, row_of, None, y_what)
    elif y.ndim == 2:
        Y = y.astype(np.float64)
        one_hot = np.isin(Y, (0.0, 1.0)).all() and (Y.sum(axis=1) == 1).all()
        if problem == "regression" or (problem is None and not one_hot):
            if not np.isfinite(Y).all():
                raise DataError(f"{y_what} holds NaN or infinity", path, int(np.argwhere(~np.isfinite(Y))[0, 0]) + 1)
            return dataset_from_file(path, X, targets=Y, name=name)
        if not one_hot:
            raise DataError(f"{y_what} has shape {y.shape} but is not one-hot, so it cannot be class labels", path)
        result = labelled(Y.argmax(axis=1).astype(np.int64), tuple(str(k) for k in range(Y.shape[1])),
                           problem, path, None, y_what)
    else:
        raise DataError(f"{y_what} must be 1-D (labels or a target) or 2-D (targets), got shape {y.shape}", path)
    if result[0] == "targets":
        return dataset_from_file(path, X, targets=result[1], name=name)
    _, labels, class_names, kind = result
    return dataset_from_file(path, X, labels=labels, problem=kind, class_names=class_names, name=name)


def load_npz(path, x_key: str = "X", y_key: str = "y", problem=None, name=None) -> Dataset:
    """Load inputs and labels/targets from the arrays `x_key` and `y_key` of an `.npz` archive (no pickle)."""
    path = Path(path)
    check_problem(problem)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except FileNotFoundError:
        raise DataError("file not found", path) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataError(f"is not a readable NPZ archive ({exc})", path) from None
    if unpacked > reading.MAX_FILE_BYTES:
        raise too_large(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            keys = list(archive.files)
            for key in (x_key, y_key):
                if key not in keys:
                    raise DataError(f"has no array named {key!r}; the arrays present are "
                                    f"{', '.join(repr(k) for k in keys) or 'none'}", path)
            X, y = archive[x_key], archive[y_key]
    except DataError:
        raise
    except ValueError as exc:
        raise refuse_objects(exc, path) from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"is a damaged NPZ archive ({exc})", path) from None
    return _from_arrays(X, y, path, problem, name, f"array {x_key!r}", f"array {y_key!r}")


def load_npy(path, target=-1, problem=None, name=None) -> Dataset:
    """Load a 2-D `.npy` array whose column `target` (default: the last) holds the labels or targets."""
    path = Path(path)
    check_problem(problem)
    if target is None:
        raise DataError("a .npy file holds a single array, so one of its columns must be the target "
                        "(unlabelled data cannot be trained on; use target=-1 for the last column)", path)
    data = read_bytes(path)
    try:
        A = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        raise refuse_objects(exc, path) from None
    except (OSError, EOFError) as exc:
        raise DataError(f"is not a valid .npy file ({exc})", path) from None
    if not isinstance(A, np.ndarray):
        A.close()
        raise DataError("is an NPZ archive, not a single .npy array; load it with load_npz", path)
    if A.ndim != 2 or A.shape[1] < 2:
        raise DataError(f"must be a 2-D array with feature columns and a target column, got shape {A.shape}", path)
    col = column_index(target, [f"column {j + 1}" for j in range(A.shape[1])], path, "target")
    X = np.delete(A, col, axis=1) if A.dtype.kind in "biuf" else A
    return _from_arrays(X, A[:, col], path, problem, name, "the array", f"target column {col + 1}")
