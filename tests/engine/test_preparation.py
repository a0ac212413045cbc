"""Train/test split, standardisation fitted on the training split, and the target matrices D."""

import numpy as np
import pytest

from engine.core.errors import ConfigurationError, DataError
from engine.core.targets import encode_targets
from engine.data import dataset as dataset_module
from engine.data import preparation
from engine.data.bundled import load_bundled
from engine.data.dataset import Dataset
from engine.data.preparation import prepare
from engine.data.toys import generate


def shifted_dataset(T=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(loc=[5.0, -3.0, 0.0], scale=[2.0, 0.5, 1.0], size=(T, 3))
    return Dataset(X, labels=(X[:, 0] > 5).astype(np.int64), name="shifted")


def test_split_sizes_and_disjoint_cover():
    data = shifted_dataset(200)
    prepared = prepare(data, test_fraction=0.25, seed=1)
    assert prepared.n_train == 150 and prepared.n_test == 50
    both = np.concatenate([prepared.train_indices, prepared.test_indices])
    assert sorted(both.tolist()) == list(range(200))
    assert prepared.labels_train.tolist() == data.labels[prepared.train_indices].tolist()


def test_no_test_split_by_default_but_shuffled():
    prepared = prepare(shifted_dataset(50))
    assert prepared.n_test == 0 and prepared.X_test.shape == (0, 3) and prepared.n_train == 50
    assert prepared.train_indices.tolist() != list(range(50))
    assert prepared.targets("test").shape == (0, 1)


def test_small_positive_fraction_keeps_at_least_one_test_example():
    prepared = prepare(generate("xor", samples=10), test_fraction=0.01)
    assert prepared.n_test == 1 and prepared.n_train == 9


def test_split_is_deterministic_per_seed():
    data = shifted_dataset()
    a, b, c = (prepare(data, 0.3, seed=s) for s in (4, 4, 5))
    assert np.array_equal(a.test_indices, b.test_indices) and np.array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.test_indices, c.test_indices)


def test_standardisation_is_fitted_on_the_training_split_only():
    data = shifted_dataset(300)
    prepared = prepare(data, test_fraction=0.3, seed=2)
    raw_train = data.X[prepared.train_indices]
    assert np.allclose(prepared.mean, raw_train.mean(axis=0)) and np.allclose(prepared.std, raw_train.std(axis=0))
    assert np.allclose(prepared.X_train.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(prepared.X_train.std(axis=0), 1)
    assert not np.allclose(prepared.X_test.mean(axis=0), 0, atol=1e-3)  # test data is not re-centred
    assert np.allclose(prepared.X_test, (data.X[prepared.test_indices] - prepared.mean) / prepared.std)


def test_transform_and_inverse_apply_the_stored_scaling():
    data = shifted_dataset()
    prepared = prepare(data, 0.2)
    assert np.allclose(prepared.transform(data.X[prepared.train_indices]), prepared.X_train)
    grid = np.array([[5.0, -3.0, 0.0], [7.0, -2.5, 1.0]])
    assert np.allclose(prepared.inverse_transform(prepared.transform(grid)), grid)
    with pytest.raises(ConfigurationError):
        prepared.transform(np.zeros((2, 2)))


def test_constant_feature_gets_unit_std_and_no_standardise_is_identity():
    X = np.column_stack([np.full(10, 3.0), np.arange(10.0)])
    data = Dataset(X, labels=np.arange(10) % 2)
    prepared = prepare(data)
    assert prepared.std[0] == 1.0 and np.allclose(prepared.X_train[:, 0], 0) and np.isfinite(prepared.X_train).all()
    raw = prepare(data, standardize=False)
    assert not raw.standardized and np.array_equal(raw.X_train, X[raw.train_indices])
    assert np.array_equal(raw.transform(X), X)


def test_outputs_and_target_matrices_per_problem():
    binary = prepare(generate("moons", samples=40), 0.25)
    assert binary.n_inputs == 2 and binary.n_outputs == 1
    D = binary.targets("train")
    assert D.shape == (30, 1) and D.dtype == np.float64 and set(np.unique(D)) <= {0.0, 1.0}
    assert np.array_equal(binary.targets("train", n_outputs=2).argmax(axis=1), binary.labels_train)
    multi = prepare(generate("blobs", classes=4, samples=40), 0.25)
    assert multi.n_outputs == 4 and multi.class_names == ("0", "1", "2", "3")
    D = multi.targets("test", dtype=np.float32)
    assert D.shape == (10, 4) and D.dtype == np.float32 and np.all(D.sum(axis=1) == 1)
    assert np.array_equal(D.argmax(axis=1), multi.labels_test)
    reg = prepare(generate("plane", samples=40), 0.5)
    assert reg.n_outputs == 1 and reg.labels_train is None and reg.targets("test").shape == (20, 1)
    with pytest.raises(ConfigurationError):
        reg.targets("train", n_outputs=3)
    with pytest.raises(ConfigurationError):
        multi.targets("train", n_outputs=1)
    with pytest.raises(ConfigurationError):
        multi.targets("validation")


def test_encode_targets():
    labels = np.array([0, 2, 1, 2])
    assert encode_targets(labels, 3).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]]
    assert encode_targets(np.array([1, 0, 1]), 1).tolist() == [[1], [0], [1]]
    assert encode_targets(labels, 4, dtype=np.float32).dtype == np.float32
    for bad in ((labels, 1), (labels, 2), (labels, 0), (np.array([0.5]), 2), (np.array([-1, 0]), 2)):
        with pytest.raises(ConfigurationError):
            encode_targets(*bad)


def test_stratified_split_keeps_class_proportions():
    iris = load_bundled("iris")
    prepared = prepare(iris, test_fraction=0.2, seed=3, stratify=True)
    assert np.bincount(prepared.labels_test).tolist() == [10, 10, 10]
    assert np.bincount(prepared.labels_train).tolist() == [40, 40, 40]


def test_problem_override_class_labels_as_regression_targets():
    data = generate("blobs", classes=3, samples=30)
    prepared = prepare(data, problem="regression")
    assert prepared.problem == "regression" and prepared.n_outputs == 1 and prepared.labels_train is None
    assert np.array_equal(prepared.targets_train[:, 0], data.labels[prepared.train_indices].astype(float))


def test_problem_override_between_classification_kinds_and_from_whole_number_targets():
    assert prepare(generate("xor", samples=20), problem="multiclass").n_outputs == 2
    with pytest.raises(DataError, match="binary"):
        prepare(generate("blobs"), problem="binary")
    counts = Dataset(np.arange(8.0)[:, None], targets=np.array([1.0, 3, 3, 1, 5, 5, 1, 3]))
    as_classes = prepare(counts, problem="multiclass")
    assert as_classes.class_names == ("1", "3", "5") and as_classes.n_outputs == 3


def test_forcing_classification_on_a_continuous_target_is_a_data_error():
    with pytest.raises(DataError, match="continuous"):
        prepare(generate("sine"), problem="binary")


@pytest.mark.parametrize("kwargs", [{"test_fraction": 1.0}, {"test_fraction": -0.1}, {"seed": -2},
                                    {"problem": "ranking"}, {"test_fraction": "half"}])
def test_bad_settings(kwargs):
    with pytest.raises(ConfigurationError):
        prepare(generate("xor"), **kwargs)


def test_prepared_arrays_are_read_only():
    prepared = prepare(generate("xor"), 0.5)
    for array in (prepared.X_train, prepared.labels_test, prepared.mean):
        with pytest.raises(ValueError):
            array[0] = 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_big_inputs_are_prepared_block_by_block_with_the_same_bits(monkeypatch, dtype):
    # blocks of a few rows: the statistics add up row after row as NumPy's in-memory sums do
    rng = np.random.default_rng(5)
    X = (rng.normal(size=(403, 6)) * [1e-3, 1.0, 1e5, 3.0, 1e-8, 7.0] + [0.0, 50.0, -1e6, 0.0, 1.0, 2.0]).astype(dtype)
    dataset = Dataset(X, labels=rng.integers(0, 3, 403))
    whole = prepare(dataset, test_fraction=0.2, seed=1)
    scaled = whole.inputs("train")
    monkeypatch.setattr(preparation, "BLOCK_BYTES", 8 * 6 * 7)
    assert preparation._block_rows(scaled) == 7
    blocks = prepare(dataset, test_fraction=0.2, seed=1)
    for name in ("mean", "std", "X_train", "X_test"):
        assert np.array_equal(getattr(blocks, name), getattr(whole, name)), name
    assert blocks.X_train.dtype == np.float64  # the default: standardised inputs in float64
    as_network = prepare(dataset, test_fraction=0.2, seed=1, dtype=np.float32)
    assert as_network.X_train.dtype == np.float32
    assert np.array_equal(as_network.X_train, whole.X_train.astype(np.float32))
    assert np.array_equal(as_network.X_test, whole.X_test.astype(np.float32))


def test_inputs_in_a_given_dtype_without_standardisation():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    data = prepare(Dataset(X, labels=np.array([0, 1] * 3)), standardize=False, dtype="float64")
    assert data.X_train.dtype == np.float64 and np.array_equal(np.sort(data.X_train[:, 0]), X[:, 0])
    assert prepare(Dataset(X, labels=np.array([0, 1] * 3)), standardize=False).X_train.dtype == np.float32


def test_a_non_finite_input_is_found_block_by_block(monkeypatch):
    monkeypatch.setattr(dataset_module, "CHECK_BLOCK_BYTES", 16)
    X = np.zeros((50, 3))
    X[37, 2] = np.nan
    assert dataset_module.first_non_finite(X) == (37, 2)
    assert dataset_module.first_non_finite(np.zeros((50, 3))) is None
    with pytest.raises(DataError, match="x3 of example 38"):
        Dataset(X, labels=np.arange(50) % 2)
