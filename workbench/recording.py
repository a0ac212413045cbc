"""Training as an animation (GIF or MP4): the decision view, or a figure with the loss and t, as it learns.

The run is the experiment's own deterministic run (engine.run.build: same seed, same weights),
trained headless; frame f (f = 0..F−1) shows the weights after t_f = round(f · N / (F − 1))
updates, drawn offscreen by the same DecisionView the window uses. Nothing depends on the
clock or the screen, so two recordings of one experiment are the same file, byte for byte.

GIF needs Pillow (extra `animation`), MP4 needs imageio with imageio-ffmpeg (extra `video`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QLayout, QWidget

from engine.core.errors import ConfigurationError, WorkbenchError
from engine.io.experiment import Experiment
from engine.run import build

from .plots import CLASS_COLOURS
from .plots.curves import binned_mean
from .plots.decision import DecisionView

VIEWS = ("decision", "figure")
FORMATS = (".gif", ".mp4")
MAX_FRAMES = 2000
MAX_SIDE = 3840
DEFAULT_SIZE = (640, 480)  # the figure (two panels) reads better wider, e.g. 1280x640
FPS = 10


class MissingDependency(WorkbenchError):
    """The package the chosen format needs is not installed."""


def frame_steps(steps: int, frames: int) -> list[int]:
    """The iterations t_0 = 0 < … < t_{F−1} = N the frames show (evenly spaced; F = 1 shows N)."""
    if frames == 1:
        return [steps]
    return [round(f * steps / (frames - 1)) for f in range(frames)]


def check_request(steps: int, frames: int, size: tuple[int, int], view: str, out) -> Path:
    """Refuse an impossible recording before anything is trained or drawn; returns the output path."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise ConfigurationError(f"record writes .gif or .mp4, not {out.suffix or 'a file without extension'}")
    if steps < 0:
        raise ConfigurationError(f"--steps must be ≥ 0, got {steps}")
    if not 1 <= frames <= MAX_FRAMES:
        raise ConfigurationError(f"--frames must be 1..{MAX_FRAMES}, got {frames}")
    if not all(64 <= s <= MAX_SIDE for s in size):
        raise ConfigurationError(f"--size must be 64..{MAX_SIDE} px per side, got {size[0]}x{size[1]}")
    if out.suffix.lower() == ".mp4" and any(s % 2 for s in size):
        raise ConfigurationError(f"an MP4 needs an even width and height, got {size[0]}x{size[1]}")
    if view not in VIEWS:
        raise ConfigurationError(f"--view must be one of {', '.join(VIEWS)}, got {view!r}")
    _writer_module(out.suffix.lower())  # a missing package is reported before the run starts
    return out


def _writer_module(suffix: str):
    try:
        if suffix == ".gif":
            from PIL import Image
            return Image
        import imageio.v2 as imageio
        import imageio_ffmpeg  # noqa: F401 - the ffmpeg binary imageio needs
        return imageio
    except ImportError:
        extra, what = ("animation", "Pillow") if suffix == ".gif" else ("video", "imageio and imageio-ffmpeg")
        raise MissingDependency(f"{suffix[1:].upper()} recording needs {what}: "
                                f"pip install \"backprop-workbench[{extra}]\"") from None


class RecordingFigure(QWidget):
    """What one frame shows: the decision view, and for "figure" the loss curve and t beside it."""

    def __init__(self, run, view: str, steps: int, size: tuple[int, int]):
        super().__init__()
        self.setAttribute(Qt.WA_DontShowOnScreen)
        self.setStyleSheet("background: white;")
        self.run, self.steps, self.size_asked = run, steps, tuple(size)
        self.decision = DecisionView()
        self.decision.show_test.hide()  # no controls in a recording
        self.decision.set_run(run)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setSizeConstraint(QLayout.SetNoConstraint)  # the frame size asked for, even below the minimum
        grid.addWidget(self.decision, 0, 0, 2, 1)
        self.loss = self.counter = None
        if view == "figure":
            self.counter = QLabel()
            self.counter.setAlignment(Qt.AlignCenter)
            self.counter.setWordWrap(True)
            self.counter.setStyleSheet("font-size: 16px; color: black;")
            self.loss = pg.PlotWidget(background="w")
            self.loss.setLogMode(y=True)
            self.loss.setLabel("left", "loss  (1/B) Σ Div(y, d)")
            self.loss.setLabel("bottom", "iteration t")
            self.loss.getAxis("left").enableAutoSIPrefix(False)
            self.loss.setXRange(0, max(steps, 1), padding=0.02)
            self.loss_band = self.loss.plot([], [], pen=pg.mkPen((0, 114, 178, 70), width=1))
            self.loss_curve = self.loss.plot([], [], pen=pg.mkPen(CLASS_COLOURS[0], width=2))
            grid.addWidget(self.counter, 0, 1)
            grid.addWidget(self.loss, 1, 1)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)
            grid.setRowStretch(1, 1)
        self.resize(*size)
        self.show()  # not on screen (WA_DontShowOnScreen): only lays the widgets out

    def draw(self) -> None:
        trainer = self.run.trainer
        self.decision.update_parameters(self.run.network.parameters.copy())
        if self.loss is not None:
            h = trainer.history
            loss = np.asarray(h.loss, float)
            steps = np.arange(1, len(loss) + 1, dtype=float)
            good = np.isfinite(loss) & (loss > 0)
            self.loss_band.setData(steps[good], loss[good])
            self.loss_curve.setData(*binned_mean(steps[good], loss[good], None, 100, log=True))
            if good.any():
                lo, hi = np.log10(loss[good].min()), np.log10(loss[good].max())
                self.loss.setYRange(lo, hi if hi > lo else lo + 1, padding=0.05)
            last = f"{loss[-1]:.4g}" if len(loss) else "–"
            self.counter.setText(f"iteration t = {trainer.iteration}    loss = {last}")

    def grab_rgb(self) -> np.ndarray:
        """The frame as an (H, W, 3) uint8 array."""
        QApplication.processEvents()  # layouts and deferred view ranges
        if (self.width(), self.height()) != self.size_asked:
            raise ConfigurationError(f"cannot lay the frame out at {self.size_asked[0]}x{self.size_asked[1]} px")
        image = QImage(self.width(), self.height(), QImage.Format_RGB888)
        image.fill(Qt.white)
        self.render(image)
        bits = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
        return bits[:, :3 * image.width()].reshape(image.height(), image.width(), 3).copy()


def capture(experiment: Experiment, steps: int, frames: int, size=DEFAULT_SIZE, view: str = "decision",
            progress=None) -> list[np.ndarray]:
    """The frames of the run of `experiment`, at the iterations `frame_steps(steps, frames)`."""
    run = build(experiment)
    figure = RecordingFigure(run, view, steps, size)
    out = []
    try:
        for f, t in enumerate(frame_steps(steps, frames)):
            with np.errstate(all="ignore"):  # a diverging run: the trainer's guard stops it
                while run.trainer.iteration < t and run.trainer.stopped is None:
                    run.trainer.run(steps=t - run.trainer.iteration)
            figure.draw()
            out.append(figure.grab_rgb())
            if progress is not None:
                progress(f + 1, frames)
    finally:
        figure.close()
        figure.deleteLater()
    return out


def write_animation(frames: list[np.ndarray], out, fps: float = FPS) -> None:
    """GIF (Pillow, one adaptive palette per frame, looping) or MP4 (H.264, bit-exact flags), atomically."""
    out = Path(out)
    suffix = out.suffix.lower()
    module = _writer_module(suffix)
    tmp = out.with_name(f".{out.stem}.part{suffix}")
    try:
        if suffix == ".gif":
            images = [module.fromarray(f).quantize(colors=255, method=module.Quantize.MEDIANCUT, dither=0)
                      for f in frames]
            images[0].save(tmp, save_all=True, append_images=images[1:], duration=int(math.ceil(1000 / fps)),
                           loop=0, optimize=False)
        else:
            writer = module.get_writer(tmp, format="FFMPEG", fps=fps, codec="libx264", macro_block_size=1,
                                       pixelformat="yuv420p", output_params=["-fflags", "+bitexact", "-flags:v",
                                                                              "+bitexact", "-map_metadata", "-1"])
            try:
                for f in frames:
                    writer.append_data(f)
            finally:
                writer.close()
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def record(experiment: Experiment, steps: int, frames: int, out, size=DEFAULT_SIZE, view: str = "decision",
           progress=None) -> Path:
    """Check, capture and write a recording; returns the path written."""
    out = check_request(steps, frames, size, view, out)
    write_animation(capture(experiment, steps, frames, size, view, progress), out)
    return out
