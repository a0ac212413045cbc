"""Writing what the window shows to files: weights (.npz), history (.csv), plots (PNG / SVG).

Weights and history use `engine.files` when it exists (branch `experiment`), otherwise the
same layout written here: `W1..WN`, `b1..bN`, `sizes`, `activations` (no pickle). All
writes are atomic, so a failed export never leaves half a file behind.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QWidget

from engine import Network
from engine.atomic import atomic_open

try:
    from engine import files as _files  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on merge state
    _files = None


def save_weights(path, sizes, activations, parameters: np.ndarray) -> None:
    """W^(k) (n_{k−1}, n_k) and b^(k) of the given flat parameters θ, as `.npz`."""
    net = Network(sizes, activations, np.array(parameters, copy=True))
    if _files is not None and hasattr(_files, "save_weights"):
        _files.save_weights(path, net)
        return
    arrays = {f"W{k}": net.W[k] for k in range(1, net.N + 1)}
    arrays.update({f"b{k}": net.b[k] for k in range(1, net.N + 1)})
    arrays["sizes"] = np.array(net.sizes, dtype=np.int64)
    arrays["activations"] = np.array(net.activation_names, dtype=str)
    with atomic_open(path, "wb") as f:
        np.savez(f, **arrays)


def save_history(path, history) -> None:
    """One row per logged iteration; evaluation columns filled on the rows they were taken."""
    it = history.iterations
    n = it["step"].size
    N = history.norms.width if history.norms is not None else 0
    ev = history.evaluations
    ev_rows = {int(s): i for i, s in enumerate(ev["step"].view())}
    header = ["step", "epoch", "loss", "learning_rate"] + [f"grad_norm_W{k}" for k in range(1, N + 1)] + \
        ["train_loss", "train_accuracy", "test_loss", "test_accuracy"]
    with atomic_open(path, "w") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        cols = [it[c].view() for c in ("step", "epoch", "loss", "learning_rate")]
        norms = history.norms.rows() if N else np.empty((n, 0))
        evc = [ev[c].view() for c in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")]
        for i in range(n):
            step = int(cols[0][i])
            row = [step] + [repr(float(c[i])) for c in cols[1:]] + [repr(float(v)) for v in norms[i]]
            j = ev_rows.get(step)
            row += [""] * 4 if j is None else [repr(float(c[j])) for c in evc]
            w.writerow(row)


def export_plot(widget: QWidget, path) -> None:
    """A plot widget as PNG (pixel-exact grab of the widget) or SVG (vector, QSvgGenerator)."""
    path = Path(path)
    suffix = path.suffix.lower()
    plot_widget = getattr(widget, "plot_widget", widget)
    if suffix == ".png":
        image = plot_widget.grab().toImage()
        tmp = path.with_name(path.name + ".part.png")
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"could not write {path}")
        tmp.replace(path)
    elif suffix == ".svg":
        # QSvgGenerator renders the widget's scene as vectors; pyqtgraph's SVGExporter chokes
        # on the path syntax of current Qt SVG output (ValueError in its coordinate fix-up)
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
        from PySide6.QtGui import QPainter
        from PySide6.QtSvg import QSvgGenerator

        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        size = plot_widget.size()
        generator.setSize(QSize(size.width(), size.height()))
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle(path.stem)
        generator.setDescription("Backprop Workbench plot")
        painter = QPainter(generator)
        try:
            plot_widget.render(painter)
        finally:
            painter.end()
        buffer.close()
        with atomic_open(path, "wb") as f:
            f.write(bytes(data))
    else:
        raise ValueError(f"plots export as .png or .svg, not {suffix or 'no extension'}")
