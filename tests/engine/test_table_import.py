"""Real tables: missing cells, text feature columns (one-hot), preambles, header-less rows, and their experiment keys."""

import json
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.errors import ConfigurationError, DataError, ExperimentError, WorkbenchError
from engine.data.csv_format import load_csv
from engine.data.preparation import prepare
from engine.io.experiment import Experiment
from engine.run import build

# A penguins-like table, made by hand: NA cells, two text columns, a text target.
PENGUINS = """species,island,bill_length_mm,flipper_length_mm,sex
Adelie,Torgersen,39.1,181,male
Adelie,Torgersen,39.5,186,female
Adelie,Torgersen,NA,NA,NA
Adelie,Biscoe,37.8,174,female
Gentoo,Biscoe,46.1,211,female
Gentoo,Biscoe,50.0,230,male
Gentoo,Biscoe,47.5,NA,
Chinstrap,Dream,46.5,192,female
Chinstrap,Dream,50.0,196,male
Chinstrap,Dream,51.3,193,male
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def penguins(tmp_path, **options):
    return load_csv(write(tmp_path, "penguins.csv", PENGUINS), target="species", **options)


def test_missing_cells_are_refused_by_default_naming_row_column_and_remedy(tmp_path):
    with pytest.raises(DataError, match="drop_rows or mean") as info:
        penguins(tmp_path)
    err = info.value
    assert err.row == 4 and err.column == 3 and "'NA' is missing" in str(err) and "penguins.csv" in str(err)


def test_drop_rows_keeps_complete_rows_and_says_which_columns(tmp_path):
    data = penguins(tmp_path, missing="drop_rows")
    assert data.n_samples == 8 and data.class_names == ("Adelie", "Chinstrap", "Gentoo")
    assert data.summary.text().startswith("8 of 10 rows kept; 2 had missing values in bill_length_mm, flipper_length_mm, sex")
    assert dict(data.summary.missing_rows) == {"bill_length_mm": 1, "flipper_length_mm": 2, "sex": 2}


def test_text_columns_become_sorted_one_hot_inputs(tmp_path):
    data = penguins(tmp_path, missing="drop_rows")
    assert data.feature_names == ("island=Biscoe", "island=Dream", "island=Torgersen", "bill_length_mm",
                                  "flipper_length_mm", "sex=female", "sex=male")
    assert data.X[0].tolist() == [0, 0, 1, 39.1, 181, 0, 1]
    assert data.X[:, :3].sum(axis=1).tolist() == [1] * 8
    enc = data.encoding
    assert enc.numeric == ("bill_length_mm", "flipper_length_mm") and enc.n_inputs == data.n_features == 7
    assert [(c.name, c.categories, c.first_input) for c in enc.text] == [
        ("island", ("Biscoe", "Dream", "Torgersen"), 0), ("sex", ("female", "male"), 5)]
    assert enc.describe() == "7 inputs: 2 numeric columns + island (3 categories) + sex (2 categories)"
    assert enc.text[1].encode("male") == [0.0, 1.0] and enc.text[1].encode("unseen") == [0.0, 0.0]
    prepared = prepare(data, test_fraction=0.25, seed=3)
    assert prepared.encoding is data.encoding and prepared.feature_names == data.feature_names


def test_mean_fills_feature_cells_and_drops_rows_without_a_target(tmp_path):
    text = PENGUINS.replace("Gentoo,Biscoe,50.0,230,male", "NA,Biscoe,50.0,230,male")
    data = load_csv(write(tmp_path, "p.csv", text), target="species", missing="mean")
    assert data.n_samples == 9  # the row without a species is dropped
    kept = [39.1, 39.5, 37.8, 46.1, 47.5, 46.5, 50.0, 51.3]
    assert data.X[2, 3] == pytest.approx(np.mean(kept))  # the NA bill length is the mean of the rest
    sex = data.X[:, 5:7]
    assert sex[2].tolist() == pytest.approx([4 / 7, 3 / 7])  # the mean one-hot vector of the present cells
    assert data.summary.text().startswith(
        "9 of 10 rows kept; 5 missing values filled with the column mean in bill_length_mm, flipper_length_mm, sex; "
        "1 dropped: target species missing")


def test_missing_value_tokens_can_be_chosen(tmp_path):
    path = write(tmp_path, "q.csv", "a,b,y\n1,?,0\n2,-999,1\n3,4,0\n4,5,1\n")
    assert load_csv(path, missing="drop_rows").n_samples == 3
    kept = load_csv(path, missing="drop_rows", missing_values=["-999", "?"])
    assert kept.X[:, 1].tolist() == [4, 5]
    with pytest.raises(DataError, match="'\\?' is not a number"):
        load_csv(path, missing_values=[])
    with pytest.raises(ConfigurationError, match="missing must be"):
        load_csv(path, missing="ignore")


def test_preamble_before_header_less_rows(tmp_path):
    """scikit-learn's layout: a metadata line (count, width, class names), then rows without a header."""
    text = "6,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,0\n7.0,3.2,1\n6.4,3.2,1\n6.3,3.3,1\n5.0,3.6,0\n"
    path = write(tmp_path, "iris_sk.csv", text)
    with pytest.raises(DataError, match="skip_rows") as info:
        load_csv(path)
    assert info.value.row == 2
    data = load_csv(path, skip_rows=1, header=False, features=[0, 1], target=2)
    assert data.n_samples == 6 and data.feature_names == ("x1", "x2") and data.labels.tolist() == [0, 0, 1, 1, 1, 0]
    bad = write(tmp_path, "bad.csv", "1,2,0\noops,3,1\n4,5,0\n")
    with pytest.raises(DataError) as info:
        load_csv(bad, skip_rows=0, header=False)
    assert (info.value.row, info.value.column) == (2, 1)
    with pytest.raises(DataError, match="fewer than skip_rows=9"):
        load_csv(bad, skip_rows=9)


@pytest.mark.parametrize("name, text, encoding", [
    ("quoted.csv", 'place,size,y\n"Dream, north",1.5,a\n"Biscoe, south",2,b\n"Dream, north",NA,a\n', "utf-8"),
    ("tabs.tsv", "place\tsize\ty\r\nDream, north\t1.5\ta\r\nBiscoe, south\t2\tb\r\nDream, north\tNA\ta\r\n", "utf-8"),
    ("semi.csv", "\ufeffplace;size;y\r\nDream, north;1,5;a\r\nBiscoe, south;2;b\r\nDream, north;;a\r\n", "utf-8"),
    ("bom.csv", 'place,size,y\r\n"Dream, north",1.5,a\r\n"Biscoe, south",2,b\r\n"Dream, north",?,a\r\n', "utf-8-sig"),
])
def test_layouts_with_text_and_missing_cells(tmp_path, name, text, encoding):
    data = load_csv(write(tmp_path, name, text, encoding), missing="drop_rows")
    assert data.feature_names == ("place=Biscoe, south", "place=Dream, north", "size")
    assert data.X.tolist() == [[0, 1, 1.5], [1, 0, 2]] and data.class_names == ("a", "b")
    assert data.summary.rows_read == 3 and data.summary.rows_kept == 2


def test_header_less_text_columns_are_named_by_position(tmp_path):
    data = load_csv(write(tmp_path, "h.csv", "red,1,0\nblue,2,1\nred,3,1\n"), header=False)
    assert data.feature_names == ("x1=blue", "x1=red", "x2")


def test_a_number_column_with_stray_text_is_located(tmp_path):
    path = write(tmp_path, "s.csv", "a,b,y\n1,2,0\n3,4,1\n5,six,0\n")
    with pytest.raises(DataError, match="'six' is not a number.*holds numbers") as info:
        load_csv(path)
    assert (info.value.row, info.value.column) == (4, 2)


def test_too_many_categories_are_refused(tmp_path):
    rows = "".join(f"id{i},{i % 2}\n" for i in range(300))
    with pytest.raises(DataError, match="300 different values.*leave it out"):
        load_csv(write(tmp_path, "ids.csv", "name,y\n" + rows))


def test_all_rows_missing_is_one_clear_error(tmp_path):
    with pytest.raises(DataError, match="no rows left"):
        load_csv(write(tmp_path, "e.csv", "a,b,y\nNA,1,0\n2,NA,1\n"), missing="drop_rows")


# ---- the experiment's dataset section -------------------------------------------------

def experiment(section, sizes):
    activations = ["tanh"] * (len(sizes) - 2) + ["softmax"]
    return {"format": "backprop-workbench-experiment", "version": 1, "seed": 5, "dataset": section,
            "network": {"sizes": sizes, "activations": activations}}


def test_file_section_round_trips_and_build_gives_identical_data(tmp_path):
    text = "# exported 2026\nkind;island;bill;flipper;sex\n" + "\n".join(
        line.replace(",", ";") for line in PENGUINS.splitlines()[1:]) + "\n"
    (tmp_path / "p.txt").write_text(text)
    section = {"file": "p.txt", "skip_rows": 1, "header": True, "delimiter": ";", "missing": "mean",
               "missing_values": ["NA", ""], "features": ["island", "bill", 3, "sex"], "target": 0,
               "test_fraction": 0.25, "standardize": True}
    doc = experiment(section, [7, 4, 3])
    first = Experiment.from_dict(doc, base_dir=tmp_path)
    (tmp_path / "sub").mkdir()
    saved = first.save(tmp_path / "sub" / "e.json")
    again = Experiment.load(tmp_path / "sub" / "e.json")
    assert again == saved and json.loads((tmp_path / "sub" / "e.json").read_text())["dataset"]["file"] == "../p.txt"
    a, b = build(first), build(again)
    assert a.dataset.feature_names == b.dataset.feature_names
    assert np.array_equal(a.data.X_train, b.data.X_train) and np.array_equal(a.data.X_test, b.data.X_test)
    assert np.array_equal(a.data.labels_train, b.data.labels_train) and a.data.encoding == b.data.encoding
    assert a.dataset.summary.rows_kept == 10 and a.data.n_inputs == 7


def test_input_size_message_says_how_it_was_counted(tmp_path):
    (tmp_path / "p.csv").write_text(PENGUINS)
    doc = experiment({"file": "p.csv", "target": "species", "missing": "drop_rows"}, [4, 5, 3])
    with pytest.raises(ExperimentError, match=r"7 inputs: 2 numeric columns \+ island \(3 categories\)"):
        build(Experiment.from_dict(doc, base_dir=tmp_path))


def test_npz_keys_and_idx_labels_in_the_section(tmp_path):
    np.savez(tmp_path / "d.npz", inputs=np.arange(12.0).reshape(6, 2), classes=np.array([0, 1, 2] * 2))
    doc = experiment({"file": "d.npz", "x_key": "inputs", "y_key": "classes"}, [2, 3])
    run = build(Experiment.from_dict(doc, base_dir=tmp_path))
    assert run.dataset.n_samples == 6 and Experiment.from_dict(doc).to_dict()["dataset"]["x_key"] == "inputs"
    images = np.arange(4 * 2 * 2, dtype=np.uint8).reshape(4, 2, 2)
    (tmp_path / "imgs.idx3").write_bytes(struct.pack(">BBBB3I", 0, 0, 8, 3, 4, 2, 2) + images.tobytes())
    (tmp_path / "lbl.idx1").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 4) + bytes([0, 1, 1, 0]))
    doc = experiment({"file": "imgs.idx3", "labels": "lbl.idx1"}, [4, 2])
    assert build(Experiment.from_dict(doc, base_dir=tmp_path)).dataset.n_samples == 4


@pytest.mark.parametrize("section, key, match", [
    ({"file": "d.csv", "x_key": "X"}, "dataset.x_key", "only for NPZ"),
    ({"file": "d.npz", "missing": "mean"}, "dataset.missing", "only for CSV"),
    ({"file": "d.csv", "header": "yes"}, "dataset.header", "auto"),
    ({"file": "d.csv", "delimiter": "::"}, "dataset.delimiter", "one character"),
    ({"file": "d.csv", "missing": "zero"}, "dataset.missing", "drop_rows"),
    ({"file": "d.csv", "skip_rows": -1}, "dataset.skip_rows", "whole number"),
    ({"file": "d.csv", "missing_values": "NA"}, "dataset.missing_values", "list"),
])
def test_bad_file_keys_name_the_key(section, key, match):
    with pytest.raises(ExperimentError, match=match) as info:
        Experiment.from_dict(experiment(section, [2, 2]))
    assert info.value.key == key


# ---- fuzzing the new options -----------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("0123,;\t\n\r-.eNA?\"ab #") + ["\ufeff"]), max_size=100),
       skip_rows=st.integers(0, 3), header=st.sampled_from([None, "auto", True, False]),
       delimiter=st.sampled_from([None, "auto", ",", ";", "\t"]), missing=st.sampled_from(["error", "drop_rows", "mean"]),
       tokens=st.sampled_from([None, [], ["?"], ["NA", ""]]))
def test_fuzzed_tables_with_options_load_or_raise_workbench_error(tmp_path, text, skip_rows, header, delimiter,
                                                                   missing, tokens):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        data = load_csv(path, skip_rows=skip_rows, header=header, delimiter=delimiter, missing=missing,
                        missing_values=tokens)
    except WorkbenchError:
        return
    assert np.isfinite(data.X).all() and data.summary.rows_kept == data.n_samples
    assert data.encoding.n_inputs == data.n_features
