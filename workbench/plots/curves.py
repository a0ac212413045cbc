"""Training curves: loss (train/test), accuracy, per-layer gradient norms ‖∂Div/∂W^(k)‖.

All views read one bounded `History` grown from the snapshots' new rows and call `setData`
once per curve per frame; long curves clip to the view and peak-downsample,
so a million logged iterations still redraw at screen rate.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.training.history import EVALUATION_FIELDS, ITERATION_FIELDS, Series
from workbench.view_box import ViewBox

from . import CLASS_COLOURS
from .axes import SparseLogAxis, edge_margins, log_tick_labels  # noqa: F401 - both importable from here as before
from .legend import BELOW, legend_outside

#: gradient norms below this are drawn at it (a zero would be a gap on a log axis)
NORM_FLOOR = 1e-12
TRAIN_PEN = pg.mkPen(CLASS_COLOURS[0], width=1)
TRAIN_BAND_PEN = pg.mkPen((0, 114, 178, 70), width=1)  # the per-iteration band, light
TEST_PEN = pg.mkPen(CLASS_COLOURS[5], width=1)
EVENT_PEN = pg.mkPen((120, 120, 120), width=1, style=Qt.DashLine)
#: the vertical step (share of the plot height) between rows of setting-change labels
MARKER_ROW = 0.12


def _long_curve(plot: pg.PlotItem, pen, name: str) -> pg.PlotDataItem:
    curve = plot.plot([], [], pen=pen, name=name)
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    curve.setSkipFiniteCheck(True)
    return curve


def envelope(x: np.ndarray, low: np.ndarray, high: np.ndarray, x_range, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """The band between `low` and `high` inside x_range, as a min/max pair per bin: (xs, ys).

    x must be non-decreasing (iterations, epochs). This is pyqtgraph's clip-to-view and peak
    downsampling done before `setData`, so pyqtgraph (and its log mapping) only ever sees
    ~2·bins points, however long the history. Full-resolution rows have low = high; the
    history's older envelope blocks bring their own min and max.
    """
    n = len(x)
    if x_range is not None and n:
        i0 = max(int(np.searchsorted(x, x_range[0], "left")) - 1, 0)
        i1 = min(int(np.searchsorted(x, x_range[1], "right")) + 1, n)
        x, low, high = x[i0:i1], low[i0:i1], high[i0:i1]
    m = len(x)
    if m <= 4 * bins:
        return np.repeat(x, 2), np.column_stack([low, high]).ravel()
    k = m // bins
    cut = k * bins
    xs = np.empty(2 * bins + 2 * (m - cut))
    ys = np.empty_like(xs)
    xs[0:2 * bins:2] = x[:cut:k]
    xs[1:2 * bins:2] = x[k - 1:cut:k]
    np.min(low[:cut].reshape(bins, k), axis=1, out=ys[0:2 * bins:2])
    np.max(high[:cut].reshape(bins, k), axis=1, out=ys[1:2 * bins:2])
    xs[2 * bins:] = np.repeat(x[cut:], 2)
    ys[2 * bins:] = np.column_stack([low[cut:], high[cut:]]).ravel()
    return xs, ys


class Scratch:
    """A reusable float64 work array (grows by doubling): no fresh megabytes every frame."""

    def __init__(self):
        self._data = np.empty(0)

    def get(self, n: int) -> np.ndarray:
        if len(self._data) < n:
            self._data = np.empty(max(n, 2 * len(self._data)))
        return self._data[:n]


def binned_mean(x: np.ndarray, y: np.ndarray, x_range, bins: int, log: bool = False,
                scratch: Scratch | None = None):
    """The mean of y over each of ~`bins` consecutive blocks (geometric mean on a log axis).

    The readable trend of a noisy per-iteration curve (mini-batch loss, gradient norms).
    """
    if x_range is not None and len(x):
        i0 = max(int(np.searchsorted(x, x_range[0], "left")) - 1, 0)
        i1 = min(int(np.searchsorted(x, x_range[1], "right")) + 1, len(x))
        x, y = x[i0:i1], y[i0:i1]
    m = len(x)
    k = max(1, m // bins)
    cut = (m // k) * k
    if cut == 0:
        return x, y
    if log:
        v = np.log10(y[:cut], out=(scratch or Scratch()).get(cut))
    else:
        v = y[:cut]
    means = v.reshape(-1, k).mean(axis=1)
    xs = x[:cut].reshape(-1, k).mean(axis=1)
    return xs, (10.0 ** means if log else means)


class History:
    """The GUI's copy of the run's history, grown from snapshots (shared by all curve views).

    Bounded like the engine's (`engine.training.history.Series`): recent rows at full
    resolution, older ones as min/mean/max envelopes. Gradient norms are kept as
    log10 ‖∂Div/∂W^(k)‖ (floored at NORM_FLOOR), so an envelope's mean is the geometric mean
    the norm plot draws.
    """

    def __init__(self):
        self.run_id = None
        self.reset()

    def reset(self, n_layers: int = 0) -> None:
        self.n_layers = n_layers
        self.iterations = Series(ITERATION_FIELDS + tuple(f"log_norm_{k}" for k in range(1, n_layers + 1)))
        self.evaluations = Series(EVALUATION_FIELDS)
        self.events: tuple = ()

    def update(self, snap) -> bool:
        """Append the rows of `snap` this copy does not have yet; True if anything changed."""
        if snap.run_id != self.run_id:
            self.run_id = snap.run_id
            self.reset()
        changed = False
        cols = snap.iterations.columns
        n = len(cols["step"])
        if snap.iterations.end > len(self.iterations) and n:
            norms = cols["gradient_norms"].reshape(n, -1)
            if norms.shape[1] != self.n_layers:
                self.reset(norms.shape[1])
            logs = np.log10(np.maximum(norms, NORM_FLOOR))
            rows = np.column_stack([cols[name] for name in ITERATION_FIELDS] + [logs])
            self.iterations.extend(rows, snap.iterations.end - n)
            changed = True
        cols = snap.evaluations.columns
        n = len(cols["step"])
        if snap.evaluations.end > len(self.evaluations) and n:
            self.evaluations.extend(np.column_stack([cols[name] for name in EVALUATION_FIELDS]),
                                    snap.evaluations.end - n)
            changed = True
        if len(snap.events) != len(self.events):
            self.events = snap.events
            changed = True
        return changed

    def epoch_at(self, step: int) -> float:
        """The epoch reached after `step` updates (for event markers in epoch mode)."""
        steps, _, epochs, _ = self.iterations.curve("step", "epoch")
        if step <= 0 or not len(steps):
            return 0.0
        return float(np.interp(step, steps, epochs))


SHORT_NAMES = {"learning_rate": "η", "label_smoothing": "ε", "batch_size": "B", "divergence": "Div",
               "l1": "λ₁", "l2": "λ₂"}


def _describe_event(event) -> str:
    """A setting change in few words: "η = 0.002", "optimizer adam", "schedule step"."""
    value = event.value
    if isinstance(value, dict):
        name = value.get("name")
        return f"{event.name} {name}" if name else event.name
    if isinstance(value, float):
        value = f"{value:g}"
    return f"{SHORT_NAMES.get(event.name, event.name)} = {value}"


class CurveView(QWidget):
    """A plot with an options row; subclasses fill `refresh(history)`."""

    title = ""
    legend_columns = 3

    def __init__(self, history: History, parent=None):
        super().__init__(parent)
        self.history = history
        self.plot_widget = pg.PlotWidget(axisItems={"left": SparseLogAxis("left")}, viewBox=ViewBox())
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=False, y=False)
        # fixed axis sizes: tick labels that change width every frame would otherwise
        # re-layout the plot after each paint (and paint it a second time)
        self.plot.getAxis("left").setWidth(62)
        self.plot.getAxis("bottom").setHeight(38)
        self.plot.layout.setContentsMargins(*edge_margins(self.font()))
        legend_outside(self.plot, BELOW, self.legend_columns)  # below the axis: never over the curves
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.options = QHBoxLayout()
        self.options.setContentsMargins(4, 0, 4, 0)
        self.x_mode = QComboBox()
        self.x_mode.addItems(["iterations", "epochs"])
        self.x_mode.setToolTip("Horizontal axis: updates t (iterations) or passes over the training set (epochs)")
        self.x_mode.currentIndexChanged.connect(self._redraw_all)
        self.options.addWidget(QLabel("x:"))
        self.options.addWidget(self.x_mode)
        self.options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.options)
        layout.addWidget(self.plot_widget, 1)
        self._drawn = -1
        self._run_id = None
        self.scratch = Scratch()
        # The view follows the data (set here, before painting: pyqtgraph's own auto-range
        # runs while painting and would paint every frame twice) until the user zooms or
        # pans; the plot's "A" button or a double click returns to following.
        self.follow = True
        vb = self.plot.getViewBox()
        vb.disableAutoRange()
        vb.sigRangeChangedManually.connect(self._manual)
        vb.sigXRangeChanged.connect(self._view_moved)
        self.plot_widget.scene().sigMouseClicked.connect(self._clicked)

    @Slot()
    def _manual(self, *_):
        self.follow = False

    @Slot(object)
    def _clicked(self, event):
        if event.double():
            self.follow = True
            self._drawn = -1
            self.refresh()

    @Slot()
    def _view_moved(self, *_):
        if not self.follow:
            self._drawn = -1  # zoomed or panned by hand: re-clip at the next frame

    def _check_follow(self) -> None:
        vb = self.plot.getViewBox()
        if self.history.run_id != self._run_id:  # a new run (Reset, a new seed, a file): follow it afresh
            self._run_id = self.history.run_id
            self.follow, self._drawn = True, -1
        if any(vb.state["autoRange"]):  # the "A" button
            vb.disableAutoRange()
            self.follow = True

    def _long_data(self, x, low, high):
        """The band low..high reduced for drawing: clipped to the view (unless following) and enveloped."""
        vb = self.plot.getViewBox()
        x_range = None if self.follow else vb.viewRange()[0]
        return envelope(x, low, high, x_range, max(200, int(vb.width())))

    def _fit(self, curves, y_range=None) -> None:
        """Follow the data: the x and y extent of the (already reduced) drawn curves."""
        if not self.follow:
            return
        xs = [c[0] for c in curves if len(c[0])]
        if not xs:  # nothing yet (e.g. after Reset): the empty range, not the last run's
            log = self.plot.getViewBox().state["logMode"][1]
            self.plot.getViewBox().setRange(xRange=(0, 1), yRange=y_range or ((-1, 0) if log else (0, 1)), padding=0)
            return
        x0, x1 = min(float(x[0]) for x in xs), max(float(x[-1]) for x in xs)
        if y_range is None:
            log = self.plot.getViewBox().state["logMode"][1]
            lo, hi = np.inf, -np.inf
            for _, y in curves:
                y = y[np.isfinite(y)]
                if log:
                    y = y[y > 0]
                if len(y):
                    lo, hi = min(lo, float(y.min())), max(hi, float(y.max()))
            if not np.isfinite(lo):
                return
            y_range = (np.log10(lo), np.log10(hi)) if log else (lo, hi)
        if x1 <= x0:
            x1 = x0 + 1
        self.plot.getViewBox().setRange(xRange=(x0, x1), yRange=y_range, padding=0.03)

    def _label_x(self) -> None:
        """The x axis' label for the mode; set only when it changes (a new label re-lays out the axis)."""
        text = "epoch" if self.epochs else "iteration t"
        if self.plot.getAxis("bottom").labelText != text:
            self.plot.setLabel("bottom", text)

    @property
    def epochs(self) -> bool:
        return self.x_mode.currentIndex() == 1

    def _curve(self, series: Series, name: str):
        """(x, low, mean, high) of column `name` over iterations or epochs."""
        return series.curve("epoch" if self.epochs else "step", name)

    @Slot()
    def _redraw_all(self, *_):
        self._drawn = -1
        self.follow = True
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError


class LossView(CurveView):
    """Mini-batch loss per iteration (train) and full test-set loss per evaluation."""

    def __init__(self, history, parent=None):
        super().__init__(history, parent)
        # the formula where the plot is tall enough for it (a 1280×720 screen has room for "loss" only)
        self.plot.getAxis("left").set_titles("loss  (1/T) Σ Div(y, d)", "loss  (1/T) Σ Div", "loss")
        self.plot.setLabel("bottom", "iteration t")
        self.train = _long_curve(self.plot, TRAIN_BAND_PEN, "per batch")
        self.train_mean = self.plot.plot([], [], pen=pg.mkPen(CLASS_COLOURS[0], width=2), name="train mean")
        self.test = self.plot.plot([], [], pen=pg.mkPen(CLASS_COLOURS[5], width=2), name="test", symbol="o", symbolSize=5,
                                   symbolBrush=CLASS_COLOURS[5], symbolPen=None)
        self.log_y = QCheckBox("log y")
        self.log_y.setChecked(True)
        self.log_y.setToolTip("Logarithmic loss axis")
        self.log_y.toggled.connect(self._set_log)
        self.options.insertWidget(0, self.log_y)
        self.plot.setLogMode(y=True)
        self._markers: list[pg.InfiniteLine] = []
        self._marked = None
        self.setToolTip("per batch: the loss of each update's mini-batch (pale band); train mean: its trend; "
                        "test: the whole test set's loss; dashed lines mark setting changes")

    @Slot(bool)
    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self._redraw_all()

    def refresh(self) -> None:
        h = self.history
        self._label_x()
        self._check_follow()
        n = len(h.iterations)
        if n != self._drawn:
            self._drawn = n
            x, low, loss, high = self._curve(h.iterations, "loss")
            train = self._long_data(x, low, high)
            test_x, _, test_loss, _ = self._curve(h.evaluations, "test_loss")
            test = (test_x, test_loss)
            self.train.setData(*train)
            vb = self.plot.getViewBox()
            self.train_mean.setData(*binned_mean(x, loss, None if self.follow else vb.viewRange()[0],
                                                 max(50, int(vb.width()) // 6), log=self.log_y.isChecked(),
                                                 scratch=self.scratch))
            self.test.setData(*test)
            self._fit([train, test])
        (x0, x1) = self.plot.getViewBox().viewRange()[0]
        # again when the events change or the x span grows by √2: the label rows are laid out in pixels
        key = (len(h.events), self.epochs, round(2 * np.log2(max(x1 - x0, 1e-9))) if h.events else 0)
        if key != self._marked:
            self._marked = key
            self._draw_markers()

    def _draw_markers(self) -> None:
        for m in self._markers:
            self.plot.removeItem(m)
        self._markers.clear()
        by_step: dict[int, list[str]] = {}
        for e in self.history.events:
            by_step.setdefault(e.step, []).append(_describe_event(e))
        vb = self.plot.getViewBox()
        (x0, x1), width = vb.viewRange()[0], max(vb.width(), 1.0)
        metrics = QFontMetrics(self.font())
        ends: list[float] = []  # per label row: the right end (px) of its last label
        for step, changes in sorted(by_step.items()):
            if step == 0:
                continue
            x = self.history.epoch_at(step) if self.epochs else step
            text = "; ".join(changes)
            short = text if len(text) <= 40 else text[:39] + "…"
            left = (x - x0) / max(x1 - x0, 1e-12) * width
            row = next((r for r, end in enumerate(ends) if left > end), len(ends))
            if row == len(ends):
                ends.append(0.0)
            ends[row] = left + metrics.horizontalAdvance(short) + 16
            # InfiniteLine labels are str.format templates: braces must be doubled; a pale card
            # keeps the dark text readable over the band; rows step down so labels never overprint
            line = pg.InfiniteLine(pos=x, angle=90, pen=EVENT_PEN, movable=False,
                                   label=short.replace("{", "{{").replace("}", "}}"),
                                   labelOpts={"position": max(0.08, 0.95 - MARKER_ROW * row), "color": (30, 30, 30),
                                              "fill": (255, 255, 255, 225), "border": (150, 150, 150),
                                              "anchors": [(0, 0.5), (0, 0.5)]})
            line.setToolTip(f"from update {step + 1}: " + "; ".join(changes))
            self.plot.addItem(line, ignoreBounds=True)
            self._markers.append(line)


class AccuracyView(CurveView):
    """Classification accuracy on the whole training and test sets, per evaluation."""

    def __init__(self, history, parent=None):
        super().__init__(history, parent)
        self.plot.setLabel("left", "accuracy")
        self.plot.setLabel("bottom", "iteration t")
        self.train = self.plot.plot([], [], pen=TRAIN_PEN, name="train")
        self.test = self.plot.plot([], [], pen=TEST_PEN, name="test")
        self.setToolTip("Share of correctly classified examples, evaluated on the whole sets")

    def has_news(self) -> bool:
        return len(self.history.evaluations) != self._drawn

    def refresh(self) -> None:
        h = self.history
        self._check_follow()
        n = len(h.evaluations)
        if n != self._drawn:
            self._drawn = n
            self._label_x()
            x, _, train, _ = self._curve(h.evaluations, "train_accuracy")
            self.train.setData(x, train)
            self.test.setData(x, self._curve(h.evaluations, "test_accuracy")[2])
            x = x[np.isfinite(train)]  # a regression has no accuracy: the empty range, not a lone x
            self._fit([(x, x)], y_range=(0.0, 1.0))


class GradientNormView(CurveView):
    """‖∂Div/∂W^(k)‖ per layer k = 1..N on a log axis (vanishing / exploding gradients).

    Drawn as the geometric mean over a few pixels' worth of iterations: the per-iteration
    values of N layers on top of each other are noise; the trends are the lesson.
    """

    def __init__(self, history, parent=None):
        super().__init__(history, parent)
        self.plot.setLabel("left", "‖∂Div/∂W⁽ᵏ⁾‖")
        self.plot.setLabel("bottom", "iteration t")
        self.plot.setLogMode(y=True)
        self.curves: list[pg.PlotDataItem] = []
        self.setToolTip("Frobenius norm of the batch-mean weight gradient of every layer k "
                        "(geometric mean over a few pixels' worth of iterations); "
                        f"values below {NORM_FLOOR:g} are drawn at {NORM_FLOOR:g}")

    def _ensure_curves(self, n: int) -> None:
        if len(self.curves) == n:
            return
        for c in self.curves:
            self.plot.removeItem(c)
        self.plot.legend.clear()
        self.curves = [_long_curve(self.plot, pg.mkPen(CLASS_COLOURS[k % len(CLASS_COLOURS)], width=2),
                                   f"W({k + 1})") for k in range(n)]

    def refresh(self) -> None:
        h = self.history
        self._check_follow()
        if not h.n_layers or not len(h.iterations):
            if self.curves:
                self._ensure_curves(0)
            if self._drawn != -2:
                self._fit([])
            self._drawn = -2  # the empty range is set once
            return
        n = len(h.iterations)
        if n != self._drawn:
            self._drawn = n
            self._label_x()
            self._ensure_curves(h.n_layers)
            # the geometric mean per few pixels (the mean of the log10 norms kept): the trend of
            # each layer stays readable
            vb = self.plot.getViewBox()
            x_range = None if self.follow else vb.viewRange()[0]
            drawn = []
            for k in range(1, h.n_layers + 1):
                x, _, logs, _ = self._curve(h.iterations, f"log_norm_{k}")
                xs, means = binned_mean(x, logs, x_range, max(50, int(vb.width()) // 4))
                drawn.append((xs, 10.0 ** means))
            for curve, data in zip(self.curves, drawn):
                curve.setData(*data)
            self._fit(drawn)
