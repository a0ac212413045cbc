"""Exports from the window: PNG size and content, SVG is XML, NPZ reloads, CSV rows, errors shown."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
from PySide6.QtGui import QImage

from tests.workbench.gui_support import wait_snapshot


def trained(qtbot, w, n=40):
    for _ in range(n):
        w.step_iteration()
    return wait_snapshot(qtbot, w, lambda s: s.iteration == n and w.history.iterations["step"].size == n)


def test_export_all(qtbot, window, tmp_path):
    w = window
    snap = trained(qtbot, w)
    w.refresh()
    files = w.export_all(tmp_path / "out")
    names = {p.name for p in files}
    assert {"weights.npz", "history.csv", "decision.png", "loss.svg", "gradient-norms.png"} <= names

    for name, view in w.plot_views().items():
        image = QImage(str(tmp_path / "out" / f"{name}.png"))
        dpr = view.plot_widget.devicePixelRatioF()
        assert (image.width(), image.height()) == (round(view.plot_widget.width() * dpr),
                                                   round(view.plot_widget.height() * dpr))
        pixels = np.frombuffer(image.convertToFormat(QImage.Format_RGB32).constBits(), np.uint32)
        assert len(np.unique(pixels)) > 10, f"{name}.png looks blank"
        root = ET.parse(tmp_path / "out" / f"{name}.svg").getroot()
        assert root.tag.endswith("svg")

    with np.load(tmp_path / "out" / "weights.npz", allow_pickle=False) as z:
        sizes = list(z["sizes"])
        assert sizes == [2, 8, 8, 1]
        assert z["W1"].shape == (2, 8) and z["b3"].shape == (1,)
        flat = np.concatenate([np.concatenate([z[f"W{k}"].ravel(), z[f"b{k}"]]) for k in (1, 2, 3)])
    assert np.array_equal(flat, snap.parameters)  # paused: the snapshot is the live state

    with open(tmp_path / "out" / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and rows[-1]["step"] == "40" and "grad_norm_W3" in rows[0]


def test_export_error_is_shown_not_raised(qtbot, window, tmp_path):
    w = window
    trained(qtbot, w, 2)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert not w.export_guarded("weights", w.export_weights, str(blocker / "w.npz"))
    assert w.banner.isVisible() and "Could not export weights" in w.banner.label.text()


def test_save_and_open_experiment(qtbot, window, tmp_path):
    w = window
    w.controls.set_learning_rate(0.05)
    assert w.session.dirty
    path = tmp_path / "exp.json"
    assert w.save_to(str(path))
    assert not w.session.dirty and "exp.json" in w.windowTitle()
    assert w.open_path(str(path))
    assert w.controls.lr_spin.value() == 0.05
    assert str(path.resolve()) in w.recent_files()
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    assert not w.open_path(str(bad))
    assert "bad.json" in w.banner.label.text()
    assert w.session.path == str(path)  # the open experiment is kept
