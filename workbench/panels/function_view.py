"""The function dock's widgets: the objective and optimiser controls, the step-by-step buttons,
the plane (2-D: level sets, paths, −∇f, Hessian axes) or the three stacked curves f, f′, f″
(1-D), and the verdict in words. No logic: workbench.panels.function drives them."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine.core.optimizers import OPTIMIZERS

from ..plots.legend import BELOW, legend_outside
from .function_play import KEYS_TIP, MAX_RATE

TYPED_1D, TYPED_2D = "typed_1d", "typed_2d"
#: (key, what the list shows): the library's objectives by dimension, then the typed ones
CHOICES = [
    ("square", "1-D: x² (minimum)"), ("negative_square", "1-D: −x² (maximum)"),
    ("cube", "1-D: x³ (inflection)"), ("quartic", "1-D: x⁴ (f″ = 0 at a minimum)"),
    ("double_well", "1-D: double well (x² − 1)²"), ("sine_slope", "1-D: sin x + x/3 (several minima)"),
    (TYPED_1D, "1-D: typed f(x)"),
    ("bowl", "2-D: bowl ½(u² + κv²)"), ("saddle", "2-D: saddle x² − y²"),
    ("monkey_saddle", "2-D: monkey saddle x³ − 3xy²"), ("rosenbrock", "2-D: Rosenbrock"),
    ("himmelblau", "2-D: Himmelblau (four minima)"), ("bumpy", "2-D: bumpy, non-convex"),
    (TYPED_2D, "2-D: typed f(x, y)"),
]
#: what the verdict calls a library objective (the list's text without its "1-D: ")
TITLES = {key: text.split(": ", 1)[1] for key, text in CHOICES}
OPTIMIZER_NAMES = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}
PATH_COLOURS = ("#ff8c00", "#e0119d", "#00a0b0", "#7fbf00")  # readable on viridis and on white
POINT_COLOUR = "#e8112d"
PLOT_HEIGHT = 340  # px at least: three stacked curves (or the plane and its legend) stay readable


def _spin(lo, hi, decimals, step, value, tip) -> QDoubleSpinBox:
    w = QDoubleSpinBox(decimals=decimals, minimum=lo, maximum=hi, singleStep=step, value=value)
    w.setToolTip(tip)
    return w


class FunctionView(QWidget):
    """Controls on top, the plot(s) in the middle, the verdict below."""

    def __init__(self):
        super().__init__()
        self.form = form = QFormLayout()
        for label, item in (("Objective", self._objective_row()), ("f", self.formula), ("Bowl", self.bowl),
                            ("Optimiser", self._optimizer_rows()), ("", self.hyper), ("Path", self.which),
                            ("Steps", self._step_row()), ("", self.buttons)):
            form.addRow(label, item)
        self.plane = PlaneView()
        self.line = LineView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plane.widget)
        self.stack.addWidget(self.line.widget)
        self.stack.setMinimumHeight(PLOT_HEIGHT)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.RichText)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.verdict)
        self.setFocusPolicy(Qt.StrongFocus)

    def _objective_row(self) -> QComboBox:
        """The objective list; also the typed formula and the bowl's κ and rotation."""
        self.choice = QComboBox()
        for key, text in CHOICES:
            self.choice.addItem(text, key)
        self.formula = QLineEdit("x^3 - 3*x")
        self.formula.setToolTip("f(x) or f(x, y): + − * / ^, sin cos exp log tanh sqrt abs, pi, e (Enter applies)")
        self.kappa = _spin(1.0, 1e4, 1, 1.0, 10.0, "κ: the condition number λ_max/λ_min of the bowl")
        self.angle = _spin(-180.0, 180.0, 0, 15.0, 0.0, "rotation of the bowl's eigen-axes (degrees)")
        self.bowl = QHBoxLayout()
        for text, w in (("κ", self.kappa), ("rotation °", self.angle)):
            self.bowl.addWidget(QLabel(text))
            self.bowl.addWidget(w, 1)
        return self.choice

    def _optimizer_rows(self) -> QComboBox:
        """The optimiser list; also η, μ, Nesterov (`hyper`) and the path chooser."""
        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_NAMES.get(name, name), name)
        self.optimizer.setToolTip("How the gradient g = ∇f becomes the update Δ (x ← x − Δ), as for networks")
        self.rate = _spin(0.0, 10.0, 4, 0.01, 0.05, "η: the learning rate")
        self.momentum = _spin(0.0, 0.999, 3, 0.05, 0.0, "μ: b ← μ b + g, Δ = η b (SGD, RMSprop)")
        self.nesterov = QCheckBox("Nesterov")
        self.nesterov.setToolTip("Nesterov momentum: Δ = η (g + μ b) (SGD with μ > 0)")
        self.hyper = QHBoxLayout()
        for text, w in (("η", self.rate), ("μ", self.momentum)):
            self.hyper.addWidget(QLabel(text))
            self.hyper.addWidget(w, 1)
        self.hyper.addWidget(self.nesterov)
        self.which = QComboBox()
        self.which.setToolTip("The path the optimiser controls edit (an experiment may compare several)")
        return self.optimizer

    def _step_row(self) -> QHBoxLayout:
        """Steps and one by one; Restart, Step, Phase, Play and its speed (`buttons`, the next row);
        the phase label (`phase_label`, under the plot)."""
        self.steps = QSpinBox(minimum=0, maximum=10_000, value=50)
        self.steps.setToolTip("How many updates a descent takes (Play runs up to this many)")
        self.step_mode = QCheckBox("one by one")
        self.step_mode.setToolTip("A change starts again at the start point; Step (→) adds one update")
        self.start_over = QPushButton("Restart")
        self.start_over.setToolTip("Back to the start point, no updates taken")
        self.step = QPushButton("Step")
        self.step.setToolTip(f"One update on every path (→). {KEYS_TIP}")
        self.phase = QPushButton("Phase")
        self.phase.setToolTip("The next phase only (Shift+→): gradient — g = ∇f(x_t) evaluated and drawn; "
                              f"update — the optimiser's Δ applied, x_(t+1) = x_t − Δ. {KEYS_TIP}")
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setToolTip(f"Grow the paths up to Steps updates; again: pause (Space). {KEYS_TIP}")
        self.speed = QSpinBox(minimum=0, maximum=MAX_RATE, value=0, suffix=" /s", singleStep=5)
        self.speed.setSpecialValueText("auto")
        self.speed.setToolTip("Play's speed in updates per second; auto: Steps in about 3 s. "
                              "Applies at once, also while playing")
        row, self.buttons = QHBoxLayout(), QHBoxLayout()
        row.addWidget(self.steps, 1)
        row.addWidget(QLabel("speed"))
        row.addWidget(self.speed, 1)
        row.addWidget(self.step_mode)
        for w in (self.start_over, self.step, self.phase, self.play):
            self.buttons.addWidget(w)
        self.phase_label = QLabel()
        self.phase_label.setWordWrap(True)
        self.phase_label.setTextFormat(Qt.RichText)
        self.phase_label.setToolTip("One update is two phases: gradient (g = ∇f(x_t)), then update "
                                    "(Δ from g by the optimiser, x_(t+1) = x_t − Δ)")
        return row


class PlaneView:
    """f(x, y): a heatmap of sign(f)·log(1 + |f|), labelled level sets, the level set through the
    current point, the paths, −∇f and the Hessian's eigen-axes there."""

    def __init__(self):
        self.widget = pg.PlotWidget()
        self.plot = self.widget.getPlotItem()
        self.plot.setLabel("bottom", "x")
        self.plot.setLabel("left", "y")
        self.plot.setAspectLocked(True)  # −∇f ⟂ the level set must look perpendicular
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.lines = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255, 150), width=1), connect="pairs")
        self.here_level = pg.PlotDataItem(pen=pg.mkPen("#ffe14d", width=2, style=Qt.DashLine), connect="pairs")
        self.legend = legend_outside(self.plot, BELOW, columns=3)
        self.paths: list[pg.PlotDataItem] = []
        self.axes = pg.PlotDataItem(pen=pg.mkPen("c", width=2), connect="pairs")
        self.gradient = pg.PlotDataItem(pen=pg.mkPen(POINT_COLOUR, width=3))
        self.arrow = pg.ArrowItem(angle=0, headLen=14, tipAngle=35, brush=POINT_COLOUR, pen=None)
        self.point = pg.ScatterPlotItem(size=11, brush=POINT_COLOUR, pen="w")
        for item in (self.image, self.lines, self.here_level, self.axes, self.gradient, self.arrow, self.point):
            self.plot.addItem(item)
        for z, item in enumerate((self.axes, self.gradient, self.arrow, self.point)):
            item.setZValue(20 + z)  # over the paths (z 10): the current point is never hidden
        self.labels: list[pg.TextItem] = []
        self.marks = ((self.gradient, "−∇f"), (self.here_level, "level set at x_t"),
                      (self.axes, "Hessian axes ∝ |λ|"))
        self.widget.setToolTip("Click to start the descent there")


class LineView:
    """f(x), f′(x), f″(x) stacked, x shared: the curves, the paths on f, the current point on each
    (with the tangent of slope f′ on f), zero lines on f′ and f″."""

    def __init__(self):
        self.widget = pg.GraphicsLayoutWidget()
        self.plots = []
        for row, (name, colour) in enumerate((("f(x)", "#303030"), ("f′(x)", "#1f77b4"), ("f″(x)", "#2ca02c"))):
            plot = self.widget.addPlot(row=row, col=0)
            plot.setLabel("left", name)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.curve = plot.plot(pen=pg.mkPen(colour, width=2))
            plot.marker = pg.ScatterPlotItem(size=11, brush=POINT_COLOUR, pen="w")
            plot.here = pg.InfiniteLine(angle=90, pen=pg.mkPen((232, 17, 45, 140), width=1, style=Qt.DashLine))
            if row:
                plot.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen((90, 90, 90), width=1)))
                plot.setXLink(self.plots[0])
            plot.addItem(plot.here)
            self.plots.append(plot)
        self.f, self.df, self.d2f = self.plots
        self.d2f.setLabel("bottom", "x")
        self.tangent = self.f.plot(pen=pg.mkPen(POINT_COLOUR, width=2))
        self.legend = legend_outside(self.d2f, BELOW, columns=3)  # the paths drawn on f
        self.paths: list[pg.PlotDataItem] = []
        for plot in self.plots:
            plot.addItem(plot.marker)
            plot.marker.setZValue(20)
        self.tangent.setZValue(15)
        self.marks = ((self.tangent, "tangent at the point (slope f′)"),)
        self.widget.setToolTip("Click on a plot to start the descent at that x")
        self.widget.ci.layout.setRowStretchFactor(0, 2)
