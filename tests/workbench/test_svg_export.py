"""SVG export (issue 16): what librsvg and Qt's own SVG renderer draw matches the PNG export, for every view.

Similarity: both images in greyscale, averaged over 4 × 4 pixel blocks (the eye's scale, so
anti-aliasing and font hinting do not count), mean absolute difference in [0, 1] below
SIMILARITY_MAD. The QSvgGenerator export this replaces scored 0.71 (decision: black), 0.40
(loss: filled curves) and 0.36 (gradient norms) on this measure.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from tests.workbench.gui_support import make_window, wait_snapshot
from tests.workbench.test_decision_view import session_for
from workbench import exporting

SIMILARITY_MAD = 0.03
BLOCK = 4
RSVG = shutil.which("rsvg-convert")
needs_rsvg = pytest.mark.skipif(RSVG is None, reason="rsvg-convert (librsvg2-bin) not installed; .ci/run installs it")


def grey_blocks(image: QImage) -> np.ndarray:
    """Greyscale in [0, 1], averaged over BLOCK × BLOCK pixels."""
    g = image.convertToFormat(QImage.Format_Grayscale8)
    a = np.frombuffer(g.constBits(), np.uint8).reshape(g.height(), g.bytesPerLine())[:, :g.width()] / 255.0
    h, w = a.shape[0] // BLOCK * BLOCK, a.shape[1] // BLOCK * BLOCK
    return a[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).mean(axis=(1, 3))


def difference(a: QImage, b: QImage) -> float:
    assert (a.width(), a.height()) == (b.width(), b.height())
    return float(np.abs(grey_blocks(a) - grey_blocks(b)).mean())


def rsvg_image(svg_path, png_path) -> QImage:
    subprocess.run([RSVG, "-o", str(png_path), str(svg_path)], check=True, timeout=60)
    return QImage(str(png_path))


def qt_image(svg_path, width: int, height: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg_path.read_bytes()))
    assert renderer.isValid()
    image = QImage(width, height, QImage.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def trained_window(qtbot, settings, kind=None, n=150):
    w = make_window(qtbot, settings, session_for(kind) if kind else None)
    for _ in range(n):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == n and w.history.iterations["step"].size == n)
    w.refresh()
    return w


def check_renders_alike(view, tmp_path, name):
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    exporting.export_plot(view, png)
    exporting.export_plot(view, svg)
    reference = QImage(str(png))
    by_rsvg = rsvg_image(svg, tmp_path / f"{name}.rsvg.png")
    by_qt = qt_image(svg, reference.width(), reference.height())
    assert difference(reference, by_rsvg) < SIMILARITY_MAD, f"{name}: librsvg draws another picture"
    assert difference(reference, by_qt) < SIMILARITY_MAD, f"{name}: Qt's SVG renderer draws another picture"
    return svg.read_text()


def marker_count(view) -> int:
    """Points on screen in the view's scatter plots (each must appear once in the SVG)."""
    import pyqtgraph as pg

    n = 0
    for item in view.plot.getViewBox().addedItems:
        scatter = item.scatter if isinstance(item, pg.PlotDataItem) else item
        if isinstance(scatter, pg.ScatterPlotItem) and item.isVisible() and scatter.isVisible():
            n += int(scatter.data["visible"].sum())
    return n


def elements(text: str, tag: str, kind: str) -> list:
    return [e for e in ET.fromstring(text).iter(f"{{http://www.w3.org/2000/svg}}{tag}") if e.get("class") == kind]


@needs_rsvg
def test_svg_of_every_curve_view_renders_like_the_png(qtbot, settings, tmp_path):
    w = trained_window(qtbot, settings, n=650)  # the accuracy is evaluated every 200 iterations here
    for name in ("loss", "accuracy", "gradient-norms"):
        curves = elements(check_renders_alike(w.plot_views()[name], tmp_path, name), "path", "curve")
        assert curves, f"{name}: no curve written"
        assert all(c.get("fill") == "none" and c.get("stroke") not in (None, "none") for c in curves), \
            f"{name}: a curve is filled or not stroked"
    w.close()


@needs_rsvg
@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression", "regression_1d"])
def test_svg_of_the_decision_view_renders_like_the_png(qtbot, settings, tmp_path, kind):
    w = trained_window(qtbot, settings, None if kind == "binary" else kind)
    text = check_renders_alike(w.decision, tmp_path, f"decision-{kind}")
    images = elements(text, "image", "heatmap")
    assert len(images) == (0 if kind == "regression_1d" else 1)
    assert all(i.get("href").startswith("data:image/png;base64,") for i in images)
    assert len(elements(text, "path", "marker")) == marker_count(w.decision) > 0  # each marker once
    w.close()


def test_svg_leaves_out_hidden_test_points(qtbot, settings, tmp_path):
    w = trained_window(qtbot, settings, n=5)
    exporting.export_plot(w.decision, tmp_path / "all.svg")
    w.decision.show_test.setChecked(False)
    exporting.export_plot(w.decision, tmp_path / "train.svg")
    n_all = len(elements((tmp_path / "all.svg").read_text(), "path", "marker"))
    n_train = len(elements((tmp_path / "train.svg").read_text(), "path", "marker"))
    data = w.decision._data
    assert (n_all, n_train) == (data.n_train + data.n_test, data.n_train)
    w.close()
