"""From a table's text cells to inputs X: missing cells, numeric and text (one-hot) feature columns.

A cell is missing when it is one of the `missing_values` tokens. `missing` decides what
happens to a row with a missing feature cell: "error" (refuse, naming the row and column),
"drop_rows" (leave the row out) or "mean" (fill the cell with its column's mean over the rows
kept; for a text column that is the mean one-hot vector, i.e. the category frequencies). A row
whose target is missing cannot be trained on: it is always dropped unless missing="error".
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.core.errors import ConfigurationError, DataError
from engine.data.encoding import InputEncoding, LoadSummary, TextColumn
from engine.data.reading import short_repr

MISSING = ("error", "drop_rows", "mean")
MISSING_VALUES = ("", "NA", "N/A", "NaN", "nan", "?")
"""The default tokens that mark a missing cell."""
MAX_CATEGORIES = 200
"""A text feature column may hold at most this many categories (one input each)."""

_FIX = "set missing to drop_rows or mean, add the token to missing_values, or fix the file"


def check_missing(missing, missing_values) -> tuple[str, frozenset[str]]:
    """The `missing` mode and the set of missing-value tokens, checked."""
    if missing not in MISSING:
        raise ConfigurationError(f"missing must be one of {', '.join(MISSING)}, got {missing!r}")
    tokens = MISSING_VALUES if missing_values is None else missing_values
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise ConfigurationError(f"missing_values must be a list of strings, got {tokens!r}")
    return missing, frozenset(t.strip() for t in tokens)


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@dataclass
class Cells:
    """One column of a table as read: numbers (NaN where missing) or text cells, and the missing mask."""

    name: str
    column: int
    """1-based column number in the file."""
    cells: list[str]
    numbers: np.ndarray | None
    """The values, NaN where missing; None for a text column."""
    missing: np.ndarray


def read_cells(values: list[str], name: str, column: int, tokens: frozenset[str], lines, path: Path,
               role: str = "feature") -> Cells:
    """Classify one column: numeric if its present cells are numbers, text if most are not."""
    try:  # the common case: every cell is a number
        x = np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except ValueError:
        x = None
    if x is not None:
        nan = np.isnan(x)
        if nan.any():
            for i in np.flatnonzero(nan):
                if values[i] not in tokens:
                    raise DataError(f"{role} value {short_repr(values[i])} is not a finite number (column {name!r}); "
                                    f"add it to missing_values to treat it as missing", path, lines[i], column)
        _refuse_infinite(x, values, name, column, lines, path, role)
        return Cells(name, column, values, x, nan)
    missing = np.fromiter((v in tokens for v in values), dtype=bool, count=len(values))
    numeric = np.fromiter((not m and is_number(v) for v, m in zip(values, missing)), dtype=bool, count=len(values))
    n_text = len(values) - int(missing.sum()) - int(numeric.sum())
    if n_text == 0:
        x = np.array([np.nan if m else float(v) for v, m in zip(values, missing)], dtype=np.float64)
        _refuse_infinite(x, values, name, column, lines, path, role)
        return Cells(name, column, values, x, missing)
    if numeric.sum() >= n_text:  # a number column with stray text
        i = int(np.flatnonzero(~numeric & ~missing)[0])
        raise DataError(f"{role} value {short_repr(values[i])} is not a number (column {name!r} holds numbers); "
                        f"{_FIX}", path, lines[i], column)
    return Cells(name, column, values, None, missing)


def _refuse_infinite(x, values, name, column, lines, path, role) -> None:
    bad = np.isinf(x)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{role} value {short_repr(values[i])} is not a finite number (infinity is not allowed; "
                        f"column {name!r})", path, lines[i], column)


def refuse_missing(cells: Cells, lines, path: Path, role: str = "feature") -> None:
    """missing="error": the first missing cell, located, with what to do."""
    i = int(np.argmax(cells.missing))
    value = cells.cells[i]
    shown = "is empty" if value == "" else f"{short_repr(value)} is missing"
    raise DataError(f"{role} value {shown} (column {cells.name!r}); {_FIX}", path, lines[i], cells.column)


def feature_matrix(columns: list[Cells], keep: np.ndarray, missing: str, path: Path) -> tuple[np.ndarray, InputEncoding]:
    """X (T_kept, n_0) from the feature columns over the kept rows, and how its inputs were made."""
    blocks, numeric, text, width = [], [], [], 0
    for c in columns:
        absent = c.missing[keep]
        if c.numbers is not None:
            x = c.numbers[keep]
            if absent.any():
                if absent.all():
                    raise DataError(f"feature column {c.name!r} has no values in the rows kept", path, column=c.column)
                x = np.where(absent, x[~absent].mean(), x)
            blocks.append(x[:, None])
            numeric.append(c.name)
            width += 1
            continue
        cells = [v for v, k in zip(c.cells, keep) if k]
        categories = tuple(sorted({v for v, a in zip(cells, absent) if not a}))
        if len(categories) > MAX_CATEGORIES:
            raise DataError(f"text column {c.name!r} has {len(categories)} different values; as a feature it would become "
                            f"one input per value (at most {MAX_CATEGORIES}): leave it out of the features",
                            path, column=c.column)
        if not categories:
            raise DataError(f"feature column {c.name!r} has no values in the rows kept", path, column=c.column)
        index = {v: k for k, v in enumerate(categories)}
        codes = np.fromiter((index.get(v, -1) for v in cells), dtype=np.int64, count=len(cells))
        onehot = np.zeros((len(cells), len(categories)))
        present = np.flatnonzero(codes >= 0)
        onehot[present, codes[present]] = 1.0
        if absent.any():
            onehot[absent] = onehot[~absent].mean(axis=0)
        blocks.append(onehot)
        text.append(TextColumn(c.name, categories, width))
        width += len(categories)
    return np.hstack(blocks), InputEncoding(tuple(numeric), tuple(text))


def rows_to_keep(features: list[Cells], target_missing: np.ndarray, missing: str, lines, path: Path,
                 target_cells: Cells) -> np.ndarray:
    """The rows that stay: no missing target, and (unless filled with the mean) no missing feature."""
    if missing == "error":  # the first missing cell of the file, reading row by row
        columns = sorted([(c, "feature") for c in features] + [(target_cells, "target")], key=lambda p: p[0].column)
        holes = [(int(np.argmax(c.missing)), c.column, c, role) for c, role in columns if c.missing.any()]
        if holes:
            _, _, cells, role = min(holes, key=lambda h: h[:2])
            refuse_missing(cells, lines, path, role)
    keep = ~target_missing
    if missing == "drop_rows":
        for c in features:
            keep &= ~c.missing
    if not keep.any():
        raise DataError("has no rows left once the rows with missing values are dropped", path)
    return keep


def summarize(features: list[Cells], keep, target_missing, missing: str, target_name: str, encoding) -> LoadSummary:
    counted = tuple((c.name, int(c.missing[~target_missing].sum())) for c in features if c.missing[~target_missing].any())
    return LoadSummary(len(keep), int(keep.sum()), counted, missing, target_name, int(target_missing.sum()), encoding)


def check_skip_rows(skip_rows) -> int:
    if isinstance(skip_rows, bool) or not isinstance(skip_rows, numbers.Integral) or skip_rows < 0:
        raise ConfigurationError(f"skip_rows must be a whole number >= 0, got {skip_rows!r}")
    return int(skip_rows)
