"""The optimiser's path θ_0, θ_1, … kept in bounded memory, for the landscape's projected path and PCA.

Every `stride`-th iteration's θ is kept (stride 1 at first). When the record is full, every
other point is dropped (those whose iteration is not a multiple of 2·stride) and the stride
doubles, so the record always spans the whole run so far, evenly, in at most `capacity`
points; capacity itself is capped so that the points take at most `max_bytes` (a network of
235k parameters keeps fewer points than one of 105).

Each kept θ is its own read-only copy: a consumer may take `points()` (a shallow list) and
read it while the record goes on growing or thinning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CAPACITY = 128
MAX_BYTES = 32 << 20


@dataclass(frozen=True)
class PathPoint:
    iteration: int
    theta: np.ndarray  # read-only copy


class TrajectoryRecord:
    """θ at every `stride`-th iteration of one run; bounded by `capacity` points and `max_bytes`."""

    def __init__(self, capacity: int = CAPACITY, max_bytes: int = MAX_BYTES):
        if capacity < 4:
            raise ValueError(f"a trajectory record needs room for at least 4 points, got {capacity}")
        self.capacity, self.max_bytes = int(capacity), int(max_bytes)
        self.stride = 1
        self._points: list[PathPoint] = []
        self._owner = None  # (id of the run's trainer, P): another run or network starts afresh

    def __len__(self) -> int:
        return len(self._points)

    def room(self, P: int) -> int:
        """Points kept for P parameters: capacity, or fewer when they would pass max_bytes (≥ 4)."""
        return max(4, min(self.capacity, self.max_bytes // max(1, 8 * P)))

    def reset(self) -> None:
        self._points, self.stride, self._owner = [], 1, None

    def offer(self, owner, iteration: int, theta: np.ndarray) -> bool:
        """θ after `iteration` of the run `owner` (any hashable id); True if it was kept.

        Another owner, another size of θ or an iteration that is not past the last kept one
        (a reset run, an undone edit) starts the record afresh."""
        theta = np.asarray(theta)
        key = (owner, theta.size)
        if key != self._owner or (self._points and iteration <= self._points[-1].iteration):
            self.reset()
            self._owner = key
        if iteration % self.stride:
            return False
        kept = np.array(theta, dtype=np.float64)
        kept.flags.writeable = False
        self._points.append(PathPoint(int(iteration), kept))
        if len(self._points) >= self.room(theta.size):
            self._thin()
        return True

    def _thin(self) -> None:
        self.stride *= 2
        self._points = [p for p in self._points if p.iteration % self.stride == 0]

    def points(self) -> list[PathPoint]:
        """The kept points, oldest first (a new list; the arrays are shared and read-only)."""
        return list(self._points)


def path_matrix(points: list[PathPoint], theta: np.ndarray | None = None,
                iteration: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(iterations (n,), thetas (n, P)) of the kept points, with the current θ at `iteration`
    appended unless it is the last kept point (it differs from it after an edit of θ)."""
    its = [p.iteration for p in points]
    rows = [p.theta for p in points]
    if theta is not None and (not its or iteration > its[-1] or not np.array_equal(theta, rows[-1])):
        its.append(int(iteration))
        rows.append(np.asarray(theta, dtype=np.float64))
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty((0, 0))
    return np.asarray(its, dtype=np.int64), np.stack(rows)
