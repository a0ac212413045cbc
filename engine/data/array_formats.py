"""NumPy arrays: `.npz` archives (X and y by key) and `.npy` matrices (target column); never unpickled."""

from __future__ import annotations

import io
import math
import tokenize
import zipfile
import zlib
from pathlib import Path

import numpy as np

from engine.core.errors import DataError
from engine.data import reading
from engine.data.csv_format import column_index
from engine.data.dataset import Dataset, first_non_finite
from engine.data.reading import (
    check_problem,
    classes_from_numbers,
    classes_from_strings,
    dataset_from_file,
    labelled,
    read_bytes,
    too_large,
)

NPY_MAGIC = b"\x93NUMPY"

MAX_LISTED_ARRAYS = 1000
"""`array_names` lists the members of archives with at most this many; larger ones are named by key."""

_END_RECORD = b"PK\x05\x06"  # a zip's end of central directory record: 22 bytes and a comment ≤ 64 KiB


def refuse_objects(exc: ValueError, path: Path) -> DataError:
    if "pickle" in str(exc).lower() or "object" in str(exc).lower():
        return DataError("holds Python objects (object arrays); they are refused because reading them "
                         "would need pickle, which can run arbitrary code", path)
    return DataError(f"is not a valid NumPy file ({exc})", path)


def read_npy(data: bytes, path: Path, what: str = "the file") -> np.ndarray:
    """One .npy array from its bytes (never unpickled); the header is checked against the bytes that follow.

    A wrong magic string, an unreadable header, object dtypes and a header promising more
    data than there is are each a DataError naming `path` (and `what`, e.g. an archive member).
    """
    if not data.startswith(NPY_MAGIC):
        raise DataError(f"{what} is not a .npy array: it starts with {data[:6]!r}, not {NPY_MAGIC!r}", path)
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(stream)
    except (ValueError, SyntaxError, TypeError, tokenize.TokenError) as exc:
        raise DataError(f"{what} has a malformed .npy header ({' '.join(str(exc).split())[:120]})", path) from None
    if dtype.hasobject:
        raise DataError(f"{what} holds Python objects (object arrays); they are refused because reading them "
                        "would need pickle, which can run arbitrary code", path)
    needed = math.prod(shape) * dtype.itemsize
    available = len(data) - stream.tell()
    if needed != available:
        raise DataError(f"{what} has a .npy header promising shape {shape} of {dtype} ({needed:_} bytes), but "
                        f"{available:_} bytes follow", path)
    A = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=stream.tell())
    return A.reshape(shape, order="F" if fortran else "C")


def _from_arrays(X, y, path: Path, problem, name, x_what: str, y_what: str) -> Dataset:
    """A Dataset from an input array and a target array read from `path`."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise DataError(f"{x_what} has dtype {X.dtype}; it must hold numbers", path)
    if X.ndim == 0 or X.shape[0] == 0 or X.size == 0:
        raise DataError(f"{x_what} holds no examples (shape {X.shape})", path)
    X = X.reshape(X.shape[0], -1)
    bad = first_non_finite(X)
    if bad is not None:
        i, j = bad
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


def read_members(path, limits: dict, kind: str = "NPZ archive", total: int | None = None) -> dict[str, np.ndarray]:
    """The arrays `limits` names from an .npz archive, each member's size checked before it is read.

    limits: name → the largest uncompressed .npy member (header included) accepted, in bytes;
    `total`: the most all of them together may unpack to.
    Only these members are ever decompressed, so other members (a zip bomb, thousands of
    arrays) cost nothing; a missing member is a DataError listing the ones present.
    """
    try:
        with reading.open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
            present = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
            chosen = [present[name].file_size for name in limits if name in present]
            if total is not None and sum(chosen) > total:
                raise too_large(path)
            out = {}
            for name, limit in limits.items():
                info = present.get(name)
                if info is None:
                    raise DataError(f"has no array named {name!r}; the arrays present are "
                                    f"{', '.join(repr(k) for k in list(present)[:20]) or 'none'}", path)
                if info.file_size > limit:
                    raise DataError(f"array {name!r} unpacks to {info.file_size:_} bytes, more than the {limit:_} "
                                    "allowed here", path)
                out[name] = read_npy(archive.read(info), path, f"array {name!r}")
    except DataError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        raise DataError(f"is not a readable {kind} ({exc})", path) from None
    return out


def member_count(handle) -> int:
    """How many members the zip archive open in `handle` declares, read from its end record only
    (65 535 for a ZIP64 archive: at least that many); the central directory itself is not parsed."""
    size = handle.seek(0, io.SEEK_END)
    tail = min(size, 22 + 0xFFFF)
    handle.seek(size - tail)
    data = handle.read(tail)
    at = data.rfind(_END_RECORD)
    if at < 0 or at + 22 > len(data):
        raise zipfile.BadZipFile("no end of central directory record")
    return int.from_bytes(data[at + 10: at + 12], "little")


def array_names(path, limit: int = MAX_LISTED_ARRAYS) -> list[str]:
    """The array names of an .npz archive, without reading any array; a DataError for an archive of more
    than `limit` members (their names are not listed: give x_key and y_key) or one that cannot be read."""
    path = Path(path)
    try:
        with reading.open_regular(path) as handle:
            count = member_count(handle)
            if count > limit:
                raise DataError(f"holds {count:_}{'+' if count == 0xFFFF else ''} members, too many to list "
                                f"(at most {limit:_}): type the names of the two arrays", path)
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                return [n.removesuffix(".npy") for n in archive.namelist() if n.endswith(".npy")]
    except DataError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise DataError(f"is not a readable NPZ archive ({exc})", path) from None


def load_npz(path, x_key: str = "X", y_key: str = "y", problem=None, name=None) -> Dataset:
    """Load inputs and labels/targets from the arrays `x_key` and `y_key` of an `.npz` archive (no pickle).

    Only those two members are read; together they may unpack to at most `MAX_FILE_BYTES`.
    """
    path = Path(path)
    check_problem(problem)
    limits = {x_key: reading.MAX_FILE_BYTES, y_key: reading.MAX_FILE_BYTES}
    arrays = read_members(path, limits, total=reading.MAX_FILE_BYTES)
    return _from_arrays(arrays[x_key], arrays[y_key], path, problem, name, f"array {x_key!r}", f"array {y_key!r}")


def load_npy(path, target=-1, problem=None, name=None) -> Dataset:
    """Load a 2-D `.npy` array whose column `target` (default: the last) holds the labels or targets."""
    path = Path(path)
    check_problem(problem)
    if target is None:
        raise DataError("a .npy file holds a single array, so one of its columns must be the target "
                        "(unlabelled data cannot be trained on; use target=-1 for the last column)", path)
    data = read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        raise DataError("is an NPZ archive, not a single .npy array; load it with load_npz", path)
    A = read_npy(data, path)
    if A.ndim != 2 or A.shape[1] < 2:
        raise DataError(f"must be a 2-D array with feature columns and a target column, got shape {A.shape}", path)
    col = column_index(target, [f"column {j + 1}" for j in range(A.shape[1])], path, "target")
    X = np.delete(A, col, axis=1) if A.dtype.kind in "biuf" else A
    return _from_arrays(X, A[:, col], path, problem, name, "the array", f"target column {col + 1}")
