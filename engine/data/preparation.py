"""Preparing a dataset for training: seeded train/test split, standardisation, target matrices D.

Standardisation x' = (x - mean) / std uses the mean and standard deviation of the training
split only (a feature with zero spread keeps std = 1), so the test split is scaled exactly as
new, unseen inputs would be. Both are computed in units of a power of two (exact scaling), so
values up to ±1.8e308 neither overflow nor turn a feature into zeros.

Memory: big inputs are worked through in blocks of rows (BLOCK_BYTES of float64 at a time),
standardised in place in the split's copy, so preparing costs one copy of the data in the
requested dtype and no full-size float64 temporaries. The blocks add up the rows in the same
order as NumPy's in-memory column sums, so the statistics are the same bit for bit.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace

import numpy as np

from engine.core.errors import ConfigurationError, DataError
from engine.core.targets import encode_targets
from engine.data import features
from engine.data.dataset import MAX_CLASSES, PROBLEMS, Dataset, read_only
from engine.data.encoding import InputEncoding

SPLITS = ("train", "test")
BLOCK_BYTES = 1 << 22
"""Float64 bytes per block of rows when big inputs are worked through block by block."""


@dataclass(frozen=True, eq=False)  # arrays: compare contents explicitly, not with ==
class PreparedData:
    """Train and test splits ready for the trainer, with the standardisation that produced them.

    Classification keeps integer `labels_*` (targets_* are None); regression keeps (T, L)
    `targets_*` (labels_* are None). `train_indices` / `test_indices` are the rows of the
    original dataset in each split, in the order used here.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    labels_train: np.ndarray | None
    labels_test: np.ndarray | None
    targets_train: np.ndarray | None
    targets_test: np.ndarray | None
    problem: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    target_names: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    standardized: bool
    train_indices: np.ndarray
    test_indices: np.ndarray
    name: str = ""
    input_features: tuple[str, ...] = ()  # derived inputs appended after the D raw ones (engine.data.features)
    encoding: InputEncoding | None = None
    """Which table columns made the inputs (numeric, or one-hot text), as the Dataset had it."""

    @property
    def n_inputs(self) -> int:
        """n_0, the number of input units (the D inputs and any derived features)."""
        return self.X_train.shape[1]

    @property
    def n_raw_inputs(self) -> int:
        """D, the inputs of the data itself (what the views plot over)."""
        return len(self.mean)

    def with_features(self, names) -> "PreparedData":
        """The same splits with derived input features appended (engine.data.features)."""
        names = features.check(names, self.n_raw_inputs)
        if self.input_features:
            raise ConfigurationError("input features are already applied")
        if not names:
            return self
        return replace(self, X_train=read_only(features.expand(self.X_train, names)),
                       X_test=read_only(features.expand(self.X_test, names)),
                       feature_names=tuple(self.feature_names) + features.labels(names), input_features=names)

    def without_features(self) -> "PreparedData":
        """The same splits with only the D raw inputs (any derived features taken off)."""
        if not self.input_features:
            return self
        D = self.n_raw_inputs
        return replace(self, X_train=read_only(np.ascontiguousarray(self.X_train[:, :D])),
                       X_test=read_only(np.ascontiguousarray(self.X_test[:, :D])),
                       feature_names=tuple(self.feature_names)[:D], input_features=())

    @property
    def n_outputs(self) -> int:
        """n_N the data calls for: 1 for binary, K for multiclass, L for regression."""
        if self.problem == "regression":
            return self.targets_train.shape[1]
        return 1 if self.problem == "binary" else len(self.class_names)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def n_train(self) -> int:
        return self.X_train.shape[0]

    @property
    def n_test(self) -> int:
        return self.X_test.shape[0]

    def inputs(self, split: str = "train") -> np.ndarray:
        """The standardised inputs of a split ("train" or "test")."""
        return self.X_train if _split(split) == "train" else self.X_test

    def targets(self, split: str = "train", n_outputs: int | None = None, dtype=np.float64) -> np.ndarray:
        """The desired-output matrix D (T, n_outputs) of a split, as the trainer consumes it."""
        n_outputs = self.n_outputs if n_outputs is None else n_outputs
        if self.problem == "regression":
            Y = self.targets_train if _split(split) == "train" else self.targets_test
            if n_outputs != Y.shape[1]:
                raise ConfigurationError(f"the regression target has {Y.shape[1]} columns, "
                                         f"but the network has {n_outputs} outputs")
            return Y.astype(dtype)
        labels = self.labels_train if _split(split) == "train" else self.labels_test
        return encode_targets(labels, n_outputs, dtype)

    def transform(self, X_raw) -> np.ndarray:
        """Raw inputs (T, D) as the network takes them: standardised, then the derived features appended."""
        X = np.asarray(X_raw, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_raw_inputs:
            raise ConfigurationError(f"inputs must have shape (T, {self.n_raw_inputs}), got {X.shape}")
        return features.expand(_standardized(X, self.mean, self.std), self.input_features)

    def inverse_transform(self, X) -> np.ndarray:
        """Undo the standardisation: back to raw input units (the D raw columns)."""
        return np.asarray(X, dtype=np.float64)[:, : self.n_raw_inputs] * self.std + self.mean


def _split(split: str) -> str:
    if split not in SPLITS:
        raise ConfigurationError(f"split must be 'train' or 'test', got {split!r}")
    return split


def _recast(dataset: Dataset, problem: str | None):
    """(labels, targets, class_names, target_names, problem) after an optional problem override."""
    current = dataset.problem
    if problem is None or problem == current:
        return dataset.labels, dataset.targets, dataset.class_names, dataset.target_names, current
    if problem not in PROBLEMS:
        raise ConfigurationError(f"problem must be one of {', '.join(PROBLEMS)} or None, got {problem!r}")
    if problem == "regression":  # class indices used as numbers
        return None, dataset.labels.astype(np.float64)[:, None], (), ("class index",), problem
    if current != "regression":  # binary <-> multiclass
        if problem == "binary" and dataset.n_classes != 2:
            raise DataError(f"{dataset.name or 'the dataset'} has {dataset.n_classes} classes; binary needs exactly 2")
        return dataset.labels, None, dataset.class_names, (), problem
    Y = dataset.targets
    values = np.unique(Y)
    if Y.shape[1] != 1 or not (values == np.round(values)).all() or len(values) > MAX_CLASSES:
        raise DataError(f"{dataset.name or 'the dataset'} has a continuous regression target; "
                        f"it cannot be used as {problem} class labels")
    if len(values) < 2 or (problem == "binary" and len(values) != 2):
        raise DataError(f"the target takes {len(values)} distinct values; {problem} needs "
                        + ("exactly 2" if problem == "binary" else "at least 2"))
    labels = np.searchsorted(values, Y[:, 0]).astype(np.int64)
    return labels, None, tuple(str(int(v)) for v in values), (), problem


def _split_indices(T: int, test_fraction: float, rng, labels, stratify: bool):
    if stratify and labels is not None:
        train, test = [], []
        for k in np.unique(labels):
            members = rng.permutation(np.flatnonzero(labels == k))
            n_test = int(round(len(members) * test_fraction))
            test.append(members[:n_test])
            train.append(members[n_test:])
        train, test = np.concatenate(train), np.concatenate(test)
        return rng.permutation(train), rng.permutation(test)
    order = rng.permutation(T)
    n_test = int(round(T * test_fraction))
    if test_fraction > 0 and T >= 2:
        n_test = max(n_test, 1)
    n_test = min(n_test, T - 1)
    return order[n_test:], order[:n_test]


def _block_rows(X: np.ndarray) -> int:
    """Rows per block of X (0: small enough, or one column, to be worked on whole).

    One column is left whole: NumPy sums a contiguous column pairwise, not row after row.
    """
    if X.ndim != 2 or X.shape[1] < 2 or X.shape[0] * X.shape[1] * 8 <= BLOCK_BYTES:
        return 0
    return max(1, BLOCK_BYTES // (8 * X.shape[1]))


def _power_of_two_scale(values: np.ndarray) -> np.ndarray:
    """Per column, a power of two near the largest |value| (1/2 for an all-zero column).

    Dividing by a power of two is exact in floating point, so statistics of X / 2^e scaled
    back by 2^e equal those of X bit for bit, yet the sums and squares cannot overflow.
    """
    rows = _block_rows(values)
    if not rows:
        peak = np.abs(values).max(axis=0, initial=0.0)
    else:  # the maximum does not depend on the order
        peak = np.zeros(values.shape[1], values.dtype)
        for start in range(0, len(values), rows):
            np.maximum(peak, np.maximum.reduce(np.abs(values[start:start + rows]), axis=0), out=peak)
    _, exponent = np.frexp(peak)
    return np.ldexp(1.0, exponent - 1)  # 2^(e−1) ≤ max |x| < 2^e; 2^e itself may overflow


def _column_sums(X: np.ndarray, rows: int, fill) -> np.ndarray:
    """Σ_t fill(x_t) per column, block by block, each block's sums continuing the previous ones.

    `fill(block, out)` writes the float64 terms of a block of rows into `out`. The running
    sums go in front of the next block, so every column is added up row after row, as
    NumPy's in-memory sum over axis 0 of a C-ordered (T, D ≥ 2) array does.
    """
    buffer = np.empty((rows + 1, X.shape[1]))
    sums = None
    for start in range(0, len(X), rows):
        block = X[start:start + rows]
        head = 0 if sums is None else 1
        terms = buffer[: len(block) + head]
        if head:
            terms[0] = sums
        fill(block, terms[head:])
        sums = np.add.reduce(terms, axis=0)
    return sums


def _moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation per feature, overflow-free for any finite inputs (even ±1e308).

    A feature with zero spread (relative to its mean) keeps std = 1.
    """
    scale = _power_of_two_scale(X)
    rows = _block_rows(X)
    if not rows:
        scaled = X / scale
        mean_s, std_s = scaled.mean(axis=0), scaled.std(axis=0)
    else:  # what mean() and std() compute, without the (T, D) float64 temporaries
        T = len(X)
        mean_s = _column_sums(X, rows, lambda block, out: np.divide(block, scale, out=out)) / T

        def squared_deviations(block, out):
            np.divide(block, scale, out=out)
            np.subtract(out, mean_s, out=out)
            np.multiply(out, out, out=out)

        std_s = np.sqrt(_column_sums(X, rows, squared_deviations) / T)
    mean, std = mean_s * scale, std_s * scale
    std[std <= 1e-12 * np.maximum(1.0, np.abs(mean))] = 1.0
    return mean, std


def _standardized(X: np.ndarray, mean: np.ndarray, std: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """(X − mean) / std, computed in units of a power of two near std so huge values cannot overflow.

    Computed in float64 and written into `out` (any float dtype; it may be X itself), block by
    block for big inputs; without `out`, a new float64 array.
    """
    scale = np.ldexp(1.0, np.frexp(std)[1] - 1)
    shift, spread = mean / scale, std / scale
    rows = _block_rows(X)
    if not rows:
        result = (X / scale - shift) / spread
        if out is None:
            return result
        out[...] = result
        return out
    out = np.empty(X.shape) if out is None else out
    buffer = np.empty((rows, X.shape[1]))
    for start in range(0, len(X), rows):
        terms = buffer[: len(X[start:start + rows])]
        np.divide(X[start:start + rows], scale, out=terms)
        np.subtract(terms, shift, out=terms)
        np.divide(terms, spread, out=terms)
        out[start:start + rows] = terms
    return out


def prepare(dataset: Dataset, test_fraction: float = 0.0, standardize: bool = True, seed: int = 0,
            problem: str | None = None, stratify: bool = False, dtype=None) -> PreparedData:
    """Shuffle and split `dataset` (seeded), fit standardisation on the training split, keep labels/targets.

    test_fraction in [0, 1): share of examples held out (at least one when > 0, never all).
    stratify: split each class separately so both splits keep the class proportions.
    problem: override the dataset's problem kind (class labels as regression targets, or
    whole-number regression targets as classes).
    dtype: float32 or float64 for the prepared inputs, the network's (the values are those of
    the default rounded once); None: float64 when standardised, else the dataset's dtype.
    """
    if not isinstance(dataset, Dataset):
        raise ConfigurationError(f"prepare needs a Dataset, got {type(dataset).__name__}")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) or not 0 <= test_fraction < 1:
        raise ConfigurationError(f"test_fraction must be a number in [0, 1), got {test_fraction!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ConfigurationError(f"seed must be a non-negative whole number, got {seed!r}")
    labels, targets, class_names, target_names, problem = _recast(dataset, problem)
    rng = np.random.default_rng(int(seed))
    train, test = _split_indices(dataset.n_samples, float(test_fraction), rng, labels, stratify)
    if len(train) == 0:
        raise DataError(f"{dataset.name or 'the dataset'} leaves no training examples at test_fraction={test_fraction}")
    X_train, X_test = dataset.X[train], dataset.X[test]  # copies, in the dataset's dtype
    dtype = None if dtype is None else np.dtype(dtype)
    if standardize:
        mean, std = _moments(X_train)
        X_train, X_test = (_standardized(X, mean, std, X if X.dtype == dtype else
                                         None if dtype is None else np.empty(X.shape, dtype))
                           for X in (X_train, X_test))
    else:
        mean, std = np.zeros(dataset.n_features), np.ones(dataset.n_features)
        if dtype is not None:
            X_train, X_test = X_train.astype(dtype, copy=False), X_test.astype(dtype, copy=False)

    def take(values, rows):
        return None if values is None else read_only(np.ascontiguousarray(values[rows]))

    return PreparedData(
        X_train=read_only(np.ascontiguousarray(X_train)), X_test=read_only(np.ascontiguousarray(X_test)),
        labels_train=take(labels, train), labels_test=take(labels, test),
        targets_train=take(targets, train), targets_test=take(targets, test),
        problem=problem, feature_names=dataset.feature_names, class_names=class_names,
        target_names=target_names, mean=read_only(mean), std=read_only(std), standardized=bool(standardize),
        train_indices=read_only(train), test_indices=read_only(test), name=dataset.name,
        encoding=dataset.encoding,
    )
