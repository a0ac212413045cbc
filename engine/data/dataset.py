"""The `Dataset` record: T labelled examples, inputs X (T, D) with class labels or regression targets.

Where examples come from: engine.data.toys (seeded generators), engine.data.bundled, and the file
formats in engine.data.formats.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from engine.core.errors import DataError
from engine.data.encoding import InputEncoding, LoadSummary

PROBLEMS = ("binary", "multiclass", "regression")
MAX_SAMPLES = 1_000_000
MAX_CLASSES = 1000


CHECK_BLOCK_BYTES = 1 << 22
"""Bytes of inputs checked for non-finite values at a time (no mask the size of the data)."""


def first_non_finite(X: np.ndarray) -> tuple[int, int] | None:
    """(row, column) of the first NaN or infinity of a 2-D array, or None; checked block by block of rows."""
    if X.dtype.kind not in "fc":
        return None
    rows = max(1, CHECK_BLOCK_BYTES // max(1, X.shape[1] * X.itemsize))
    for start in range(0, X.shape[0], rows):
        finite = np.isfinite(X[start:start + rows])
        if not finite.all():
            row, col = np.argwhere(~finite)[0]
            return start + int(row), int(col)
    return None


def read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view, so a dataset can be shared between threads without copying."""
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)  # arrays: compare contents explicitly, not with ==
class Dataset:
    """A labelled set of T examples: inputs X (T, D) with class labels or regression targets.

    Exactly one of `labels` (T,) int64 class indices 0..K-1, for "binary"/"multiclass") and
    `targets` (T, L) float64 (for "regression") is set. Arrays are stored read-only.
    Missing names are filled in: features x1..xD, classes "0".."K-1", targets y1..yL.
    `encoding` (tables with text columns and numeric ones) says which columns made the inputs;
    `summary` (tables) says which rows were kept.
    """

    X: np.ndarray
    labels: np.ndarray | None = None
    targets: np.ndarray | None = None
    problem: str | None = None
    feature_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    name: str = ""
    encoding: InputEncoding | None = None
    summary: LoadSummary | None = None

    def __post_init__(self) -> None:
        put = functools.partial(object.__setattr__, self)
        X = np.asarray(self.X)
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise DataError(f"inputs X must be a non-empty 2-D array (T, D), got shape {X.shape}")
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool) or np.iscomplexobj(X):
            raise DataError(f"inputs X must be real numbers, got dtype {X.dtype}")
        # float32 data stays float32 (no float64 copy beside it); everything else becomes float64
        X = np.ascontiguousarray(X, dtype=np.float32 if X.dtype == np.float32 else np.float64)
        bad = first_non_finite(X)
        if bad is not None:
            row, col = bad
            raise DataError(f"input x{col + 1} of example {row + 1} is {X[row, col]}, not a finite number")
        T, D = X.shape
        put("X", read_only(X))
        if (self.labels is None) == (self.targets is None):
            raise DataError("a dataset needs exactly one of class labels or regression targets")
        if self.labels is not None:
            self._check_labels(put, T)
        else:
            self._check_targets(put, T)
        names = tuple(str(n) for n in self.feature_names) or tuple(f"x{i + 1}" for i in range(D))
        if len(names) != D:
            raise DataError(f"{len(names)} feature names for {D} input columns")
        put("feature_names", names)
        if self.encoding is not None and self.encoding.n_inputs != D:
            raise DataError(f"the input encoding describes {self.encoding.n_inputs} inputs, X has {D}")
        put("name", str(self.name))

    def _check_labels(self, put, T: int) -> None:
        labels = np.asarray(self.labels)
        if labels.shape != (T,) or not np.issubdtype(labels.dtype, np.integer):
            raise DataError(f"class labels must be {T} integers, got {labels.dtype} array of shape {labels.shape}")
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        K = len(self.class_names) if self.class_names else int(labels.max()) + 1
        names = tuple(str(n) for n in self.class_names) or tuple(str(k) for k in range(K))
        problem = self.problem or ("binary" if K == 2 else "multiclass")
        if problem not in ("binary", "multiclass"):
            raise DataError(f"problem {problem!r} does not fit class labels (use 'binary' or 'multiclass')")
        if K < 2 or (problem == "binary" and K != 2) or K > MAX_CLASSES:
            raise DataError(f"a {problem} problem cannot have {K} classes")
        if labels.min() < 0 or labels.max() >= K:
            raise DataError(f"class labels must lie in 0..{K - 1}, found {labels.min()}..{labels.max()}")
        put("labels", read_only(labels))
        put("class_names", names)
        put("target_names", ())
        put("problem", problem)

    def _check_targets(self, put, T: int) -> None:
        targets = np.asarray(self.targets)
        if targets.ndim == 1:
            targets = targets[:, None]
        if targets.ndim != 2 or targets.shape[0] != T or targets.shape[1] < 1:
            raise DataError(f"regression targets must have shape ({T}, L), got {targets.shape}")
        if not np.issubdtype(targets.dtype, np.number) or np.iscomplexobj(targets):
            raise DataError(f"regression targets must be real numbers, got dtype {targets.dtype}")
        targets = np.ascontiguousarray(targets, dtype=np.float64)
        if not np.isfinite(targets).all():
            row = int(np.argwhere(~np.isfinite(targets))[0, 0])
            raise DataError(f"target of example {row + 1} is not a finite number")
        if self.problem not in (None, "regression"):
            raise DataError(f"problem {self.problem!r} does not fit regression targets")
        L = targets.shape[1]
        names = tuple(str(n) for n in self.target_names) or (("y",) if L == 1 else tuple(f"y{i + 1}" for i in range(L)))
        if len(names) != L:
            raise DataError(f"{len(names)} target names for {L} target columns")
        put("targets", read_only(targets))
        put("target_names", names)
        put("class_names", ())
        put("problem", "regression")

    @property
    def n_samples(self) -> int:
        """T, the number of examples."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """D, the number of inputs per example."""
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        """K for classification (2 for binary), 0 for regression."""
        return len(self.class_names)

    def __len__(self) -> int:
        return self.n_samples
