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
    MAX_COLUMNS,
    check_problem,
    check_table_budget,
    classes_from_numbers,
    classes_from_strings,
    dataset_from_file,
    read_bytes,
    short_repr,
)
from engine.data.table_columns import (
    Cells,
    check_missing,
    check_skip_rows,
    feature_matrix,
    is_number,
    read_cells,
    rows_to_keep,
    summarize,
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


def split_rows(text: str, delimiter: str, path: Path, first_line: int = 1) -> tuple[list[list[str]], list[int]]:
    """Non-blank, non-comment rows as stripped fields, with their 1-based line numbers (`text` starts at `first_line`)."""
    rows, lines = [], []
    if delimiter == WHITESPACE:
        for number, line in enumerate(text.split("\n"), first_line):
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                rows.append(fields)
                lines.append(number)
        return rows, lines
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    start = first_line  # first line of the current record (a quoted field may span lines)
    try:
        for raw in reader:
            fields = [field.strip() for field in raw]
            if any(fields) and not fields[0].startswith("#"):
                rows.append(fields)
                lines.append(start)
            start = first_line + reader.line_num
    except csv.Error as exc:
        raise DataError(f"cannot be read as delimited text ({exc})", path, start) from None
    return rows, lines


def looks_like_header(rows: list[list[str]], tokens: frozenset[str] = frozenset()) -> bool:
    """A header has a text field above a column of numbers (missing cells allowed), or is all text if it is the only row."""
    first = rows[0]
    if len(rows) == 1:
        return not any(is_number(v) for v in first)
    below = rows[1: 1 + SNIFF_LINES]

    def numeric(j):
        present = [r[j] for r in below if j < len(r) and r[j] not in tokens]
        return bool(present) and all(j < len(r) for r in below) and all(is_number(v) for v in present)
    return any(name not in tokens and not is_number(name) and numeric(j) for j, name in enumerate(first))


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


def read_table(path: Path, delimiter=None, header=None, skip_rows: int = 0, tokens: frozenset[str] = frozenset()):
    """(rows, line numbers, column names, header?, delimiter) of a delimited text file, rows all of one width."""
    data = read_bytes(path)
    check_table_budget(data, path)
    return parse_table(decode_text(data, path), path, delimiter, header, skip_rows, tokens)


def parse_table(text: str, path: Path, delimiter=None, header=None, skip_rows: int = 0, tokens: frozenset[str] = frozenset()):
    """`read_table` on decoded text (e.g. the first kilobytes of a file, for a preview)."""
    skip_rows = check_skip_rows(skip_rows)
    if skip_rows:
        cut = -1
        for _ in range(skip_rows):
            cut = text.find("\n", cut + 1)
            if cut < 0:
                raise DataError(f"has fewer than skip_rows={skip_rows} lines", path)
        text = text[cut + 1:]
    if delimiter in (None, "auto"):
        delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text[:1 << 16].split("\n")[:SNIFF_LINES * 2])
    delimiter = _DELIMITER_ALIASES.get(delimiter, delimiter)
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\n\r":
        raise ConfigurationError(f"delimiter must be one character such as ',', '\\t', ';' or ' ', got {delimiter!r}")
    rows, lines = split_rows(text, delimiter, path, skip_rows + 1)
    if not rows:
        raise DataError("file is empty: it has no data rows" + (f" after the first {skip_rows} lines" if skip_rows else ""), path)
    if len(rows[0]) > MAX_COLUMNS:
        raise DataError(f"has more than the {MAX_COLUMNS:_} columns a table may have (its first row: at least "
                        f"{len(rows[0]):_} {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated values)", path, lines[0])
    if len(rows[0]) > 1 and all(r[-1] == "" for r in rows):  # every row ends with a delimiter
        rows = [r[:-1] for r in rows]
    if delimiter != "," and "," in text:  # "1,5" means 1.5 where the delimiter is not a comma
        rows = [[f.replace(",", ".") if _DECIMAL_COMMA.fullmatch(f) else f for f in row] for row in rows]
    width = len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != width:
            hint = "; set skip_rows to skip lines before the table" if line == lines[1] else ""
            raise DataError(f"row has {len(row)} values but row {lines[0]} has {width} "
                            f"({_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated){hint}", path, line)
    if header in (None, "auto"):
        header = looks_like_header(rows, tokens)
    if not isinstance(header, bool):
        raise ConfigurationError(f"header must be true, false or \"auto\", got {header!r}")
    names = [f"column {j + 1}" for j in range(width)]
    if header:
        names = [n or f"column {j + 1}" for j, n in enumerate(rows[0])]
        for j, n in enumerate(names):
            if names.index(n) != j:
                raise DataError(f"column name {n!r} appears twice in the header", path, lines[0], j + 1)
        rows, header_line, lines = rows[1:], lines[0], lines[1:]
        if not rows:
            raise DataError("has a header row but no data rows", path, header_line)
    if width < 2:
        raise DataError("has only one column; it needs feature columns and a target column "
                        f"(delimiter used: {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}; "
                        "set the delimiter if that is wrong)", path)
    return rows, lines, names, header, delimiter


def load_csv(path, features=None, target=None, delimiter=None, header=None, skip_rows=0, missing="error",
             missing_values=None, problem=None, name=None) -> Dataset:
    """Load a delimited text table: one example per row, feature columns and a target column.

    delimiter: ",", "\\t", ";", " " (any whitespace) or None / "auto" to guess. header: True,
    False or None / "auto" to guess. skip_rows: lines before the header (or the data) to skip.
    features / target: column names or 0-based indices (target may be a list for several
    regression outputs); by default the last column is the target and the rest are features.
    missing / missing_values: what a missing cell is and what is done with its row (see
    `engine.data.table_columns`). A text feature column becomes one-hot inputs "name=category".
    Text class labels become classes in sorted order; a numeric target with at most
    `MAX_AUTO_CLASSES` distinct whole numbers is read as classes, otherwise as a regression
    target. `problem` overrides that guess. Lines starting with "#" are comments. With a
    delimiter other than a comma, a decimal comma ("1,5") is read as a decimal point.
    The Dataset's `summary` says which rows were kept and how the inputs were counted.
    """
    path = Path(path)
    check_problem(problem)
    missing, tokens = check_missing(missing, missing_values)
    rows, lines, names, header, _ = read_table(path, delimiter, header, skip_rows, tokens)
    width = len(names)
    target_cols = _columns(width - 1 if target is None else target, names, path, "target")
    if features is None:
        feature_cols = [j for j in range(width) if j not in target_cols]
    else:
        feature_cols = _columns(features, names, path, "feature")
        if set(feature_cols) & set(target_cols):
            raise ConfigurationError("a column cannot be both a feature and the target")
    if not feature_cols:
        raise ConfigurationError("no feature columns are left after choosing the target")
    if len(target_cols) > 1 and problem not in (None, "regression"):
        raise ConfigurationError("several target columns are only possible for regression")

    columns = [read_cells([row[j] for row in rows], names[j], j + 1, tokens, lines, path) for j in feature_cols]
    targets = [_target_cells(rows, j, names, tokens, lines, path, numeric=len(target_cols) > 1) for j in target_cols]
    target_missing = np.logical_or.reduce([t.missing for t in targets])
    keep = rows_to_keep(columns, target_missing, missing, lines, path, targets[int(np.argmax([t.missing.any() for t in targets]))])
    X, encoding = feature_matrix(columns, keep, missing, path)
    labels = [n if header else f"x{i + 1}" for i, n in enumerate(names[j] for j in feature_cols)]
    feature_names = tuple(f"{labels[i]}={v}" if t is not None else labels[i]
                          for i, c in enumerate(columns)
                          for t in [encoding.column_of(c.name)]
                          for v in (t.categories if t is not None else (None,)))
    target_label = ", ".join(names[j] for j in target_cols)
    summary = summarize(columns, keep, target_missing, missing, target_label, encoding)
    fields = dict(feature_names=feature_names, name=name if name is not None else path.name,
                  encoding=encoding, summary=summary)
    kept_lines = [line for line, k in zip(lines, keep) if k] if not keep.all() else lines
    return dataset_from_file(path, X, **fields, **_target_fields(targets, keep, kept_lines, header, problem, path))


def _target_cells(rows, j, names, tokens, lines, path, numeric: bool) -> Cells:
    values = [row[j] for row in rows]
    if numeric:
        return read_cells(values, names[j], j + 1, tokens, lines, path, role="target")
    return Cells(names[j], j + 1, values, None, np.fromiter((v in tokens for v in values), dtype=bool, count=len(values)))


def _target_fields(targets: list[Cells], keep, lines, header: bool, problem, path) -> dict:
    """The Dataset fields for the target column(s) over the kept rows: labels and class names, or targets."""
    if len(targets) > 1:
        Y = np.column_stack([t.numbers[keep] for t in targets])
        names = tuple(t.name for t in targets) if header else tuple(f"y{i + 1}" for i in range(len(targets)))
        return dict(targets=Y, target_names=names)
    t = targets[0]
    what = f"target column {t.name!r}"
    values = [v for v, k in zip(t.cells, keep) if k] if not keep.all() else t.cells
    if all(is_number(v) for v in values):
        result = classes_from_numbers(np.array([float(v) for v in values]), problem, path, lambda i: lines[i], t.column, what)
    elif problem == "regression":
        i = next(i for i, v in enumerate(values) if not is_number(v))
        raise DataError(f"target value {short_repr(values[i])} is not a number, so it cannot be a regression target",
                        path, lines[i], t.column)
    else:
        result = classes_from_strings(values, problem, path, t.column, what)
    if result[0] == "targets":
        return dict(targets=result[1], target_names=(t.name if header else "y",))
    _, labels, class_names, kind = result
    return dict(labels=labels, problem=kind, class_names=class_names)
