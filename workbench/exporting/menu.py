"""File ▸ Export: images at a size or DPI, a figure for a slide, the ONNX model, a recording of training.

`install(window, menu)` adds the actions (and Record to the run toolbar); the functions below do
the work and raise on failure, the dialogs only collect choices. The window provides
`worker.call(fn)` (fn(run) in the worker thread, between iterations), `plot_views()`, `decision`,
`designer.view`, `export_guarded(what, fn, *args)` (shows the error) and `preferences.last_dir()`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QProgressDialog,
    QSpinBox,
    QToolBar,
)

from engine.core.errors import ConfigurationError
from engine.io.onnx_export import save_onnx

from . import compose_figure, export_plot, save_image

IMAGE_SIZES = ("as on screen", "1280×720", "1920×1080", "3840×2160", "150 dpi", "300 dpi", "600 dpi")
FRAME_SIZES = ("640×480", "960×540", "1280×720", "1920×1080")
FIGURE = "figure (decision, loss, network)"


def parse_size(text: str) -> tuple[tuple[int, int] | None, float | None]:
    """("1920×1080" → ((1920, 1080), None); "300 dpi" → (None, 300.0); anything else → (None, None))."""
    if m := re.fullmatch(r"\s*(\d+)\s*[×x]\s*(\d+)\s*", text):
        return (int(m[1]), int(m[2])), None
    if m := re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*dpi\s*", text):
        return None, float(m[1])
    return None, None


# -- the work --------------------------------------------------------------------------------
def export_image(window, what: str, path, size=None, dpi=None, title=None, legend=True) -> None:
    """One plot (PNG or SVG) or the composed figure (PNG) to `path`."""
    if what == FIGURE:
        if Path(path).suffix.lower() != ".png":
            raise ValueError("the figure exports as .png")
        export_figure(window, path, size or (1920, 1080), title)
    else:
        export_plot(window.plot_views()[what], path, size, dpi, title, legend)


def export_figure(window, path, size=(1920, 1080), title=None) -> None:
    """Decision view, loss curve and network diagram in one PNG (for a slide)."""
    caption = None
    if window.last_snapshot is not None:
        caption = f"iteration t = {window.last_snapshot.iteration}"
    save_image(compose_figure(window.decision, window.plot_views()["loss"], window.designer.view, size, title, caption), path)


def export_onnx(window, path, include_standardization: bool = False) -> None:
    """The current network as ONNX; a standardising run's mean and scale as metadata (or first node)."""
    def write(run):
        data = run.data
        if include_standardization and not data.standardized:
            raise ConfigurationError("this experiment does not standardise its inputs: there is no "
                                     "standardisation to put in the model (export it without)")
        mean, scale = (data.mean, data.std) if data.standardized else (None, None)
        save_onnx(path, run.network, mean, scale, include_standardization)
    window.worker.call(write)


def record_training(window, path, steps: int, frames: int, size=(640, 480), view="decision", progress=None) -> None:
    """The current experiment's run from t = 0, recorded headless (workbench.recording)."""
    from .. import recording

    recording.check_request(steps, frames, size, view, path)
    experiment = window.worker.call(lambda run: run.current_experiment())
    recording.record(experiment, steps, frames, path, size, view, progress)


# -- dialogs ---------------------------------------------------------------------------------
class ImageDialog(QDialog):
    """What to export as an image, at which size, with which title."""

    def __init__(self, views, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export image")
        form = QFormLayout(self)
        self.what = QComboBox()
        self.what.addItems([*views, FIGURE])
        self.size = QComboBox()
        self.size.setEditable(True)  # any W×H or "N dpi"
        self.size.addItems(IMAGE_SIZES)
        self.size.setToolTip("W×H in pixels, or a resolution such as 300 dpi (on-screen size × dpi / 96)")
        self.title = QLineEdit()
        self.title.setPlaceholderText("none")
        self.legend = QCheckBox("legend")
        self.legend.setChecked(True)
        for label, w in (("View", self.what), ("Size", self.size), ("Title", self.title), ("", self.legend)):
            form.addRow(label, w)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> dict:
        size, dpi = parse_size(self.size.currentText())
        return {"what": self.what.currentText(), "size": size, "dpi": dpi,
                "title": self.title.text().strip() or None, "legend": self.legend.isChecked()}


class RecordDialog(QDialog):
    """Steps, frames, view and frame size of a recording."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Record training")
        form = QFormLayout(self)
        self.steps = QSpinBox(minimum=1, maximum=10_000_000, value=2000)
        self.frames = QSpinBox(minimum=1, maximum=2000, value=50)
        self.view = QComboBox()
        self.view.addItems(["decision", "figure"])
        self.size = QComboBox()
        self.size.addItems(FRAME_SIZES)
        for label, w in (("Updates N", self.steps), ("Frames", self.frames), ("View", self.view),
                         ("Frame size", self.size)):
            form.addRow(label, w)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> dict:
        return {"steps": self.steps.value(), "frames": self.frames.value(), "view": self.view.currentText(),
                "size": parse_size(self.size.currentText())[0]}


def _image_dialog(window) -> None:
    dialog = ImageDialog(list(window.plot_views()), window)
    if dialog.exec() != QDialog.Accepted:
        return
    c = dialog.choice()
    kinds = "PNG image (*.png)" if c["what"] == FIGURE else "PNG image (*.png);;SVG drawing (*.svg)"
    name = "figure" if c["what"] == FIGURE else c["what"]
    path, _ = QFileDialog.getSaveFileName(window, "Export image", os.path.join(window.preferences.last_dir(), name), kinds)
    if path:
        if not path.lower().endswith((".png", ".svg")):
            path += ".png"
        window.export_guarded(f"the {name} image", export_image, window, c["what"], path, c["size"], c["dpi"], c["title"],
                        c["legend"])


def _onnx_dialog(window, include_standardization: bool) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "Export ONNX model", os.path.join(window.preferences.last_dir(), "model.onnx"),
                                          "ONNX model (*.onnx)")
    if path:
        window.export_guarded("the ONNX model", export_onnx, window, path, include_standardization)


def _record_dialog(window) -> None:
    dialog = RecordDialog(window)
    if dialog.exec() != QDialog.Accepted:
        return
    c = dialog.choice()
    path, _ = QFileDialog.getSaveFileName(window, "Record training", os.path.join(window.preferences.last_dir(), "training.gif"),
                                          "Animated GIF (*.gif);;MP4 video (*.mp4)")
    if not path:
        return
    if not path.lower().endswith((".gif", ".mp4")):
        path += ".gif"
    bar = QProgressDialog("Recording the run from t = 0…", None, 0, c["frames"], window)
    bar.setWindowModality(Qt.WindowModal)
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        window.export_guarded(f"the recording {Path(path).name}", record_training, window, path, c["steps"], c["frames"],
                        c["size"], c["view"], lambda f, n: bar.setValue(f))
    finally:
        QApplication.restoreOverrideCursor()
        bar.close()


def install(window, menu) -> dict[str, QAction]:
    """Add File ▸ Export ▸ … to `menu` (above its last separator, i.e. above Quit) and Record to the
    run toolbar; returns the actions by name."""
    separators = [a for a in menu.actions() if a.isSeparator()]
    sub = menu.addMenu("E&xport")
    if separators:
        menu.insertMenu(separators[-1], sub)
    actions = {}
    for key, text, tip, slot in (
        ("image", "&Image (size, DPI, title)…", "A plot or the slide figure as PNG at a chosen size or DPI, or SVG",
         lambda: _image_dialog(window)),
        ("onnx", "&ONNX model…", "The network for other tools: input x = y^(0) as the network sees it",
         lambda: _onnx_dialog(window, False)),
        ("onnx_raw", "ONNX model with &standardisation…", "The network with (x − mean) / scale as its first node",
         lambda: _onnx_dialog(window, True)),
        ("record", "&Record training…", "The run from t = 0 as an animated GIF or MP4", lambda: _record_dialog(window)),
    ):
        a = QAction(text, window)
        a.setStatusTip(tip)
        a.setToolTip(tip)
        a.triggered.connect(slot)
        sub.addAction(a)
        actions[key] = a
    actions["record"].setIconText("Record")
    toolbar = window.findChild(QToolBar, "RunToolBar")
    if toolbar is not None:
        toolbar.addAction(actions["record"])
    return actions
