"""File ▸ Export (issue 16): PNG at a size or DPI with a title, the slide figure, ONNX, recording, export all."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtGui import QImage

from engine.io.experiment import Experiment
from tests.workbench.test_export import trained
from workbench import exporting
from workbench.exporting import menu


def pixels(image: QImage) -> np.ndarray:
    g = image.convertToFormat(QImage.Format_RGB32)
    rows = np.frombuffer(g.constBits(), np.uint32).reshape(g.height(), g.bytesPerLine() // 4)
    return rows[:, :g.width()].copy()  # before g is freed


def test_sizes_parse_as_pixels_or_dpi():
    assert menu.parse_size("1920×1080") == ((1920, 1080), None)
    assert menu.parse_size("640x480") == ((640, 480), None)
    assert menu.parse_size("300 dpi") == (None, 300.0)
    assert menu.parse_size("as on screen") == (None, None)


def test_png_at_a_size_or_dpi_with_a_title(qtbot, window, tmp_path):
    w = window
    trained(qtbot, w, 20)
    w.refresh()
    view = w.plot_views()["loss"]
    exporting.export_plot(view, tmp_path / "big.png", size=(1920, 1080))
    big = QImage(str(tmp_path / "big.png"))
    assert (big.width(), big.height()) == (1920, 1080)
    exporting.export_plot(view, tmp_path / "print.png", dpi=300)
    printed = QImage(str(tmp_path / "print.png"))
    s = 300 / 96
    assert (printed.width(), printed.height()) == (round(view.plot_widget.width() * s),
                                                   round(view.plot_widget.height() * s))
    assert round(printed.dotsPerMeterX() * 0.0254) == 300
    exporting.export_plot(view, tmp_path / "titled.png", size=(1920, 1080), title="Loss of the spirals")
    titled = pixels(QImage(str(tmp_path / "titled.png")))
    band = round(exporting.TITLE_FRACTION * 1080)
    assert len(np.unique(titled[:band])) > 2  # text in the title band
    assert len(np.unique(pixels(big)[:band // 4])) <= len(np.unique(titled[:band]))


def test_png_without_the_legend(qtbot, window, tmp_path):
    w = window
    trained(qtbot, w, 5)
    w.refresh()
    exporting.export_plot(w.decision, tmp_path / "with.png")
    exporting.export_plot(w.decision, tmp_path / "without.png", legend=False)
    assert w.decision.legend.isVisible()  # restored
    a, b = pixels(QImage(str(tmp_path / "with.png"))), pixels(QImage(str(tmp_path / "without.png")))
    assert a.shape == b.shape and (a != b).mean() > 0.005


def test_figure_composes_decision_loss_and_network(qtbot, window, tmp_path):
    w = window
    trained(qtbot, w, 20)
    w.refresh()
    menu.export_image(w, menu.FIGURE, tmp_path / "figure.png", (1920, 1080), title="Spirals, 20 updates")
    image = QImage(str(tmp_path / "figure.png"))
    assert (image.width(), image.height()) == (1920, 1080)
    p = pixels(image)
    left, top_right, bottom_right = p[150:900, 100:1000], p[150:500, 1100:1900], p[600:1000, 1100:1900]
    for part in (left, top_right, bottom_right):
        assert len(np.unique(part)) > 20  # every panel drawn
    with pytest.raises(ValueError, match=".png"):
        menu.export_image(w, menu.FIGURE, tmp_path / "figure.svg")


def test_onnx_from_the_window_computes_the_networks_output(qtbot, window, tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    w = window
    snap = trained(qtbot, w, 30)
    menu.export_onnx(w, tmp_path / "model.onnx", include_standardization=True)
    model = onnx.load(str(tmp_path / "model.onnx"))
    props = {p.key: p.value for p in model.metadata_props}
    assert len(json.loads(props["input_mean"])) == 2
    net = w.decision._network.copy()
    net.parameters[...] = snap.parameters
    data = w.decision._data
    raw = data.inverse_transform(data.X_train[:20])
    (y,) = ReferenceEvaluator(model).run(None, {"x": raw})
    np.testing.assert_allclose(y, net.predict(data.X_train[:20]), rtol=0, atol=1e-6)


def test_export_all_writes_the_experiment_and_trained_state(qtbot, window, tmp_path):
    w = window
    trained(qtbot, w, 10)
    w.refresh()
    files = w.export_all(tmp_path / "out")
    assert {"weights.npz", "history.csv", "experiment.json", "state.npz"} <= {p.name for p in files}
    saved = Experiment.load(tmp_path / "out" / "experiment.json")
    assert saved.network.sizes == w.session.experiment.network.sizes and saved.seed == w.session.experiment.seed


def test_export_menu_and_record_button_exist(window):
    w = window
    assert set(w.export_actions) == {"image", "onnx", "onnx_raw", "record"}
    toolbar_actions = w.findChild(type(w.addToolBar("probe")), "RunToolBar").actions()
    assert w.export_actions["record"] in toolbar_actions
    file_menu = w.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("E&xport") < texts.index("&Quit")


def test_record_from_the_window(qtbot, window, tmp_path):
    pytest.importorskip("PIL")
    w = window
    done = []
    menu.record_training(w, tmp_path / "r.gif", 20, 3, (160, 120), "decision", lambda f, n: done.append(f))
    assert (tmp_path / "r.gif").stat().st_size > 0 and done == [1, 2, 3]


def test_dialogs_hand_over_what_was_chosen(qtbot):
    image = menu.ImageDialog(["decision", "loss"])
    qtbot.addWidget(image)
    image.what.setCurrentText(menu.FIGURE)
    image.size.setCurrentText("300 dpi")
    image.title.setText("  Spirals  ")
    image.legend.setChecked(False)
    assert image.choice() == {"what": menu.FIGURE, "size": None, "dpi": 300.0, "title": "Spirals", "legend": False}
    record = menu.RecordDialog()
    qtbot.addWidget(record)
    record.steps.setValue(500)
    record.frames.setValue(25)
    record.view.setCurrentText("figure")
    record.size.setCurrentText("1280×720")
    assert record.choice() == {"steps": 500, "frames": 25, "view": "figure", "size": (1280, 720)}


def test_onnx_standardisation_refused_when_the_inputs_are_not_standardised(qtbot, settings, tmp_path):
    pytest.importorskip("onnx")
    from engine.io.experiment import default_experiment
    from tests.workbench.gui_support import make_window
    from workbench.session import Session

    doc = default_experiment().to_dict()
    doc["dataset"]["standardize"] = False
    w = make_window(qtbot, settings, Session(Experiment.from_dict(doc)))
    assert not w.export_guarded("the ONNX model", menu.export_onnx, w, tmp_path / "m.onnx", True)
    assert "does not standardise" in w.banner.label.text() and not (tmp_path / "m.onnx").exists()
    menu.export_onnx(w, tmp_path / "m.onnx")  # without: fine, and no standardisation metadata
    import onnx

    assert "input_mean" not in {p.key for p in onnx.load(str(tmp_path / "m.onnx")).metadata_props}
    w.close()
