"""Loading CSV/TSV, NPZ, NPY and IDX files, and the located errors for broken files."""

import gzip
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.data.reading
from engine.core.errors import ConfigurationError, DataError, WorkbenchError
from engine.data.array_formats import load_npy, load_npz
from engine.data.csv_format import load_csv
from engine.data.formats import load_file
from engine.data.idx_format import load_idx


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def raises_at(path, row=None, column=None, match=None):
    """Context manager: a DataError naming the file (and row/column) is raised."""
    class Checker:
        def __enter__(self):
            self.ctx = pytest.raises(DataError, match=match)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            err = self.info.value
            message = str(err)
            assert path.name in message and err.path == str(path)
            if row is not None:
                assert err.row == row and f"row {row}" in message
            if column is not None:
                assert err.column == column and f"column {column}" in message
            return handled
    return Checker()


# ---- CSV: good files ------------------------------------------------------------------

IRIS_LIKE = "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n"


def test_csv_string_labels_keep_sorted_names_and_header(tmp_path):
    data = load_csv(write(tmp_path, "flowers.csv", IRIS_LIKE))
    assert data.problem == "multiclass" and data.class_names == ("setosa", "versicolor", "virginica")
    assert data.labels.tolist() == [0, 1, 2, 0]
    assert data.feature_names == ("sepal", "petal") and data.X.shape == (4, 2)
    assert data.name == "flowers.csv"


def test_csv_without_header(tmp_path):
    data = load_csv(write(tmp_path, "plain.csv", "1,2,0\n3,4,1\n5,6,1\n"))
    assert data.X.tolist() == [[1, 2], [3, 4], [5, 6]] and data.labels.tolist() == [0, 1, 1]
    assert data.problem == "binary" and data.class_names == ("0", "1") and data.feature_names == ("x1", "x2")


def test_header_can_be_forced_either_way(tmp_path):
    path = write(tmp_path, "h.csv", "1,2,0\n3,4,1\n5,6,0\n")
    assert load_csv(path, header=True).feature_names == ("1", "2")
    assert load_csv(path, header=True).n_samples == 2
    assert load_csv(path, header=False).n_samples == 3


def test_header_false_makes_text_first_row_an_error(tmp_path):
    path = write(tmp_path, "t.csv", "a,b,c\n1,2,x\n3,4,y\n")
    with raises_at(path, row=1, column=1, match="'a' is not a number"):
        load_csv(path, header=False)


@pytest.mark.parametrize("name, text", [
    ("tabs.tsv", "a\tb\ty\n1\t2\t0\n3\t4\t1\n"),
    ("tabs.txt", "a\tb\ty\n1\t2\t0\n3\t4\t1\n"),
    ("semi.csv", "a;b;y\n1;2;0\n3;4;1\n"),
    ("space.txt", "a  b y\n 1 2   0\n3 4 1\n"),
    ("crlf.csv", "a,b,y\r\n1,2,0\r\n3,4,1\r\n"),
    ("trailing.csv", "a,b,y,\n1,2,0,\n3,4,1,\n"),
    ("comments.csv", "# made by hand\na,b,y\n\n1,2,0\n# middle\n3,4,1\n\n"),
    ("quoted.csv", '"a","b","y"\n"1", "2","0"\n3,4,1\n'),
    ("bom.csv", "\ufeffa,b,y\n1,2,0\n3,4,1\n"),
])
def test_delimiters_and_layouts_are_recognised(tmp_path, name, text):
    data = load_csv(write(tmp_path, name, text))
    assert data.feature_names == ("a", "b")
    assert data.X.tolist() == [[1, 2], [3, 4]] and data.labels.tolist() == [0, 1]


def test_decimal_comma_in_semicolon_files(tmp_path):
    data = load_csv(write(tmp_path, "euro.csv", "a;b;y\n1,5;-2,25;0\n3;,5;1\n"))
    assert data.X.tolist() == [[1.5, -2.25], [3.0, 0.5]]


def test_explicit_delimiter(tmp_path):
    path = write(tmp_path, "pipe.txt", "a|b|y\n1|2|0\n3|4|1\n")
    assert load_csv(path, delimiter="|").X.tolist() == [[1, 2], [3, 4]]
    assert load_csv(write(tmp_path, "s.txt", "1;2;0\n3;4;1\n"), delimiter="semicolon").n_features == 2
    with pytest.raises(ConfigurationError):
        load_csv(path, delimiter="ab")


def test_gzipped_csv(tmp_path):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(IRIS_LIKE.encode()))
    assert load_csv(path).class_names == ("setosa", "versicolor", "virginica")


def test_select_features_and_target_by_name_and_index(tmp_path):
    path = write(tmp_path, "cols.csv", "id,label,u,v\n1,b,0.5,2\n2,a,1.5,4\n3,b,2.5,6\n")
    by_name = load_csv(path, features=["v", "u"], target="label")
    by_index = load_csv(path, features=[3, -2], target=1)
    for data in (by_name, by_index):
        assert data.feature_names == ("v", "u") and data.X[:, 0].tolist() == [2, 4, 6]
        assert data.class_names == ("a", "b") and data.labels.tolist() == [1, 0, 1]
    only_target = load_csv(path, target="label")
    assert only_target.feature_names == ("id", "u", "v")


def test_unknown_column_lists_the_columns(tmp_path):
    path = write(tmp_path, "cols.csv", "u,v,y\n1,2,0\n3,4,1\n")
    with raises_at(path, match="'w'.*'u', 'v', 'y'"):
        load_csv(path, target="w")
    with raises_at(path, match="index 5"):
        load_csv(path, features=[5])
    with pytest.raises(ConfigurationError):
        load_csv(path, features=["y"], target="y")


def test_numeric_target_inference_and_override(tmp_path):
    few = write(tmp_path, "few.csv", "x,y\n" + "".join(f"{i / 10},{i % 3 + 1}\n" for i in range(30)))
    data = load_csv(few)
    assert data.problem == "multiclass" and data.class_names == ("1", "2", "3")
    assert data.labels.tolist()[:4] == [0, 1, 2, 0]
    as_regression = load_csv(few, problem="regression")
    assert as_regression.problem == "regression" and as_regression.targets[:3, 0].tolist() == [1, 2, 3]
    smooth = write(tmp_path, "smooth.csv", "x,y\n" + "".join(f"{i},{i * 0.37}\n" for i in range(30)))
    data = load_csv(smooth)
    assert data.problem == "regression" and data.target_names == ("y",) and data.targets.shape == (30, 1)
    many_ints = write(tmp_path, "ints.csv", "x,y\n" + "".join(f"{i},{i * 3}\n" for i in range(30)))
    assert load_csv(many_ints).problem == "regression"
    with raises_at(smooth, row=3, column=2, match="not a whole number"):
        load_csv(smooth, problem="multiclass")
    with raises_at(few, match="binary"):
        load_csv(few, problem="binary")


def test_string_target_cannot_be_regression(tmp_path):
    path = write(tmp_path, "s.csv", IRIS_LIKE)
    with raises_at(path, row=2, column=3, match="'setosa'"):
        load_csv(path, problem="regression")


def test_several_target_columns_make_multi_output_regression(tmp_path):
    path = write(tmp_path, "multi.csv", "x,y1,y2\n1,0.5,2\n2,1.5,3\n")
    data = load_csv(path, target=["y1", "y2"])
    assert data.problem == "regression" and data.targets.tolist() == [[0.5, 2], [1.5, 3]]
    assert data.target_names == ("y1", "y2")


def test_ten_thousand_rows_load(tmp_path):
    # how fast: bench/csv_import.py (timed tests are flaky on a shared machine)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 20))
    y = rng.integers(0, 4, 10_000)
    lines = ["\n".join(",".join(f"{v:.6f}" for v in row) + f",{k}" for row, k in zip(X, y))]
    path = write(tmp_path, "big.csv", ",".join(f"f{i}" for i in range(20)) + ",y\n" + lines[0] + "\n")
    data = load_csv(path)
    assert np.allclose(data.X, X, atol=1e-6) and np.array_equal(data.labels, y)


# ---- CSV: broken files ----------------------------------------------------------------

@pytest.mark.parametrize("text, row, column, match", [
    ("a,b,y\n1,2,0\n3,4\n5,6,1\n", 3, None, "2 values"),
    ("a,b,y\n1,2,0\n3,oops,1\n", 3, 2, "'oops' is not a number"),
    ("a,b,y\n1,2,0\n3,,1\n", 3, 2, "empty"),
    ("a,b,y\n1,2,0\n3,nan,1\n", 3, 2, "'nan' is missing.*drop_rows or mean"),
    ("a,b,y\n1,2,0\n3,4,1\n5,-inf,0\n", 4, 2, "finite"),
    ("a,b,y\n1,2,0\n3,4,\n", 3, 3, "missing"),
    ("a,b,y\n1,2,0\n3,4,nan\n", 3, 3, "target value 'nan' is missing"),
    ("a,b,y\n1,2,0\n3,4,1\n5,inf,0\n", 4, 2, "finite"),
    ("a,a,y\n1,2,0\n3,4,1\n", 1, 2, "twice"),
])
def test_bad_rows_are_located(tmp_path, text, row, column, match):
    path = write(tmp_path, "broken.csv", text)
    with raises_at(path, row=row, column=column, match=match):
        load_csv(path)


@pytest.mark.parametrize("text, match", [
    ("", "empty"),
    ("\n  \n\n", "empty"),
    ("a,b,y\n", "header row but no data"),
    ("a,b,y\n1,2,0\n3,4,0\n", "only one class"),
    ("a,b,y\n1,2,cat\n3,4,cat\n", "only one class"),
    ("1\n2\n3\n", "one column"),
])
def test_unusable_files(tmp_path, text, match):
    path = write(tmp_path, "bad.csv", text)
    with raises_at(path, match=match):
        load_csv(path)


def test_rows_are_counted_from_the_start_of_a_quoted_record(tmp_path):
    path = write(tmp_path, "quoted.csv", 'a,b,y\n1,2,0\n\n3,"4\n5",1\n')
    with raises_at(path, row=4, column=2, match="not a number"):
        load_csv(path)
    huge = write(tmp_path, "huge.csv", 'a,b,y\n1,2,0\n3,"' + "x" * 200_000 + "\n")
    with raises_at(huge, row=3, match="delimited text"):
        load_csv(huge)


def test_header_only_reports_its_row(tmp_path):
    path = write(tmp_path, "head.csv", "\nx,y,label\n")
    with raises_at(path, row=2, match="no data"):
        load_csv(path)


def test_binary_and_non_utf8_files(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,y\n1,2,0\ncaf\u00e9,4,1\n".encode("latin-1"))
    with raises_at(path, row=3, match="UTF-8"):
        load_csv(path)
    blob = tmp_path / "image.csv"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with raises_at(blob, match="binary"):
        load_csv(blob)


def test_missing_file_and_folder(tmp_path):
    with raises_at(tmp_path / "nope.csv", match="not found"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="folder"):
        load_csv(tmp_path)


def test_too_large_files_are_refused(tmp_path, monkeypatch):
    path = write(tmp_path, "large.csv", "a,y\n" + "1,0\n2,1\n" * 50)
    assert load_csv(path).n_samples == 100
    monkeypatch.setattr(engine.data.reading, "MAX_FILE_BYTES", 100)
    with raises_at(path, match="MB limit"):
        load_csv(path)
    packed = tmp_path / "bomb.csv.gz"
    packed.write_bytes(gzip.compress(b"a,y\n" + b"1,0\n" * 1000))
    assert packed.stat().st_size < 100
    with raises_at(packed, match="uncompressed"):
        load_csv(packed)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("0123456789.,;\t \n\r-+eEnaifxyz#\"'") + ["\u00e9", "\x00"]),
                    max_size=120))
def test_fuzzed_text_loads_or_raises_workbench_error(tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        data = load_csv(path)
    except WorkbenchError:
        return
    assert data.n_samples >= 1 and np.isfinite(data.X).all()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=200))
def test_fuzzed_bytes_load_or_raise_workbench_error(tmp_path, blob):
    path = tmp_path / "fuzz.dat"
    path.write_bytes(blob)
    for loader in (load_csv, load_npy, load_npz):
        try:
            loader(path)
        except WorkbenchError:
            pass


# ---- NPZ / NPY ------------------------------------------------------------------------

def test_npz_round_trip_classification_and_regression(tmp_path):
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    np.savez(tmp_path / "c.npz", X=X, y=np.array([2, 0, 1, 2, 0, 1]))
    data = load_npz(tmp_path / "c.npz")
    assert data.X.dtype == np.float32 and np.array_equal(data.X, X) and data.class_names == ("0", "1", "2")  # kept: no float64 copy
    np.savez_compressed(tmp_path / "r.npz", inputs=X, out=np.linspace(0, 1, 6)[:, None] * [1, 2])
    reg = load_npz(tmp_path / "r.npz", x_key="inputs", y_key="out")
    assert reg.problem == "regression" and reg.targets.shape == (6, 2)
    np.savez(tmp_path / "s.npz", X=np.zeros((3, 4, 4)), y=np.array(["cat", "dog", "cat"]))
    images = load_npz(tmp_path / "s.npz")
    assert images.X.shape == (3, 16) and images.class_names == ("cat", "dog")
    np.savez(tmp_path / "h.npz", X=X, y=np.eye(3)[[0, 1, 2, 0, 1, 2]])
    assert load_npz(tmp_path / "h.npz").labels.tolist() == [0, 1, 2, 0, 1, 2]


def test_npz_missing_key_lists_the_keys(tmp_path):
    path = tmp_path / "keys.npz"
    np.savez(path, images=np.zeros((2, 2)), labels=np.array([0, 1]))
    with raises_at(path, match=r"no array named 'X'.*'images', 'labels'"):
        load_npz(path)
    assert load_npz(path, x_key="images", y_key="labels").n_samples == 2


def test_npz_object_arrays_are_refused(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, X=np.array([[1.0, 2.0]]), y=np.array([{"a": 1}], dtype=object))
    with raises_at(path, match="pickle"):
        load_npz(path)


@pytest.mark.parametrize("X, y, match", [
    (np.zeros((3, 2)), np.array([0, 1]), "3 examples"),
    (np.array([[0.0, np.inf], [1, 1]]), np.array([0, 1]), "finite"),
    (np.zeros((2, 2)), np.array([1, 1]), "one class"),
    (np.zeros((0, 2)), np.zeros(0), "no examples"),
])
def test_npz_bad_contents(tmp_path, X, y, match):
    path = tmp_path / "contents.npz"
    np.savez(path, X=X, y=y)
    with raises_at(path, match=match):
        load_npz(path)


def test_not_an_npz(tmp_path):
    path = write(tmp_path, "fake.npz", "hello")
    with raises_at(path, match="NPZ"):
        load_npz(path)


def test_npy_last_column_is_target(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.array([[0.1, 0.2, 1], [0.3, 0.4, 0], [0.5, 0.6, 1]]))
    data = load_npy(path)
    assert data.X.tolist() == [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]] and data.labels.tolist() == [1, 0, 1]
    assert load_npy(path, target=0, problem="regression").targets[:, 0].tolist() == [0.1, 0.3, 0.5]
    with raises_at(path, match="target"):
        load_npy(path, target=None)
    objects = tmp_path / "o.npy"
    np.save(objects, np.array([[1, "a"]], dtype=object), allow_pickle=True)
    with raises_at(objects, match="pickle"):
        load_npy(objects)
    flat = tmp_path / "flat.npy"
    np.save(flat, np.arange(5))
    with raises_at(flat, match="2-D"):
        load_npy(flat)


# ---- IDX ------------------------------------------------------------------------------

def idx_bytes(array, code=0x08):
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(tmp_path, images, labels, gz=False, prefix="train"):
    suffix = ".gz" if gz else ""
    pack = gzip.compress if gz else (lambda b: b)
    image_path = tmp_path / f"{prefix}-images-idx3-ubyte{suffix}"
    label_path = tmp_path / f"{prefix}-labels-idx1-ubyte{suffix}"
    image_path.write_bytes(pack(idx_bytes(images)))
    label_path.write_bytes(pack(idx_bytes(labels)))
    return image_path, label_path


@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, gz):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (12, 3, 4), dtype=np.uint8)
    labels = (np.arange(12) % 10).astype(np.uint8)
    image_path, label_path = write_idx(tmp_path, images, labels, gz)
    data = load_idx(image_path, label_path)
    assert data.X.shape == (12, 12) and data.X.dtype == np.float64
    assert np.allclose(data.X, images.reshape(12, -1) / 255.0) and 0 <= data.X.min() and data.X.max() <= 1
    assert data.labels.tolist() == labels.tolist() and data.class_names == tuple(str(k) for k in range(10))
    assert data.feature_names[5] == "pixel_1_1"
    assert load_file(image_path).n_samples == 12  # labels file found by MNIST naming


def test_idx_limit_is_a_seeded_subset(tmp_path):
    images = np.arange(50 * 4, dtype=np.uint8).reshape(50, 2, 2)
    image_path, label_path = write_idx(tmp_path, images, np.arange(50, dtype=np.uint8) % 3)
    a = load_idx(image_path, label_path, limit=10, seed=1)
    b = load_idx(image_path, label_path, limit=10, seed=1)
    c = load_idx(image_path, label_path, limit=10, seed=2)
    assert a.n_samples == 10 and np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)
    rows = np.round(a.X[:, 0] * 255 / 4).astype(int)
    assert np.all(np.diff(rows) > 0) and np.array_equal(a.labels, rows % 3)
    assert load_idx(image_path, label_path, limit=500).n_samples == 50
    with pytest.raises(ConfigurationError):
        load_idx(image_path, label_path, limit=0)


def test_idx_errors(tmp_path):
    images = np.zeros((5, 2, 2), dtype=np.uint8)
    image_path, label_path = write_idx(tmp_path, images, np.arange(4, dtype=np.uint8))
    with raises_at(image_path, match="5 images.*4 labels"):
        load_idx(image_path, label_path)
    truncated = tmp_path / "cut-images-idx3-ubyte"
    truncated.write_bytes(idx_bytes(images)[:-3])
    with raises_at(truncated, match="truncated"):
        load_idx(truncated, label_path)
    packed = tmp_path / "cut.gz"
    packed.write_bytes(gzip.compress(idx_bytes(images))[:-10])
    with raises_at(packed, match="gzip"):
        load_idx(packed, label_path)
    wrong = tmp_path / "wrong-idx"
    wrong.write_bytes(b"\x12\x34\x56\x78" + bytes(20))
    with raises_at(wrong, match="magic"):
        load_idx(wrong, label_path)
    with raises_at(label_path, match="1-D"):
        load_idx(label_path, label_path)
    many = tmp_path / "many-labels-idx1-ubyte"
    many.write_bytes(idx_bytes(np.array([0, 1, 2, 3, 5000], dtype=np.int32), code=0x0C))
    with raises_at(many, match="5000"):
        load_idx(write_idx(tmp_path, images, np.zeros(5, np.uint8), prefix="m")[0], many)


def test_mnist_shaped_images_load_flattened_and_scaled(tmp_path):
    # the full 60,000-image load is timed in bench/memory.py (idx), not here: timed tests are flaky
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (600, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 600).astype(np.uint8)
    data = load_idx(*write_idx(tmp_path, images, labels))
    assert data.X.shape == (600, 784) and data.n_classes == 10 and data.labels[123] == labels[123]
    assert data.X[7, 100] == images[7].reshape(-1)[100] / 255.0
    assert data.feature_names[29] == "pixel_1_1"


# ---- dispatch -------------------------------------------------------------------------

def test_load_file_dispatches_on_suffix(tmp_path):
    assert load_file(write(tmp_path, "a.tsv", "x\ty\n1\t0\n2\t1\n")).n_samples == 2
    np.savez(tmp_path / "b.npz", X=np.zeros((2, 1)), y=np.array([0, 1]))
    assert load_file(tmp_path / "b.npz").n_samples == 2
    np.save(tmp_path / "c.npy", np.array([[1.0, 0], [2.0, 1]]))
    assert load_file(tmp_path / "c.npy").n_samples == 2
    with raises_at(tmp_path / "d.xlsx", match="unknown file type"):
        load_file(tmp_path / "d.xlsx")
    with pytest.raises(ConfigurationError, match="colour"):
        load_file(tmp_path / "b.npz", colour="red")
    lonely = tmp_path / "t10k-images-idx3-ubyte"
    lonely.write_bytes(idx_bytes(np.zeros((1, 2, 2), dtype=np.uint8)))
    with raises_at(lonely, match="labels_path"):
        load_file(lonely)
