"""Growing column buffers for long curves: append rows in place, read the filled part as views."""

from __future__ import annotations

import numpy as np


class SeriesBuffer:
    """A (capacity, width) float64 array that doubles when full; `view()` has the rows filled."""

    def __init__(self, width: int = 1, capacity: int = 4096):
        self.width = width
        self._data = np.full((capacity, width), np.nan)
        self.size = 0

    def clear(self) -> None:
        self.size = 0

    def append(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self.width)
        n = len(rows)
        if not n:
            return
        end = self.size + n
        if end > len(self._data):
            bigger = np.full((max(end, 2 * len(self._data)), self.width), np.nan)
            bigger[: self.size] = self._data[: self.size]
            self._data = bigger
        self._data[self.size:end] = rows
        self.size = end

    def view(self, column: int = 0) -> np.ndarray:
        return self._data[: self.size, column]

    def rows(self) -> np.ndarray:
        return self._data[: self.size]
