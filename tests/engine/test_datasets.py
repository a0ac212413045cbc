"""Built-in generators, the Dataset record and the bundled real datasets."""

import numpy as np
import pytest

from engine.core.errors import ConfigurationError, DataError, WorkbenchError
from engine.data.bundled import BUNDLED, load_bundled
from engine.data.dataset import Dataset
from engine.data.toys import BUILTIN, generate, regression_function

CLASSIFICATION = [n for n, s in BUILTIN.items() if s.problem != "regression"]
REGRESSION = [n for n, s in BUILTIN.items() if s.problem == "regression"]


def test_registry_holds_every_requested_dataset():
    expected = {"xor", "circles", "moons", "spirals", "gaussians", "checkerboard", "spirals_k", "blobs",
                "sine", "abs", "step", "cubic", "plane", "bump"}
    assert set(BUILTIN) == expected
    for name, spec in BUILTIN.items():
        assert spec.name == name
        assert spec.description and "\n" not in spec.description
        assert {"samples", "noise"} <= set(spec.defaults)
        assert ("classes" in spec.defaults) == (spec.problem == "multiclass")


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_generator_shapes_dtypes_and_problem(name):
    spec = BUILTIN[name]
    data = generate(name, samples=57, seed=1)
    assert data.problem == spec.problem and data.name == name
    assert data.X.shape == (57, spec.input_dim)
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert np.isfinite(data.X).all()
    assert np.abs(data.X).max() < 2.0  # documented convention: roughly [-1, 1]
    assert len(data.feature_names) == spec.input_dim
    if spec.problem == "regression":
        assert data.labels is None and data.targets.shape == (57, 1) and data.targets.dtype == np.float64
        assert data.n_classes == 0 and data.class_names == ()
    else:
        assert data.targets is None and data.labels.shape == (57,) and data.labels.dtype == np.int64
        K = spec.defaults.get("classes", 2)
        assert data.n_classes == K and set(np.unique(data.labels)) == set(range(K))


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_same_seed_same_arrays_different_seed_different_arrays(name):
    a, b, c = generate(name, seed=7), generate(name, seed=7), generate(name, seed=8)
    assert np.array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)
    y = (lambda d: d.labels if d.targets is None else d.targets)
    assert np.array_equal(y(a), y(b))


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("samples", [200, 301])
def test_classes_are_balanced(name, samples):
    counts = np.bincount(generate(name, samples=samples, seed=3).labels)
    assert counts.max() - counts.min() <= 1 and counts.sum() == samples


@pytest.mark.parametrize("name", ["spirals_k", "blobs"])
def test_classes_parameter_sets_number_of_classes(name):
    data = generate(name, classes=5, samples=100, seed=0)
    assert data.n_classes == 5 and data.problem == "multiclass"
    assert np.bincount(data.labels).tolist() == [20] * 5


def test_labels_follow_the_geometry():
    xor = generate("xor", noise=0.0, samples=400, seed=2)
    assert np.array_equal(xor.labels, (xor.X[:, 0] * xor.X[:, 1] < 0).astype(int))
    circles = generate("circles", noise=0.0, seed=2, factor=0.3)
    radius = np.hypot(circles.X[:, 0], circles.X[:, 1])
    assert np.allclose(radius[circles.labels == 1], 0.3) and np.allclose(radius[circles.labels == 0], 1.0)
    board = generate("checkerboard", noise=0.0, samples=3000, seed=2, cells=3)
    cell = np.clip(np.floor((board.X + 1) / 2 * 3), 0, 2).astype(int)
    assert np.array_equal((cell[:, 0] + cell[:, 1]) % 2, board.labels)
    blobs = generate("blobs", noise=0.0, classes=4, seed=1)
    assert len(np.unique(blobs.X.round(12), axis=0)) == 4


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_target_is_g_plus_noise(name):
    g = regression_function(name)
    assert g is BUILTIN[name].target_function
    clean = generate(name, noise=0.0, seed=4)
    assert np.allclose(clean.targets, g(clean.X))
    noisy = generate(name, noise=0.1, samples=5000, seed=4)
    residual = noisy.targets - g(noisy.X)
    assert 0.09 < residual.std() < 0.11


def test_one_dimensional_g_accepts_a_flat_grid():
    grid = np.linspace(-1, 1, 5)
    assert np.allclose(regression_function("sine")(grid)[:, 0], np.sin(np.pi * grid))
    assert regression_function("abs")(grid).shape == (5, 1)


@pytest.mark.parametrize("params, word", [
    ({"samples": 0}, "samples"), ({"samples": 1_000_001}, "samples"), ({"samples": 2.5}, "samples"),
    ({"noise": -0.1}, "noise"), ({"noise": float("nan")}, "noise"), ({"noise": 1e300}, "noise.*<= 1000000"),
    ({"colour": 3}, "colour"),
    ({"seed": -1}, "seed"),
])
def test_bad_parameters_name_the_parameter(params, word):
    with pytest.raises(ConfigurationError, match=word):
        generate("moons", **params)


def test_classes_below_two_and_unknown_names_are_refused():
    with pytest.raises(ConfigurationError, match="classes"):
        generate("blobs", classes=1)
    with pytest.raises(ConfigurationError, match="classes"):
        generate("xor", classes=3)  # xor takes no classes parameter
    with pytest.raises(ConfigurationError, match="nosuch"):
        generate("nosuch")
    with pytest.raises(ConfigurationError):
        regression_function("xor")


def test_one_sample_is_allowed():
    assert generate("xor", samples=1).X.shape == (1, 2)


def test_dataset_arrays_are_read_only_and_input_not_mutated():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    data = Dataset(X, labels=np.array([0, 1]))
    assert data.problem == "binary" and data.class_names == ("0", "1") and data.feature_names == ("x1", "x2")
    with pytest.raises(ValueError):
        data.X[0, 0] = 5.0
    X[0, 0] = 9.0  # the caller's array stays writable
    assert data.n_samples == 2 and data.n_features == 2 and len(data) == 2
    assert data == data and data != Dataset(X, labels=np.array([0, 1]))  # identity, no array truth error


@pytest.mark.parametrize("kwargs", [
    {"X": np.zeros((3, 2))},  # neither labels nor targets
    {"X": np.zeros((3, 2)), "labels": np.array([0, 1, 1]), "targets": np.zeros((3, 1))},
    {"X": np.zeros((3, 2)), "labels": np.array([0, 1])},
    {"X": np.zeros((3, 2)), "labels": np.array([0, 1, 2]), "problem": "binary"},
    {"X": np.array([[np.nan, 0.0]]), "targets": np.zeros(1)},
    {"X": np.zeros((2, 2)), "labels": np.array([0.0, 1.0])},
    {"X": np.zeros((2, 2)), "targets": np.zeros((2, 1)), "problem": "binary"},
    {"X": np.zeros((2, 2)), "labels": np.array([0, 1]), "feature_names": ("a",)},
])
def test_inconsistent_dataset_is_a_data_error(kwargs):
    with pytest.raises(DataError):
        Dataset(**kwargs)


def test_bundled_iris():
    iris = load_bundled("iris")
    assert iris.X.shape == (150, 4) and iris.problem == "multiclass"
    assert iris.class_names == ("setosa", "versicolor", "virginica")
    assert np.bincount(iris.labels).tolist() == [50, 50, 50]
    assert iris.feature_names[0].startswith("sepal_length")
    assert BUNDLED["iris"].n_samples == 150 and BUNDLED["iris"].path.exists()


def test_bundled_digits():
    digits = load_bundled("digits")
    assert digits.X.shape == (1797, 64) and digits.n_classes == 10
    assert digits.class_names == tuple(str(k) for k in range(10))
    assert digits.X.min() == 0 and digits.X.max() == 16
    assert np.bincount(digits.labels).sum() == 1797 and digits.feature_names[9] == "pixel_1_1"


def test_bundled_readme_states_source_and_licence():
    readme = (BUNDLED["iris"].path.parent / "README.md").read_text()
    assert "CC BY 4.0" in readme and "Fisher" in readme and "Alpaydin" in readme


def test_unknown_bundled_name():
    with pytest.raises(WorkbenchError, match="mnist"):
        load_bundled("mnist")


def test_engine_data_modules_import_no_qt():
    import subprocess
    import sys
    code = ("import sys; import engine.data.toys, engine.data.formats, engine.data.preparation; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
