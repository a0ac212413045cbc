"""Reading the user's own data files into a `Dataset`: CSV/TSV text, NPZ and NPY arrays, MNIST-style IDX.

Every problem with a file ends in `DataError`, whose message names the file and, where it
applies, the row (1-based line number as an editor shows it; for arrays the example number)
and the column (1-based). Files are never unpickled. Gzip-compressed files are recognised by
their first bytes and unpacked on the fly. No file may be larger than `MAX_FILE_BYTES` once
uncompressed.
"""

from __future__ import annotations

import csv
import gzip
import inspect
import io
import math
import numbers
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

from engine.datasets import MAX_CLASSES, PROBLEMS, Dataset
from engine.errors import ConfigurationError, DataError

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Largest file (uncompressed) the loaders accept: 200 MiB."""

MAX_AUTO_CLASSES = 20
"""A numeric target with at most this many distinct whole-number values is read as class labels."""

SNIFF_LINES = 50
"""How many lines are looked at to guess the delimiter and whether there is a header."""

WHITESPACE = " "
"""`delimiter=WHITESPACE` splits rows on any run of spaces and tabs."""

_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", WHITESPACE: "whitespace"}
_DELIMITER_ALIASES = {"comma": ",", "tab": "\t", "semicolon": ";", "whitespace": WHITESPACE}
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


# ---- common helpers -------------------------------------------------------------------

def _too_large(path: Path) -> DataError:
    return DataError(f"file is larger than the {MAX_FILE_BYTES / 2**20:g} MB limit "
                     f"(engine.loaders.MAX_FILE_BYTES) once uncompressed", path)


def _read_bytes(path: Path) -> bytes:
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
                    raise _too_large(path)
                data = handle.read()
    except FileNotFoundError:
        raise DataError("file not found", path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a data file", path) from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", path) from None
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(path)
    return data


def _dataset(path: Path, X, **fields) -> Dataset:
    """A Dataset read from `path`; its consistency errors name the file."""
    try:
        return Dataset(X, **fields)
    except DataError as exc:
        if exc.path is not None:
            raise
        raise DataError(exc.reason, path, exc.row, exc.column) from None


def _check_problem(problem: str | None) -> None:
    if problem is not None and problem not in PROBLEMS:
        raise ConfigurationError(f"problem must be one of {', '.join(PROBLEMS)} or None, got {problem!r}")


def _short(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def _format_class(value: float) -> str:
    return str(int(value)) if abs(value) < 1e15 else repr(value)


def _classes_from_numbers(y: np.ndarray, problem: str | None, path, row_of, column, what: str):
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
    return _labelled(labels, tuple(_format_class(v) for v in distinct), problem, path, column, what)


def _classes_from_strings(values: list[str], problem: str | None, path, column, what: str):
    names = tuple(sorted(set(values)))
    index = {name: k for k, name in enumerate(names)}
    labels = np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))
    return _labelled(labels, names, problem, path, column, what)


def _labelled(labels, names, problem, path, column, what):
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


# ---- CSV ------------------------------------------------------------------------------

def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError("contains NUL bytes: this looks like a binary file, not text", path, row)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise DataError(f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", path, row) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sniff_delimiter(lines: list[str]) -> str:
    """Tab, semicolon or comma if it splits every sample line into the same number (>1) of fields; else whitespace."""
    sample = [line for line in lines if line.strip() and not line.lstrip().startswith("#")][:SNIFF_LINES]
    if not sample:
        return ","
    for delimiter in ("\t", ";", ","):
        try:
            widths = {len(next(csv.reader([line], delimiter=delimiter))) for line in sample}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    widths = {len(line.split()) for line in sample}
    if len(widths) == 1 and widths.pop() > 1:
        return WHITESPACE
    # Inconsistent rows: use the delimiter seen on most lines, and let the ragged-row check report it.
    seen = {d: sum(d in line for line in sample) for d in ("\t", ";", ",")}
    best = max(seen, key=seen.get)
    return best if seen[best] else WHITESPACE


def _split_rows(text: str, delimiter: str, path: Path) -> tuple[list[list[str]], list[int]]:
    """Non-blank, non-comment rows as stripped fields, with their 1-based line numbers."""
    rows, lines = [], []
    if delimiter == WHITESPACE:
        for number, line in enumerate(text.split("\n"), 1):
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                rows.append(fields)
                lines.append(number)
        return rows, lines
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    start = 1  # first line of the current record (a quoted field may span lines)
    try:
        for raw in reader:
            fields = [field.strip() for field in raw]
            if any(fields) and not fields[0].startswith("#"):
                rows.append(fields)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"cannot be read as delimited text ({exc})", path, start) from None
    return rows, lines


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _looks_like_header(rows: list[list[str]]) -> bool:
    """A header has a text field above a column of numbers (or is all text, if it is the only row)."""
    first = rows[0]
    if len(rows) == 1:
        return not any(_is_number(v) for v in first)
    below = rows[1: 1 + SNIFF_LINES]
    return any(not _is_number(name) and all(j < len(r) and _is_number(r[j]) for r in below)
               for j, name in enumerate(first))


def _column(ref, names: list[str], path: Path, role: str) -> int:
    width = len(names)
    if isinstance(ref, numbers.Integral) and not isinstance(ref, bool):
        if -width <= ref < width:
            return int(ref) % width
        raise DataError(f"{role} column index {ref} is out of range: the file has {width} columns "
                        f"(indices 0..{width - 1}, or negative from the end)", path)
    if isinstance(ref, str):
        if ref in names:
            return names.index(ref)
        shown = ", ".join(repr(n) for n in names[:20]) + (", ..." if width > 20 else "")
        raise DataError(f"there is no {role} column named {ref!r}; the columns are {shown}", path)
    raise ConfigurationError(f"a {role} column is given by name or 0-based index, not {ref!r}")


def _columns(refs, names, path, role) -> list[int]:
    if isinstance(refs, (str, numbers.Integral)):
        refs = [refs]
    chosen = [_column(ref, names, path, role) for ref in refs]
    if len(set(chosen)) != len(chosen):
        raise ConfigurationError(f"the same {role} column is chosen twice")
    return chosen


def _float_matrix(data, lines, cols, names, path, role) -> np.ndarray:
    try:
        M = np.array([[float(row[j]) for j in cols] for row in data], dtype=np.float64)
    except ValueError:
        for row, line in zip(data, lines):
            for j in cols:
                if not _is_number(row[j]):
                    problem = "is empty" if not row[j] else f"value {_short(row[j])} is not a number"
                    raise DataError(f"{role} {problem} (column {names[j]!r})", path, line, j + 1) from None
        raise
    M = M.reshape(len(data), len(cols))
    bad = ~np.isfinite(M)
    if bad.any():
        i, c = np.argwhere(bad)[0]
        raise DataError(f"{role} value {_short(data[i][cols[c]])} is not a finite number "
                        f"(NaN and infinity are not allowed; column {names[cols[c]]!r})", path, lines[i], cols[c] + 1)
    return M


def load_csv(path, features=None, target=None, delimiter=None, header=None, problem=None, name=None) -> Dataset:
    """Load a delimited text table: one example per row, feature columns and a target column.

    delimiter: ",", "\\t", ";", " " (any whitespace) or None to guess. header: True, False or None
    to guess. features / target: column names or 0-based indices (target may be a list for
    several regression outputs); by default the last column is the target and the rest are
    features. Text class labels become classes in sorted order; a numeric target with at most
    `MAX_AUTO_CLASSES` distinct whole numbers is read as classes, otherwise as a regression
    target. `problem` overrides that guess. Lines starting with "#" are comments. With a
    delimiter other than a comma, a decimal comma ("1,5") is read as a decimal point.
    """
    path = Path(path)
    _check_problem(problem)
    text = _decode(_read_bytes(path), path)
    lines_of_text = text.split("\n")
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(lines_of_text)
    delimiter = _DELIMITER_ALIASES.get(delimiter, delimiter)
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\n\r":
        raise ConfigurationError(f"delimiter must be one character such as ',', '\\t', ';' or ' ', got {delimiter!r}")
    rows, lines = _split_rows(text, delimiter, path)
    if not rows:
        raise DataError("file is empty: it has no data rows", path)
    if len(rows[0]) > 1 and all(r[-1] == "" for r in rows):  # every row ends with a delimiter
        rows = [r[:-1] for r in rows]
    if delimiter != "," and "," in text:  # "1,5" means 1.5 where the delimiter is not a comma
        rows = [[f.replace(",", ".") if _DECIMAL_COMMA.fullmatch(f) else f for f in row] for row in rows]
    width = len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != width:
            raise DataError(f"row has {len(row)} values but row {lines[0]} has {width} "
                            f"({_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated)", path, line)
    if header is None:
        header = _looks_like_header(rows)
    if header:
        names = [n or f"column {j + 1}" for j, n in enumerate(rows[0])]
        for j, n in enumerate(names):
            if names.index(n) != j:
                raise DataError(f"column name {n!r} appears twice in the header", path, lines[0], j + 1)
        rows, header_line, lines = rows[1:], lines[0], lines[1:]
        if not rows:
            raise DataError("has a header row but no data rows", path, header_line)
    else:
        names = [f"column {j + 1}" for j in range(width)]
    if width < 2:
        raise DataError("has only one column; it needs feature columns and a target column "
                        f"(delimiter used: {_DELIMITER_NAMES.get(delimiter, repr(delimiter))})", path)

    target_cols = _columns(width - 1 if target is None else target, names, path, "target")
    if features is None:
        feature_cols = [j for j in range(width) if j not in target_cols]
    else:
        feature_cols = _columns(features, names, path, "feature")
        if set(feature_cols) & set(target_cols):
            raise ConfigurationError("a column cannot be both a feature and the target")
    if not feature_cols:
        raise ConfigurationError("no feature columns are left after choosing the target")

    X = _float_matrix(rows, lines, feature_cols, names, path, "feature")
    feature_names = tuple(names[j] for j in feature_cols) if header else tuple(f"x{i + 1}" for i in range(len(feature_cols)))
    dataset_name = name if name is not None else path.name
    if len(target_cols) > 1:
        if problem not in (None, "regression"):
            raise ConfigurationError("several target columns are only possible for regression")
        Y = _float_matrix(rows, lines, target_cols, names, path, "target")
        target_names = tuple(names[j] for j in target_cols) if header else tuple(f"y{i + 1}" for i in range(len(target_cols)))
        return _dataset(path, X, targets=Y, feature_names=feature_names, target_names=target_names, name=dataset_name)

    col = target_cols[0]
    what = f"target column {names[col]!r}"
    values = [row[col] for row in rows]
    for value, line in zip(values, lines):
        if not value:
            raise DataError(f"target value is missing ({what})", path, line, col + 1)
    numeric = all(_is_number(v) for v in values)
    if numeric:
        result = _classes_from_numbers(np.array([float(v) for v in values]), problem, path,
                                       lambda i: lines[i], col + 1, what)
    elif problem == "regression":
        i = next(i for i, v in enumerate(values) if not _is_number(v))
        raise DataError(f"target value {_short(values[i])} is not a number, so it cannot be a regression target",
                        path, lines[i], col + 1)
    else:
        result = _classes_from_strings(values, problem, path, col + 1, what)
    if result[0] == "targets":
        target_name = names[col] if header else "y"
        return _dataset(path, X, targets=result[1], feature_names=feature_names, target_names=(target_name,), name=dataset_name)
    _, labels, class_names, kind = result
    return _dataset(path, X, labels=labels, problem=kind, feature_names=feature_names, class_names=class_names, name=dataset_name)


# ---- NumPy arrays ---------------------------------------------------------------------

def _refuse_objects(exc: ValueError, path: Path) -> DataError:
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
        result = _classes_from_strings(values, problem, path, None, y_what)
    elif y.dtype.kind not in "biuf":
        raise DataError(f"{y_what} has dtype {y.dtype}; it must hold numbers or class names", path)
    elif y.ndim == 1:
        result = _classes_from_numbers(y.astype(np.float64), problem, path, row_of, None, y_what)
    elif y.ndim == 2:
        Y = y.astype(np.float64)
        one_hot = np.isin(Y, (0.0, 1.0)).all() and (Y.sum(axis=1) == 1).all()
        if problem == "regression" or (problem is None and not one_hot):
            if not np.isfinite(Y).all():
                raise DataError(f"{y_what} holds NaN or infinity", path, int(np.argwhere(~np.isfinite(Y))[0, 0]) + 1)
            return _dataset(path, X, targets=Y, name=name)
        if not one_hot:
            raise DataError(f"{y_what} has shape {y.shape} but is not one-hot, so it cannot be class labels", path)
        result = _labelled(Y.argmax(axis=1).astype(np.int64), tuple(str(k) for k in range(Y.shape[1])),
                           problem, path, None, y_what)
    else:
        raise DataError(f"{y_what} must be 1-D (labels or a target) or 2-D (targets), got shape {y.shape}", path)
    if result[0] == "targets":
        return _dataset(path, X, targets=result[1], name=name)
    _, labels, class_names, kind = result
    return _dataset(path, X, labels=labels, problem=kind, class_names=class_names, name=name)


def load_npz(path, x_key: str = "X", y_key: str = "y", problem=None, name=None) -> Dataset:
    """Load inputs and labels/targets from the arrays `x_key` and `y_key` of an `.npz` archive (no pickle)."""
    path = Path(path)
    _check_problem(problem)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except FileNotFoundError:
        raise DataError("file not found", path) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataError(f"is not a readable NPZ archive ({exc})", path) from None
    if unpacked > MAX_FILE_BYTES:
        raise _too_large(path)
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
        raise _refuse_objects(exc, path) from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"is a damaged NPZ archive ({exc})", path) from None
    return _from_arrays(X, y, path, problem, name, f"array {x_key!r}", f"array {y_key!r}")


def load_npy(path, target=-1, problem=None, name=None) -> Dataset:
    """Load a 2-D `.npy` array whose column `target` (default: the last) holds the labels or targets."""
    path = Path(path)
    _check_problem(problem)
    if target is None:
        raise DataError("a .npy file holds a single array, so one of its columns must be the target "
                        "(unlabelled data cannot be trained on; use target=-1 for the last column)", path)
    data = _read_bytes(path)
    try:
        A = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        raise _refuse_objects(exc, path) from None
    except (OSError, EOFError) as exc:
        raise DataError(f"is not a valid .npy file ({exc})", path) from None
    if not isinstance(A, np.ndarray):
        A.close()
        raise DataError("is an NPZ archive, not a single .npy array; load it with load_npz", path)
    if A.ndim != 2 or A.shape[1] < 2:
        raise DataError(f"must be a 2-D array with feature columns and a target column, got shape {A.shape}", path)
    col = _column(target, [f"column {j + 1}" for j in range(A.shape[1])], path, "target")
    X = np.delete(A, col, axis=1) if A.dtype.kind in "biuf" else A
    return _from_arrays(X, A[:, col], path, problem, name, "the array", f"target column {col + 1}")


# ---- IDX (MNIST, Fashion-MNIST) -------------------------------------------------------

_IDX_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def _read_idx(path: Path) -> np.ndarray:
    data = _read_bytes(path)
    if len(data) < 4:
        raise DataError(f"is only {len(data)} bytes long: not an IDX file, or truncated", path)
    if data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES or data[3] == 0:
        raise DataError(f"is not an IDX file: its magic number is 0x{data[:4].hex()}, expected 0x0000080n "
                        "(n = number of dimensions)", path)
    ndim = data[3]
    start = 4 + 4 * ndim
    if len(data) < start:
        raise DataError("is truncated inside its header", path)
    dims = struct.unpack(f">{ndim}I", data[4:start])
    dtype = _IDX_TYPES[data[2]]
    count = math.prod(dims)
    expected = count * dtype.itemsize
    if len(data) - start != expected:
        state = "truncated" if len(data) - start < expected else "longer than its header says"
        raise DataError(f"is {state}: the header promises {' x '.join(map(str, dims))} values ({expected} bytes) "
                        f"but {len(data) - start} bytes follow", path)
    return np.frombuffer(data, dtype=dtype, count=count, offset=start).reshape(dims)


def load_idx(images_path, labels_path, limit=None, seed=0, name=None) -> Dataset:
    """Load MNIST-style IDX images and labels (raw or .gz); images are flattened, bytes scaled to [0, 1].

    `limit` keeps a seeded random subset of that many examples (in file order).
    """
    images_path, labels_path = Path(images_path), Path(labels_path)
    images, labels = _read_idx(images_path), _read_idx(labels_path)
    if images.ndim < 2:
        raise DataError(f"holds a 1-D array of shape {images.shape}, not images; is it the labels file?", images_path)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise DataError(f"holds an array of shape {labels.shape} and type {labels.dtype}, "
                        "not one integer label per image", labels_path)
    if images.shape[0] != labels.shape[0]:
        raise DataError(f"holds {images.shape[0]} images but {labels_path.name} holds {labels.shape[0]} labels",
                        images_path)
    if images.shape[0] == 0:
        raise DataError("holds no images", images_path)
    if labels.min() < 0:
        raise DataError(f"holds a negative label {labels.min()}", labels_path)
    K = int(labels.max()) + 1
    if K > MAX_CLASSES:
        raise DataError(f"holds label {K - 1}, more than the {MAX_CLASSES} classes allowed", labels_path)
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 1:
            raise ConfigurationError(f"limit must be a positive whole number or None, got {limit!r}")
        if limit < images.shape[0]:
            keep = np.sort(np.random.default_rng(seed).choice(images.shape[0], size=int(limit), replace=False))
            images, labels = images[keep], labels[keep]
    X = images.reshape(images.shape[0], -1).astype(np.float64)
    if images.dtype == np.uint8:
        X *= 1.0 / 255.0
    if images.ndim == 3:
        features = tuple(f"pixel_{r}_{c}" for r in range(images.shape[1]) for c in range(images.shape[2]))
    else:
        features = ()
    return _dataset(images_path, X, labels=labels.astype(np.int64), problem="binary" if K == 2 else "multiclass",
                   feature_names=features, class_names=tuple(str(k) for k in range(max(K, 2))),
                   name=name if name is not None else images_path.name)


# ---- dispatch -------------------------------------------------------------------------

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".dat", ".data")


def _is_idx(filename: str) -> bool:
    return filename.endswith(("ubyte", ".idx", ".idx1", ".idx3")) or "-idx" in filename


def load_file(path, **options) -> Dataset:
    """Load any supported file by its suffix (.csv/.tsv/.txt, .npz, .npy, IDX, each optionally .gz).

    Options go to the matching loader; IDX images take `labels_path` (guessed from the MNIST
    naming "...-images-idx3-ubyte" -> "...-labels-idx1-ubyte" when omitted).
    """
    path = Path(path)
    filename = path.name.lower()
    if filename.endswith(".gz"):
        filename = filename[:-3]
    suffix = Path(filename).suffix
    if _is_idx(filename):
        labels_path = options.pop("labels_path", None)
        if labels_path is None:
            guess = path.with_name(path.name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1"))
            if guess == path or not guess.exists():
                raise DataError("is an IDX image file; give the matching labels file as labels_path", path)
            labels_path = guess
        loader, args = load_idx, (path, labels_path)
    elif suffix in TEXT_SUFFIXES:
        loader, args = load_csv, (path,)
    elif suffix == ".npz":
        loader, args = load_npz, (path,)
    elif suffix == ".npy":
        loader, args = load_npy, (path,)
    else:
        raise DataError(f"unknown file type {suffix or '(no suffix)'!r}; supported are "
                        f"{', '.join(TEXT_SUFFIXES)}, .npz, .npy and IDX (…-ubyte), optionally gzipped", path)
    try:
        inspect.signature(loader).bind(*args, **options)
    except TypeError as exc:
        raise ConfigurationError(f"{loader.__name__}: {exc}") from None
    return loader(*args, **options)
