"""Preparing a dataset for training: seeded train/test split, standardisation, target matrices D.

Standardisation x' = (x - mean) / std uses the mean and standard deviation of the training
split only (a feature with zero spread keeps std = 1), so the test split is scaled exactly as
new, unseen inputs would be. Both are computed in units of a power of two (exact scaling), so
values up to ±1.8e308 neither overflow nor turn a feature into zeros.
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


def _power_of_two_scale(values: np.ndarray) -> np.ndarray:
    """Per column, a power of two near the largest |value| (1/2 for an all-zero column).

    Dividing by a power of two is exact in floating point, so statistics of X / 2^e scaled
    back by 2^e equal those of X bit for bit, yet the sums and squares cannot overflow.
    """
    _, exponent = np.frexp(np.abs(values).max(axis=0, initial=0.0))
    return np.ldexp(1.0, exponent - 1)  # 2^(e−1) ≤ max |x| < 2^e; 2^e itself may overflow


def _moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation per feature, overflow-free for any finite inputs (even ±1e308).

    A feature with zero spread (relative to its mean) keeps std = 1.
    """
    scale = _power_of_two_scale(X)
    scaled = X / scale
    mean_s, std_s = scaled.mean(axis=0), scaled.std(axis=0)
    mean, std = mean_s * scale, std_s * scale
    std[std <= 1e-12 * np.maximum(1.0, np.abs(mean))] = 1.0
    return mean, std


def _standardized(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(X − mean) / std, computed in units of a power of two near std so huge values cannot overflow."""
    scale = np.ldexp(1.0, np.frexp(std)[1] - 1)
    return (X / scale - mean / scale) / (std / scale)


def prepare(dataset: Dataset, test_fraction: float = 0.0, standardize: bool = True, seed: int = 0,
            problem: str | None = None, stratify: bool = False) -> PreparedData:
    """Shuffle and split `dataset` (seeded), fit standardisation on the training split, keep labels/targets.

    test_fraction in [0, 1): share of examples held out (at least one when > 0, never all).
    stratify: split each class separately so both splits keep the class proportions.
    problem: override the dataset's problem kind (class labels as regression targets, or
    whole-number regression targets as classes).
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
    if standardize:
        mean, std = _moments(X_train)
        X_train, X_test = _standardized(X_train, mean, std), _standardized(X_test, mean, std)
    else:
        mean, std = np.zeros(dataset.n_features), np.ones(dataset.n_features)

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
