"""Data panel (issue 6): built-in, bundled, imported and drawn datasets; errors inline; background loading."""

from __future__ import annotations

import gzip
import struct
import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from engine.data.toys import BUILTIN
from engine.io.dataset_settings import DatasetSettings
from engine.io.experiment import Experiment, default_experiment
from engine.run import build
from tests.engine.test_table_import import PENGUINS  # the same hand-made table
from workbench.datapanel import CAPTION, DatasetChoice, DatasetPanel, PointDrawingTool
from workbench.datapanel.panel import TAB_DRAW, TAB_IMPORT


@pytest.fixture
def panel(qtbot):
    p = DatasetPanel()
    qtbot.addWidget(p)
    p.resize(380, 900)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.shutdown()


def applied(qtbot, panel) -> DatasetChoice:
    with qtbot.waitSignal(panel.datasetChosen, timeout=2000) as blocker:
        panel.apply()
    return blocker.args[0]


def import_file(qtbot, panel, path, ok=True, timeout=20000):
    with qtbot.waitSignal(panel.loadFinished, timeout=timeout) as blocker:
        assert panel.accept_drop(path)
    assert blocker.args == [ok], panel.error_label.text()


# ---- built-in and bundled ----------------------------------------------------------------

def expected_outputs(name: str, params: dict) -> int:
    spec = BUILTIN[name]
    if spec.problem == "multiclass":
        return params.get("classes", spec.defaults["classes"])
    return 1


@pytest.mark.parametrize("name", list(BUILTIN))
def test_each_builtin_dataset_is_emitted_with_matching_sizes(qtbot, panel, name):
    before = applied(qtbot, panel)
    panel.choose_builtin(name)
    choice = applied(qtbot, panel)
    spec = BUILTIN[name]
    assert choice.section["builtin"] == name
    assert choice.n_inputs == spec.input_dim
    assert choice.n_outputs == expected_outputs(name, {})
    assert choice.problem == spec.problem
    assert panel.current_choice is choice
    if name != before.section["builtin"]:
        assert not (choice.dataset.X.shape == before.dataset.X.shape and np.array_equal(choice.dataset.X, before.dataset.X))
    # the stored section rebuilds exactly the same data through the engine's own run builder
    document = default_experiment().to_dict()
    document["dataset"] = dict(choice.section)
    document["network"]["sizes"] = [choice.n_inputs, *document["network"]["sizes"][1:-1], choice.n_outputs]
    run = build(Experiment.from_dict(document))
    np.testing.assert_array_equal(run.data.X_train, choice.data.X_train)
    np.testing.assert_array_equal(run.data.X_test, choice.data.X_test)


def test_parameters_and_new_seed_change_the_data(qtbot, panel):
    panel.choose_builtin("blobs", classes=5, samples=123)
    choice = applied(qtbot, panel)
    assert choice.n_outputs == 5 and choice.dataset.n_samples == 123
    assert choice.section["classes"] == 5
    panel.new_seed_button.click()
    reseeded = applied(qtbot, panel)
    assert reseeded.section["seed"] != choice.section["seed"]
    assert not np.array_equal(reseeded.dataset.X, choice.dataset.X)
    panel.test_spin.setValue(0.5)
    split = applied(qtbot, panel)
    assert split.data.n_test == round(123 * 0.5) or abs(split.data.n_test - 61.5) <= 1


def test_preview_marks_test_points_and_uses_class_names(qtbot, panel):
    panel.choose_builtin("spirals_k", classes=4)
    assert panel.preview.legend_labels() == ["0", "1", "2", "3", "test"]


def test_bundled_iris_is_one_click(qtbot, panel):
    with qtbot.waitSignal(panel.datasetChosen) as blocker:
        panel.bundled_buttons["iris"].click()
    choice = blocker.args[0]
    assert choice.section["bundled"] == "iris"
    assert (choice.n_inputs, choice.n_outputs) == (4, 3)
    assert set(choice.data.class_names) == {"setosa", "versicolor", "virginica"}


def test_digits_shows_axis_pickers_and_slice_means(qtbot, panel):
    received = []
    panel.sliceChanged.connect(lambda i, j: received.append((i, j)))
    with qtbot.waitSignal(panel.datasetChosen):
        panel.bundled_buttons["digits"].click()
    choice = panel.current_choice
    picker = panel.axis_picker
    assert choice.n_inputs == 64 and picker.isVisible()
    # the axes start on the two pixels with the widest spread (the corner pixels are always blank)
    spread = np.asarray(choice.data.std)
    assert picker.slice_axes() == tuple(sorted(int(a) for a in np.argsort(-spread, kind="stable")[:2]))
    assert spread[list(picker.slice_axes())].min() > np.median(spread)
    picker.set_slice_axes(0, 1)
    np.testing.assert_allclose(picker.slice_fixed(choice.data), np.asarray(choice.data.X_train).mean(axis=0))
    assert CAPTION in picker.caption_text()
    with qtbot.waitSignal(panel.sliceChanged) as blocker:
        picker.y_combo.setCurrentIndex(36)
    assert blocker.args == [0, 36] and picker.slice_axes() == (0, 36)
    picker.x_combo.setCurrentIndex(36)  # picking the other axis' feature swaps them
    assert picker.slice_axes() == (36, 0)
    assert received[-1] == (36, 0)
    assert "pixel_4_4" in panel.preview.plot_item.getAxis("bottom").labelText
    panel.choose_builtin("xor")
    assert not picker.isVisible()


# ---- import --------------------------------------------------------------------------------

def test_import_csv_with_string_labels(qtbot, panel, tmp_path):
    path = tmp_path / "flowers.csv"
    rng = np.random.default_rng(1)
    lines = ["length,width,colour,species"]
    for t in range(40):
        kind = ["rose", "tulip"][t % 2]
        lines.append(f"{rng.normal(t % 2, 0.3):.3f},{rng.normal(0, 1):.3f},{rng.normal(0, 1):.3f},{kind}")
    path.write_text("\n".join(lines) + "\n")
    import_file(qtbot, panel, path)
    assert panel.tabs.currentIndex() == TAB_IMPORT
    assert panel.table_model.rowCount() == 40 and panel.table_model.columnCount() == 4
    assert panel.target_combo.currentText() == "species"
    assert panel.problem_combo.itemText(0) == "inferred (binary)"
    choice = applied(qtbot, panel)
    assert choice.data.class_names == ("rose", "tulip")
    assert choice.section["file"] == str(path) and choice.section["target"] == "species"
    assert set(panel.preview.legend_labels()) >= {"rose", "tulip"}
    assert not panel.error_label.isVisible()
    # untick a feature column: fewer inputs, and the saved section names the chosen features
    with qtbot.waitSignal(panel.loadFinished, timeout=5000):
        panel.feature_model.item(2).setCheckState(Qt.Unchecked)
    choice = applied(qtbot, panel)
    assert choice.n_inputs == 2 and choice.section["features"] == ["length", "width"]
    assert DatasetSettings.from_dict(dict(choice.section)).to_dict()["features"] == ["length", "width"]


def test_import_problem_override(qtbot, panel, tmp_path):
    path = tmp_path / "numbers.tsv"
    path.write_text("a\tb\ty\n" + "".join(f"{t / 10}\t{t % 3}\t{t % 3}\n" for t in range(30)))
    import_file(qtbot, panel, path)
    assert panel.pending_choice().problem == "multiclass"
    with qtbot.waitSignal(panel.loadFinished, timeout=5000):
        panel.problem_combo.setCurrentIndex(panel.problem_combo.findData("regression"))
    choice = applied(qtbot, panel)
    assert choice.problem == "regression" and choice.section["problem"] == "regression"


def write_idx(path, array: np.ndarray, gz: bool = False) -> None:
    codes = {np.dtype(np.uint8): 0x08}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.tobytes()
    if gz:
        data = gzip.compress(data, compresslevel=1)
    path.write_bytes(data)


def broken_files(tmp_path):
    def text(name, content):
        p = tmp_path / name
        p.write_text(content)
        return p

    def npz():
        p = tmp_path / "arrays.npz"
        np.savez(p, A=np.zeros((4, 2)), B=np.zeros(4))
        return p

    def idx():
        images = np.zeros((10, 4, 4), np.uint8)
        write_idx(tmp_path / "small-images-idx3-ubyte", images)
        write_idx(tmp_path / "small-labels-idx1-ubyte", np.arange(10, dtype=np.uint8) % 2)
        p = tmp_path / "small-images-idx3-ubyte"
        p.write_bytes(p.read_bytes()[:-17])
        return p

    return {
        "ragged": (lambda: text("ragged.csv", "a,b,c\n1,2,0\n3,4\n5,6,1\n"), ["row 3"]),
        "non-numeric": (lambda: text("words.csv", "a,b,c\n1,2,0\n3,x,1\n"), ["row 3", "column 2"]),
        "empty": (lambda: text("empty.csv", ""), ["empty"]),
        "header only": (lambda: text("header.csv", "a,b,c\n"), ["no data rows"]),
        "NaN": (lambda: text("nan.csv", "a,b,c\n1,2,0\n3,nan,1\n"), ["row 3", "column 2"]),
        "single class": (lambda: text("single.csv", "a,b,c\n1,2,yes\n3,4,yes\n"), ["one class"]),
        "bad NPZ arrays": (npz, ["'B'", "one class"]),  # the page picks the archive's own array names
        "truncated IDX": (idx, ["truncated"]),
        "unknown type": (lambda: text("notes.docx", "hello"), ["unknown file type"]),
    }


@pytest.mark.parametrize("kind", ["ragged", "non-numeric", "empty", "header only", "NaN", "single class",
                                  "bad NPZ arrays", "truncated IDX", "unknown type"])
def test_broken_file_shows_inline_error_and_keeps_previous(qtbot, panel, tmp_path, kind):
    previous = applied(qtbot, panel)
    make, words = broken_files(tmp_path)[kind]
    path = make()
    chosen = []
    panel.datasetChosen.connect(chosen.append)
    import_file(qtbot, panel, path, ok=False)
    message = panel.error_label.text()
    assert panel.error_label.isVisible()
    assert path.name in message
    for word in words:
        assert word in message
    assert "Traceback" not in message
    assert panel.current_choice is previous
    assert panel.pending_choice() is None and not panel.apply_button.isEnabled()
    assert panel.apply() is None and chosen == []


def test_missing_file_is_an_inline_error(qtbot, panel, tmp_path):
    previous = applied(qtbot, panel)
    assert panel.accept_drop(tmp_path / "gone.csv") is False
    assert "gone.csv" in panel.error_label.text() and panel.current_choice is previous


def test_large_idx_loads_in_background_while_window_responds(qtbot, panel, tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (60_000, 28, 28), dtype=np.uint8)
    labels = (np.arange(60_000) % 10).astype(np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    start = time.perf_counter()
    with qtbot.waitSignal(panel.loadFinished, timeout=30000) as blocker:
        panel.accept_drop(tmp_path / "train-images-idx3-ubyte")
        assert panel.is_loading() and panel.busy_bar.isVisible()
    elapsed = time.perf_counter() - start
    timer.stop()
    assert blocker.args == [True], panel.error_label.text()
    assert not panel.busy_bar.isVisible()
    gaps = np.diff([start, *ticks])
    assert len(ticks) >= 3 and gaps.max() < max(0.5, elapsed / 3), (elapsed, gaps.max())
    choice = applied(qtbot, panel)
    assert (choice.dataset.n_samples, choice.n_inputs, choice.n_outputs) == (60_000, 784, 10)
    assert panel.axis_picker.isVisible()
    assert panel.table_model.rowCount() == 100


# ---- drawing -------------------------------------------------------------------------------

def click_at(view: pg.PlotWidget, tool: PointDrawingTool, x, y, button=Qt.LeftButton, modifier=Qt.NoModifier):
    pos = view.mapFromScene(tool.view_to_scene(x, y))
    QTest.mouseClick(view.viewport(), button, modifier, QPoint(pos.x(), pos.y()))


def test_drawing_three_points_of_two_classes(qtbot, panel):
    panel.tabs.setCurrentIndex(TAB_DRAW)
    tool = panel.preview_tool
    assert tool.is_active()
    click_at(panel.preview, tool, -0.5, -0.5)
    click_at(panel.preview, tool, 0.5, 0.5, modifier=Qt.ShiftModifier)   # next class
    click_at(panel.preview, tool, 0.5, -0.5, button=Qt.RightButton)      # next class too
    assert len(panel.points) == 3
    choice = applied(qtbot, panel)
    assert choice.dataset.n_samples == 3
    assert choice.dataset.labels.tolist() == [0, 1, 1]
    np.testing.assert_allclose(choice.dataset.X, [[-0.5, -0.5], [0.5, 0.5], [0.5, -0.5]], atol=0.03)
    assert choice.section["points"]["labels"] == [0, 1, 1]
    assert (choice.n_inputs, choice.n_outputs) == (2, 1)
    assert DatasetSettings.from_dict(dict(choice.section)).points_dataset().labels.tolist() == [0, 1, 1]
    # pick class 1 in the picker, then a plain click draws class 1
    panel.class_buttons.button(1).click()
    click_at(panel.preview, tool, -0.5, 0.5)
    assert panel.points.labels.tolist() == [0, 1, 1, 1]
    # Alt+click erases the point under the cursor; Clear all removes everything
    pos = panel.preview.mapFromScene(tool.view_to_scene(-0.5, 0.5))
    QTest.mousePress(panel.preview.viewport(), Qt.LeftButton, Qt.AltModifier, QPoint(pos.x(), pos.y()))
    QTest.mouseRelease(panel.preview.viewport(), Qt.LeftButton, Qt.AltModifier, QPoint(pos.x(), pos.y()))
    assert len(panel.points) == 3
    panel.clear_button.click()
    assert len(panel.points) == 0 and panel.pending_choice() is None


def test_drawing_on_another_plot_and_regression_mode(qtbot, panel):
    central = pg.PlotWidget()
    qtbot.addWidget(central)
    central.resize(400, 400)
    central.show()
    qtbot.waitExposed(central)
    central.getPlotItem().setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
    tool = panel.attach_drawing(central.getPlotItem())
    assert not tool.is_active()
    click_at(central, tool, 0.2, 0.2)
    assert len(panel.points) == 0  # not drawing unless the Draw page is open
    panel.tabs.setCurrentIndex(TAB_DRAW)
    panel.regression_radio.setChecked(True)
    for x in (-0.6, 0.0, 0.6):
        click_at(central, tool, x, x ** 2)
    panel.auto_apply_check.setChecked(True)
    with qtbot.waitSignal(panel.datasetChosen) as blocker:
        click_at(central, tool, 0.9, 0.81)
    choice = blocker.args[0]
    assert choice.problem == "regression" and (choice.n_inputs, choice.n_outputs) == (1, 1)
    np.testing.assert_allclose(choice.dataset.targets[:, 0], [0.36, 0.0, 0.36, 0.81], atol=0.03)
    assert "targets" in choice.section["points"]
    central.getPlotItem().clear()  # what the central view does when a run is loaded
    tool.refresh()
    assert tool.scatter in central.getPlotItem().items and len(tool.scatter.data) == 4
    tool.detach()
    assert tool.scatter not in central.getPlotItem().items


def test_set_section_restores_each_source(qtbot, panel, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("u,v,label\n" + "".join(f"{t},{t % 4},{'ab'[t % 2]}\n" for t in range(20)))
    sections = [
        {"builtin": "moons", "samples": 50, "noise": 0.1, "seed": 3, "test_fraction": 0.2, "standardize": True},
        {"bundled": "iris", "seed": 1, "test_fraction": 0.3, "standardize": False},
        {"file": str(path), "features": ["u"], "target": "label", "seed": 0, "test_fraction": 0.0,
         "standardize": True},
        {"points": {"X": [[0, 0], [1, 1], [1, 0]], "labels": [0, 1, 2]}, "seed": 0, "test_fraction": 0.0,
         "standardize": True},
    ]
    for section in sections:
        choice = panel.set_section(section)
        assert choice is not None, panel.error_label.text()
        assert panel.current_choice is choice and not panel.error_label.isVisible()
    assert len(panel.points) == 3 and panel.class_count_spin.value() == 3
    previous = panel.current_choice
    assert panel.set_section({"builtin": "nope"}) is None
    assert "nope" in panel.error_label.text() and panel.current_choice is previous


def test_bundled_entry_in_the_combo_and_back_to_a_generator(qtbot, panel):
    panel.builtin_combo.setCurrentIndex(panel.builtin_combo.findData("bundled:iris"))
    assert panel.pending_choice().section["bundled"] == "iris" and not panel.param_spins
    panel.builtin_combo.setCurrentIndex(panel.builtin_combo.findData("moons"))
    choice = applied(qtbot, panel)
    assert choice.section["builtin"] == "moons" and set(panel.param_spins) == {"samples", "noise"}


def test_dropping_a_file_on_the_panel_imports_it(qtbot, panel, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    path = tmp_path / "drop.csv"
    path.write_text("a,b,y\n" + "".join(f"{t},{-t},{t % 2}\n" for t in range(10)))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(panel.loadFinished, timeout=5000) as blocker:
        panel.dropEvent(event)
    assert blocker.args == [True] and panel.pending_choice().section["file"] == str(path)


def test_gzipped_idx_pair_dropped_by_its_labels_file(qtbot, panel, tmp_path):
    images = (np.arange(20 * 16) % 256).astype(np.uint8).reshape(20, 4, 4)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images, gz=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", (np.arange(20) % 3).astype(np.uint8), gz=True)
    import_file(qtbot, panel, tmp_path / "t10k-labels-idx1-ubyte.gz")
    choice = applied(qtbot, panel)
    assert (choice.n_inputs, choice.n_outputs) == (16, 3)
    assert choice.section["file"].endswith("t10k-images-idx3-ubyte.gz")
    assert panel.table_model.rowCount() == 20 and not panel.feature_list.isEnabled()


# ---- real tables (issue 15) ----------------------------------------------------------------



def reload(qtbot, panel, change, ok=True):
    with qtbot.waitSignal(panel.loadFinished, timeout=20000) as blocker:
        change()
    assert blocker.args == [ok], panel.error_label.text()


def test_missing_cells_error_sits_at_the_top_and_drop_rows_fixes_it(qtbot, panel, tmp_path):
    path = tmp_path / "penguins.csv"
    path.write_text(PENGUINS)
    import_file(qtbot, panel, path, ok=False)
    message = panel.error_label.text()
    assert "penguins.csv, row 4, column 3" in message and "drop_rows or mean" in message
    assert panel.layout().itemAt(0).widget() is panel.error_label  # above the tabs, in view
    assert panel.error_label.mapTo(panel, panel.error_label.rect().topLeft()).y() < panel.tabs.y()
    na = panel.table_model.index(2, 2)
    assert panel.table_model.data(na) == "NA"
    assert panel.table_model.data(na, Qt.BackgroundRole).name().upper() == "#F8C8C8"
    assert panel.table_model.data(panel.table_model.index(0, 2), Qt.BackgroundRole) is None
    reload(qtbot, panel, lambda: panel.reading.missing_combo.setCurrentIndex(
        panel.reading.missing_combo.findData("drop_rows")))
    assert not panel.error_label.isVisible()
    assert panel.load_summary_label.text().startswith("8 of 10 rows kept; 2 had missing values in")
    assert "inputs:" in panel.load_summary_label.text()
    choice = applied(qtbot, panel)
    assert choice.section["missing"] == "drop_rows" and choice.dataset.n_samples == 8


def test_text_columns_one_hot_and_section_reproduces_the_data(qtbot, panel, tmp_path):
    path = tmp_path / "penguins.csv"
    path.write_text(PENGUINS)
    import_file(qtbot, panel, path, ok=False)  # missing cells are refused by default
    reload(qtbot, panel, lambda: panel.reading.missing_combo.setCurrentIndex(
        panel.reading.missing_combo.findData("mean")))
    reload(qtbot, panel, lambda: panel.target_combo.setCurrentIndex(0))  # species
    choice = applied(qtbot, panel)
    assert "island=Biscoe" in choice.dataset.feature_names and "sex=male" in choice.dataset.feature_names
    assert choice.data.encoding.describe().startswith(f"{choice.n_inputs} inputs")
    # the previous target (sex) became a feature again, and the page says so
    assert panel.feature_model.item(4).checkState() == Qt.Checked
    assert "'sex' (the previous target) is a feature now" in panel.load_summary_label.text()
    section = dict(choice.section)
    assert section["missing"] == "mean" and section["target"] == "species"
    exp = default_experiment()
    exp = Experiment.from_dict({**exp.to_dict(), "dataset": DatasetSettings.from_dict(section).to_dict(),
                                "network": {"sizes": [choice.n_inputs, 3], "activations": ["softmax"]}})
    run = build(exp)
    assert np.array_equal(run.data.X_train, choice.data.X_train) and run.dataset.feature_names == choice.dataset.feature_names


def test_preamble_and_header_less_rows_via_the_page(qtbot, panel, tmp_path):
    path = tmp_path / "iris_sk.csv"
    path.write_text("6,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,0\n7.0,3.2,1\n6.4,3.2,1\n6.3,3.3,1\n5.0,3.6,0\n")
    import_file(qtbot, panel, path, ok=False)
    assert "row 2" in panel.error_label.text() and "skip_rows" in panel.error_label.text()
    reload(qtbot, panel, lambda: panel.reading.skip_spin.setValue(1))
    assert panel.table_model.rowCount() == 6 and panel.target_combo.count() == 3
    choice = applied(qtbot, panel)
    assert choice.section["skip_rows"] == 1 and choice.dataset.n_samples == 6
    assert DatasetSettings.from_dict(dict(choice.section)).load().n_samples == 6


def test_npz_array_names_are_choosable(qtbot, panel, tmp_path):
    path = tmp_path / "arrays.npz"
    np.savez(path, inputs=np.arange(12.0).reshape(6, 2), noise=np.zeros(6), classes=np.array([0, 1, 2] * 2))
    panel.reading.set_file(path)
    assert [panel.reading.y_key_combo.itemText(i) for i in range(3)] == ["inputs", "noise", "classes"]
    import_file(qtbot, panel, path, ok=False)  # y guessed as the second array: only one class
    reload(qtbot, panel, lambda: panel.reading.y_key_combo.setCurrentText("classes"))
    choice = applied(qtbot, panel)
    assert choice.section["x_key"] == "inputs" and choice.section["y_key"] == "classes"
    assert choice.data.n_classes == 3


def test_a_typed_delimiter_is_used_and_saved(qtbot, panel, tmp_path):
    path = tmp_path / "pipes.txt"
    path.write_text("a|b|y\n1|2|0\n3|4|1\n5|6|0\n")
    import_file(qtbot, panel, path, ok=False)  # guessed: whitespace, so one column
    combo = panel.reading.delimiter_combo

    def type_pipe():
        combo.setEditText("|")
        combo.lineEdit().editingFinished.emit()
    reload(qtbot, panel, type_pipe)
    choice = applied(qtbot, panel)
    assert choice.section["delimiter"] == "|" and choice.n_inputs == 2


def test_preview_rows_are_numbered_by_their_file_line(qtbot, panel, tmp_path):
    path = tmp_path / "penguins.csv"
    path.write_text("# measured 2007\n" + PENGUINS)
    import_file(qtbot, panel, path, ok=False)
    assert "row 5, column 3" in panel.error_label.text()
    numbers = [panel.table_model.headerData(r, Qt.Vertical) for r in range(4)]
    assert numbers == ["3", "4", "5", "6"]  # the row the error names is the one shown as 5
    assert panel.table_model.data(panel.table_model.index(2, 2)) == "NA"
