"""CSV/TSV text tables: delimiter sniffing, header detection, columns by name or index, string labels."""

from __future__ import annotations

import csv
import io
import numbers
import re
from pathlib import Path

import numpy as np

from engine.core.errors import ConfigurationError, DataError
from engine.data.dataset import Dataset
from engine.data.reading import (
    check_problem,
    check_table_budget,
    classes_from_numbers,
    classes_from_strings,
    dataset_from_file,
    read_bytes,
    short_repr,
)

SNIFF_LINES = 50
"""How many lines are looked at to guess the delimiter and whether there is a header."""

WHITESPACE = " "
"""`delimiter=WHITESPACE` splits rows on any run of spaces and tabs."""

_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", WHITESPACE: "whitespace"}
_DELIMITER_ALIASES = {"comma": ",", "tab": "\t", "semicolon": ";", "whitespace": WHITESPACE}
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


def decode_text(data: bytes, path: Path) -> str:
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError("contains NUL bytes: this looks like a binary file, not text", path, row)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise DataError(f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", path, row) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_delimiter(lines: list[str]) -> str:
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


def split_rows(text: str, delimiter: str, path: Path) -> tuple[list[list[str]], list[int]]:
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


def looks_like_header(rows: list[list[str]]) -> bool:
    """A header has a text field above a column of numbers (or is all text, if it is the only row)."""
    first = rows[0]
    if len(rows) == 1:
        return not any(_is_number(v) for v in first)
    below = rows[1: 1 + SNIFF_LINES]
    return any(not _is_number(name) and all(j < len(r) and _is_number(r[j]) for r in below)
               for j, name in enumerate(first))


def column_index(ref, names: list[str], path: Path, role: str) -> int:
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
    chosen = [column_index(ref, names, path, role) for ref in refs]
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
                    problem = "is empty" if not row[j] else f"value {short_repr(row[j])} is not a number"
                    raise DataError(f"{role} {problem} (column {names[j]!r})", path, line, j + 1) from None
        raise
    M = M.reshape(len(data), len(cols))
    bad = ~np.isfinite(M)
    if bad.any():
        i, c = np.argwhere(bad)[0]
        raise DataError(f"{role} value {short_repr(data[i][cols[c]])} is not a finite number "
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
    check_problem(problem)
    data = read_bytes(path)
    check_table_budget(data, path)
    text = decode_text(data, path)
    lines_of_text = text.split("\n")
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(lines_of_text)
    delimiter = _DELIMITER_ALIASES.get(delimiter, delimiter)
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\n\r":
        raise ConfigurationError(f"delimiter must be one character such as ',', '\\t', ';' or ' ', got {delimiter!r}")
    rows, lines = split_rows(text, delimiter, path)
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
        header = looks_like_header(rows)
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
        return dataset_from_file(path, X, targets=Y, feature_names=feature_names, target_names=target_names, name=dataset_name)

    col = target_cols[0]
    what = f"target column {names[col]!r}"
    values = [row[col] for row in rows]
    for value, line in zip(values, lines):
        if not value:
            raise DataError(f"target value is missing ({what})", path, line, col + 1)
    numeric = all(_is_number(v) for v in values)
    if numeric:
        result = classes_from_numbers(np.array([float(v) for v in values]), problem, path,
                                       lambda i: lines[i], col + 1, what)
    elif problem == "regression":
        i = next(i for i, v in enumerate(values) if not _is_number(v))
        raise DataError(f"target value {short_repr(values[i])} is not a number, so it cannot be a regression target",
                        path, lines[i], col + 1)
    else:
        result = classes_from_strings(values, problem, path, col + 1, what)
    if result[0] == "targets":
        target_name = names[col] if header else "y"
        return dataset_from_file(path, X, targets=result[1], feature_names=feature_names, target_names=(target_name,),
                                 name=dataset_name)
    _, labels, class_names, kind = result
    return dataset_from_file(path, X, labels=labels, problem=kind, feature_names=feature_names, class_names=class_names,
                             name=dataset_name)
