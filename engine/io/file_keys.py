"""The keys of a "file" dataset section that say how to read the file, checked per format.

    CSV/TSV   features, target (names or 0-based indices), problem, header ("auto" | true | false),
              skip_rows, delimiter ("auto" or one character), missing ("error" | "drop_rows" | "mean"),
              missing_values (the tokens that mark a missing cell)
    NPZ       x_key, y_key (array names), problem
    NPY       target (column index), problem
    IDX       labels (the labels file; a relative path is relative to the experiment file)

A key left out takes the loader's default and is not written back, so a section round-trips.
"""

from __future__ import annotations

from typing import Any

from engine.core.errors import ExperimentError
from engine.data.formats import format_of
from engine.data.table_columns import MISSING
from engine.io.validation import Section, array, describe, join, string, whole

PROBLEMS = ("binary", "multiclass", "regression")
FILE_KEYS = {
    "csv": ("features", "target", "problem", "header", "skip_rows", "delimiter", "missing", "missing_values"),
    "npz": ("x_key", "y_key", "problem"),
    "npy": ("target", "problem"),
    "idx": ("labels",),
}
ALL_KEYS = tuple(dict.fromkeys(k for keys in FILE_KEYS.values() for k in keys))
MAX_SKIP_ROWS = 1_000_000


def file_parameters(s: Section, name: str) -> dict[str, Any]:
    """Take and check the reading keys of section `s` for the file `name` (None for each key left out)."""
    fmt = format_of(name)
    allowed = FILE_KEYS.get(fmt.name, ALL_KEYS) if fmt is not None else ALL_KEYS
    params: dict[str, Any] = {}
    for key in ALL_KEYS:
        if key not in s:
            continue
        if key not in allowed:
            kinds = " or ".join(k.upper() for k, keys in FILE_KEYS.items() if key in keys)
            raise ExperimentError(s.key(key), f"is only for {kinds} files, not {fmt.description} files")
        params[key] = _CHECKS[key](s.take(key), s.key(key))
    return params


def _columns(value: Any, key: str):
    """A column (name or 0-based index), a list of them, or null."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_column(v, join(key, i)) for i, v in enumerate(array(value, key, 1)))
    return _column(value, key)


def _column(value: Any, key: str):
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExperimentError(key, f"a column is a name or a 0-based index, got {describe(value)}")
    return whole(value, key, -10**9, 10**9)


def _header(value: Any, key: str):
    if value is None or value == "auto":
        return None
    if not isinstance(value, bool):
        raise ExperimentError(key, f'must be "auto", true or false, got {describe(value)}')
    return value


def _delimiter(value: Any, key: str):
    if value is None or value == "auto":
        return None
    value = string(value, key)
    if value not in ("comma", "tab", "semicolon", "whitespace") and (len(value) != 1 or value in "\"\n\r"):
        raise ExperimentError(key, f'must be "auto" or one character such as ",", "\\t", ";" or " ", got {value!r}')
    return value


def _tokens(value: Any, key: str):
    return None if value is None else tuple(string(v, join(key, i)) for i, v in enumerate(array(value, key)))


def _optional_string(choices=None, what=""):
    return lambda value, key: None if value is None else string(value, key, choices, what)


_CHECKS = {
    "features": _columns, "target": _columns,
    "problem": _optional_string(PROBLEMS, "problem"),
    "header": _header,
    "skip_rows": lambda value, key: whole(value, key, 0, MAX_SKIP_ROWS),
    "delimiter": _delimiter,
    "missing": _optional_string(MISSING, "missing-value treatment"),
    "missing_values": _tokens,
    "x_key": _optional_string(), "y_key": _optional_string(), "labels": _optional_string(),
}
