"""How a table's columns became the network's inputs x, and what loading kept: `InputEncoding`, `LoadSummary`.

A numeric column is one input. A text column with categories c_1 < ... < c_m (sorted) becomes
m one-hot inputs named "column=c_i": x_i = 1 if the cell is c_i, else 0. The record travels
with the Dataset and the PreparedData, so every split, the inspector's input labels and the
slice view use the same encoding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextColumn:
    """One text column: its name, its sorted categories, and the index of its first one-hot input."""

    name: str
    categories: tuple[str, ...]
    first_input: int

    def input_names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}={c}" for c in self.categories)

    def encode(self, value: str) -> list[float]:
        """The one-hot inputs of one cell (all zeros for a category not seen when loading)."""
        return [1.0 if value == c else 0.0 for c in self.categories]


@dataclass(frozen=True)
class InputEncoding:
    """The columns behind the inputs: numeric ones (one input each) and text ones (one input per category)."""

    numeric: tuple[str, ...] = ()
    text: tuple[TextColumn, ...] = ()

    @property
    def n_inputs(self) -> int:
        return len(self.numeric) + sum(len(c.categories) for c in self.text)

    def describe(self) -> str:
        """How n_0 was counted, e.g. "7 inputs: 4 numeric columns + island (3 categories) + sex (2 categories)"."""
        parts = [f"{len(self.numeric)} numeric column{'s' * (len(self.numeric) != 1)}"] if self.numeric else []
        parts += [f"{c.name} ({len(c.categories)} categor{'ies' if len(c.categories) != 1 else 'y'})" for c in self.text]
        return f"{self.n_inputs} input{'s' * (self.n_inputs != 1)}: " + " + ".join(parts)

    def column_of(self, name: str) -> TextColumn | None:
        return next((c for c in self.text if c.name == name), None)


@dataclass(frozen=True)
class LoadSummary:
    """What loading a table kept: rows read and kept, missing cells per column, and what was done about them."""

    rows_read: int
    rows_kept: int
    missing_rows: tuple[tuple[str, int], ...] = ()
    """(feature column, rows with a missing cell there), in column order."""
    missing: str = "error"
    """The `missing` setting used: "error", "drop_rows" or "mean"."""
    target_name: str = ""
    target_dropped: int = 0
    """Rows dropped because the target was missing (always dropped unless missing="error")."""
    encoding: InputEncoding | None = None

    def text(self) -> str:
        """E.g. "333 of 344 rows kept; 11 had missing values in sex, bill_length_mm"."""
        dropped = self.rows_read - self.rows_kept
        head = f"{self.rows_kept} of {self.rows_read} rows kept"
        features = [name for name, _ in self.missing_rows]
        if self.missing == "mean" and features:
            filled = sum(n for _, n in self.missing_rows)
            out = f"{head}; {filled} missing value{'s' * (filled != 1)} filled with the column mean in {', '.join(features)}"
            if self.target_dropped:
                out += f"; {self.target_dropped} dropped: target {self.target_name} missing"
        elif dropped:
            columns = ([] if self.missing == "mean" else features) + ([self.target_name] if self.target_dropped else [])
            out = f"{head}; {dropped} had missing values in {', '.join(columns)}"
        else:
            out = f"all {self.rows_read} rows kept; no missing values"
        return out + (f". {self.encoding.describe()}" if self.encoding is not None else "")
