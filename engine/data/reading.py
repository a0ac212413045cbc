"""Reading a data file safely: the size limit, gzip detection, and turning a target column into labels.

Every problem with a file ends in `DataError`, whose message names the file and, where it
applies, the row (1-based line number as an editor shows it; for arrays the example number)
and the column (1-based). Gzip-compressed files are recognised by their first bytes and
unpacked on the fly. No file may be larger than `MAX_FILE_BYTES` once uncompressed.

Every file the engine reads (data, experiments, weights) is opened by `open_regular`, which
refuses FIFOs, devices and sockets before reading a byte, so nothing can hang on a pipe or
grow without bound on /dev/zero. Text tables are also held to `PARSE_MEMORY_BUDGET`: the
memory parsing would take is estimated from the bytes, rows and fields before any row is built.
"""

from __future__ import annotations

import fcntl
import gzip
import os
import stat
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


PARSE_MEMORY_BUDGET = 2 * 1024**3
"""Most memory a text table may take while being parsed (Python lists of strings): 2 GiB."""

MAX_COLUMNS = 10_000
"""Widest text table read (MNIST as CSV has 785 columns): checked on the split rows, before any column
is converted, and before the workbench builds a check box per column."""

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Longest line of a text table: 16 MiB (100 000 columns of 160 characters)."""

_BYTES_PER_FIELD = 64
"""Parsing cost of one field: a Python str (~50 bytes + its text) and its list slot."""

_BYTES_PER_ROW = 120
"""Parsing cost of one row besides its fields: the row list, its line number, the line's str."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file; reading it could wait forever"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def open_regular(path, error=DataError):
    """Open `path` for binary reading, refusing anything but a regular file before a byte is read.

    The file is opened without blocking (a FIFO with no writer would block `open` itself)
    and checked with fstat on the open descriptor, so it cannot be swapped in between.
    `error(reason, path)` builds the exception; FileNotFoundError etc. become it too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise error(f"file not found ({exc.strerror})", path) from None
    except IsADirectoryError:
        raise error("is a folder, not a file", path) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror or exc})", path) from None
    problem = _kind(os.fstat(fd).st_mode)
    if problem is not None:
        os.close(fd)
        raise error(problem, path)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return os.fdopen(fd, "rb")


def read_limited(path, limit: int, error=DataError) -> bytes:
    """A regular file's raw bytes, refused (without reading) if it is larger than `limit`."""
    with open_regular(path, error) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise error(f"is {size / 2**20:.1f} MB, larger than the {limit / 2**20:g} MB limit", path)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read the file ({exc.strerror or exc})", path) from None
    if len(data) > limit:  # grew while being read
        raise error(f"is larger than the {limit / 2**20:g} MB limit", path)
    return data


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.3g} MB"


def check_table_budget(data: bytes, path) -> None:
    """Refuse a text table whose parsing would exceed `PARSE_MEMORY_BUDGET` or has a line over `MAX_LINE_BYTES`.

    Estimated from counts alone (rows = newlines, fields ≤ rows + the most frequent delimiter),
    before any row is split.
    """
    rows = data.count(b"\n") + 1
    fields = rows + max(data.count(d) for d in (b",", b"\t", b";", b" "))
    estimate = rows * _BYTES_PER_ROW + fields * _BYTES_PER_FIELD + 2 * len(data)
    if estimate > PARSE_MEMORY_BUDGET:
        raise DataError(f"{rows:_} rows and up to {fields:_} fields would take about {_size(estimate)} to "
                        f"parse, more than the {_size(PARSE_MEMORY_BUDGET)} budget "
                        "(engine.data.reading.PARSE_MEMORY_BUDGET); use fewer rows or an .npy/.npz file", path)
    if len(data) > MAX_LINE_BYTES:
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        gaps = np.diff(ends, prepend=-1, append=len(data))
        longest = int(gaps.max()) - 1
        if longest > MAX_LINE_BYTES:
            row = int(np.argmax(gaps)) + 1
            raise DataError(f"a line is {longest / 2**20:.1f} MB long, more than the {MAX_LINE_BYTES / 2**20:g} MB "
                            "limit (engine.data.reading.MAX_LINE_BYTES)", path, row)


def read_bytes(path: Path) -> bytes:
    """The file's contents, gunzipped if it starts with the gzip magic bytes; size-limited."""
    try:
        with open_regular(path) as handle:
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
    return str(int(value)) if abs(value) < 1e15 else repr(float(value))


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
