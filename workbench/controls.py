"""Run controls: the actions (Run/Pause, Step, Step phase, Reset, New seed) and the settings panel.

Every setting emits `settingsChanged({configure-name: value})` the moment it is edited; the
run controller (workbench.run_controller) records it in the experiment and queues it to the
worker, which applies it at the next update (also while training runs). `make_action` is the
one action factory (toolbar, menus).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.core import divergences, optimizers
from engine.core.schedules import SCHEDULES
from engine.training.trainer import MAX_BATCH_SIZE

LR_MIN, LR_MAX = 1e-5, 10.0
LR_TICKS = 600  # slider positions over the six decades
SPEED_TICKS = 30  # 10^(v/10) iterations/s for v < SPEED_TICKS, "max" at SPEED_TICKS

HYPER_TIPS = {
    "momentum": "μ: b ← μ b + g, Δ = η b",
    "nesterov": "Nesterov momentum: Δ = η (g + μ b)",
    "beta1": "β₁: decay of the first-moment average m",
    "beta2": "β₂: decay of the second-moment average v",
    "eps": "ε: added to the denominator √v + ε",
    "alpha": "α: decay of the squared-gradient average",
    "lr_decay": "Adagrad learning-rate decay",
}


def lr_to_tick(lr: float) -> int:
    lr = min(max(lr, LR_MIN), LR_MAX)
    return round((math.log10(lr) - math.log10(LR_MIN)) / (math.log10(LR_MAX) - math.log10(LR_MIN)) * LR_TICKS)


def tick_to_lr(tick: int) -> float:
    exponent = math.log10(LR_MIN) + tick / LR_TICKS * (math.log10(LR_MAX) - math.log10(LR_MIN))
    return float(f"{10 ** exponent:.3g}")


def speed_of_tick(tick: int) -> float | None:
    return None if tick >= SPEED_TICKS else float(f"{10 ** (tick / 10):.2g}")


def make_action(parent, text, shortcut, tip, slot) -> QAction:
    """The one action factory: toolbar, menus and the controls dock. `shortcut`: text, a
    QKeySequence.StandardKey or None; the tooltip names the keys when there are any."""
    action = QAction(text, parent)
    keys = QKeySequence(shortcut).toString() if shortcut else ""
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.WindowShortcut)
    action.setToolTip(f"{tip} ({keys})" if keys else tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


class RunActions:
    """The window-wide run actions, shared by the toolbar, the Run menu and the controls dock."""

    def __init__(self, window):
        self.run = make_action(window, "Run", "Space", "Start or pause training", window.toggle_run)
        self.step = make_action(window, "Step", "Right", "Run one whole iteration: forward, divergence, "
                                "backward, update (finishes the current one if mid-way)", window.step_iteration)
        self.phase = make_action(window, "Step phase", "Shift+Right", "Run the next phase only: forward layer k, "
                                 "divergence, backward layer k or the update", window.step_phase)
        self.reset = make_action(window, "Reset", "Ctrl+R", "Re-initialise the weights with the same seed "
                                 "(identical start, for comparisons)", window.reset_run)
        self.new_seed = make_action(window, "New seed", "Ctrl+Shift+R", "Draw new initial weights and "
                                    "batch order (next seed)", window.new_seed)

    def all(self):
        return [self.run, self.step, self.phase, self.reset, self.new_seed]

    def set_running(self, running: bool) -> None:
        self.run.setText("Pause" if running else "Run")


class _NoWheel:
    """Mixin: ignore the wheel unless focused (scrolling the panel must not edit values)."""

    def wheelEvent(self, event):  # noqa: N802 - Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class Spin(_NoWheel, QDoubleSpinBox):
    pass


class IntSpin(_NoWheel, QSpinBox):
    pass


class Combo(_NoWheel, QComboBox):
    pass


class ControlsPanel(QWidget):
    """The settings of the running experiment, editable at any time."""

    settingsChanged = Signal(object)  # dict of Trainer.configure changes
    speedChanged = Signal(object)  # iterations per second, or None for as fast as possible

    def __init__(self, actions: RunActions, parent=None):
        super().__init__(parent)
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        buttons = QGridLayout()
        for i, action in enumerate(actions.all()):
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonTextOnly)
            b.setFocusPolicy(Qt.NoFocus)  # Space and → stay the run shortcuts
            b.setSizePolicy(b.sizePolicy().horizontalPolicy().Expanding, b.sizePolicy().verticalPolicy())
            buttons.addWidget(b, i // 2, i % 2)
        outer.addLayout(buttons)

        # speed
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, SPEED_TICKS)
        self.speed.setValue(SPEED_TICKS)
        self.speed.setToolTip("Training speed: as fast as possible, or a cap in iterations per second "
                              "(down to 1/s for slow motion in a lecture)")
        self.speed_label = QLabel("max")
        self.speed_label.setMinimumWidth(56)
        self.speed.valueChanged.connect(self._speed_moved)
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed, 1)
        row.addWidget(self.speed_label)
        outer.addLayout(row)

        # learning rate
        box = QGroupBox("Learning rate η")
        form = QFormLayout(box)
        self.lr_slider = QSlider(Qt.Horizontal)
        self.lr_slider.setRange(0, LR_TICKS)
        self.lr_slider.setToolTip("η on a log scale from 1e-5 to 10; θ ← θ − η·Δ(∂Div/∂θ)")
        self.lr_spin = Spin()
        self.lr_spin.setDecimals(6)
        self.lr_spin.setRange(LR_MIN, LR_MAX)
        self.lr_spin.setStepType(QDoubleSpinBox.AdaptiveDecimalStepType)
        self.lr_spin.setKeyboardTracking(False)
        self.lr_spin.setToolTip("Exact learning rate η (applies at the next update)")
        # applied when the slider is let go (one recorded change per drag, not one per pixel);
        # the exact value follows while dragging
        self.lr_slider.setTracking(False)
        self.lr_slider.sliderMoved.connect(self._lr_preview)
        self.lr_slider.valueChanged.connect(self._lr_slid)
        self.lr_spin.valueChanged.connect(self._lr_typed)
        lr_row = QHBoxLayout()
        lr_row.addWidget(self.lr_slider, 1)
        lr_row.addWidget(self.lr_spin)
        form.addRow(lr_row)
        self.schedule = Combo()
        self.schedule.addItems(list(SCHEDULES))
        self.schedule.setToolTip("η_t = η · factor(t): constant 1; step γ^⌊t/s⌋; exponential γ^t; "
                                 "inverse_time 1/(1 + decay·t)")
        self.gamma = self._spin(0.001, 1.0, 3, "γ of the step / exponential schedule")
        self.step_size = IntSpin()
        self.step_size.setRange(1, 10_000_000)
        self.step_size.setToolTip("s: the step schedule multiplies η by γ every s updates")
        self.decay = self._spin(0.0, 100.0, 5, "decay of the inverse-time schedule")
        for w in (self.schedule, self.gamma, self.step_size, self.decay):
            (w.currentIndexChanged if isinstance(w, QComboBox) else w.valueChanged).connect(self._schedule_changed)
        form.addRow("Schedule", self.schedule)
        sched = QHBoxLayout()
        for label, w in (("γ", self.gamma), ("s", self.step_size), ("decay", self.decay)):
            sched.addWidget(QLabel(label))
            sched.addWidget(w)
        form.addRow(sched)
        outer.addWidget(box)

        # optimiser
        box = QGroupBox("Optimiser")
        self.opt_form = QFormLayout(box)
        self.optimizer = Combo()
        self.optimizer.addItems(list(optimizers.OPTIMIZERS))
        self.optimizer.setToolTip("How the gradient g = ∂Div/∂θ becomes the update Δ (θ ← θ − Δ)")
        self.optimizer.currentTextChanged.connect(self._optimizer_changed)
        self.opt_form.addRow("Method", self.optimizer)
        self._hyper: dict[str, QWidget] = {}
        outer.addWidget(box)

        # divergence and data handling
        box = QGroupBox("Divergence and batches")
        form = QFormLayout(box)
        self.divergence = Combo()
        for name, div in divergences.DIVERGENCES.items():
            self.divergence.addItem(name)
            self.divergence.setItemData(self.divergence.count() - 1, f"{div.description}: {div.formula}", Qt.ToolTipRole)
        self.divergence.setToolTip("Div(y, d): what the network minimises")
        self.divergence.currentTextChanged.connect(lambda _: self._emit(divergence=self.divergence.currentText()))
        form.addRow("Div(y, d)", self.divergence)
        self.smoothing = self._spin(0.0, 0.49, 3, "Label smoothing ε of the class targets (any divergence): "
                                    f"{divergences.SMOOTHING_FORMULA}")
        self.smoothing.valueChanged.connect(lambda v: self._emit(label_smoothing=v))
        form.addRow("Smoothing ε", self.smoothing)
        self.batch = IntSpin()
        self.batch.setRange(1, MAX_BATCH_SIZE)  # every batch size an experiment may have
        self.batch.setKeyboardTracking(False)
        self.batch.setToolTip("B: examples per mini-batch; the gradient is their mean")
        self.batch.valueChanged.connect(lambda v: self._emit(batch_size=v))
        form.addRow("Batch size B", self.batch)
        self.l1 = self._spin(0.0, 10.0, 6, "L1 penalty λ₁: adds λ₁·sign(w) to ∂Div/∂w (weights only)")
        self.l1.valueChanged.connect(lambda v: self._emit(l1=v))
        self.l2 = self._spin(0.0, 10.0, 6, "L2 penalty λ₂ (weight decay): adds λ₂·w to ∂Div/∂w (weights only)")
        self.l2.valueChanged.connect(lambda v: self._emit(l2=v))
        form.addRow("L1 λ₁", self.l1)
        form.addRow("L2 λ₂", self.l2)
        outer.addWidget(box)
        outer.addStretch(1)

    def _spin(self, lo, hi, decimals, tip) -> Spin:
        s = Spin()
        s.setRange(lo, hi)
        s.setDecimals(decimals)
        s.setStepType(QDoubleSpinBox.AdaptiveDecimalStepType)
        s.setKeyboardTracking(False)
        s.setToolTip(tip)
        return s

    # -- loading -------------------------------------------------------------------------
    def load(self, settings: dict) -> None:
        """Show `settings` (Trainer.configure names) without emitting changes."""
        self._loading = True
        try:
            self.lr_spin.setValue(settings["learning_rate"])
            self.lr_slider.setValue(lr_to_tick(settings["learning_rate"]))
            self.optimizer.setCurrentText(settings["optimizer"])
            self._build_hyper(settings["optimizer"], settings["optimizer_params"])
            self.divergence.setCurrentText(settings["divergence"])
            self.smoothing.setValue(settings["label_smoothing"])
            self.batch.setValue(settings["batch_size"])
            self.l1.setValue(settings["l1"])
            self.l2.setValue(settings["l2"])
            s = settings["schedule"]
            self.schedule.setCurrentText(s["name"])
            self.gamma.setValue(s["gamma"])
            self.step_size.setValue(s["step_size"])
            self.decay.setValue(s["decay"])
        finally:
            self._loading = False

    def _build_hyper(self, name: str, values: dict) -> None:
        for w in self._hyper.values():
            self.opt_form.removeRow(w)
        self._hyper = {}
        for key, value in values.items():
            if isinstance(value, bool):
                w = QCheckBox()
                w.setChecked(value)
                w.toggled.connect(lambda v, k=key: self._emit(optimizer_params={k: bool(v)}))
            else:
                w = self._spin(0.0, 1e3, 10 if value and abs(value) < 1e-4 else 4, HYPER_TIPS.get(key, key))
                w.setValue(float(value))
                w.valueChanged.connect(lambda v, k=key: self._emit(optimizer_params={k: float(v)}))
            w.setToolTip(HYPER_TIPS.get(key, key))
            self.opt_form.addRow(key, w)
            self._hyper[key] = w

    # -- edits ---------------------------------------------------------------------------
    def _emit(self, **changes) -> None:
        if not self._loading:
            self.settingsChanged.emit(changes)

    @Slot(int)
    def _lr_slid(self, tick: int) -> None:
        if self._loading:
            return
        lr = tick_to_lr(tick)
        self._loading = True
        self.lr_spin.setValue(lr)
        self._loading = False
        self._emit(learning_rate=lr)

    @Slot(int)
    def _lr_preview(self, tick: int) -> None:
        self._loading = True
        self.lr_spin.setValue(tick_to_lr(tick))
        self._loading = False

    @Slot(float)
    def _lr_typed(self, lr: float) -> None:
        if self._loading:
            return
        self._loading = True
        self.lr_slider.setValue(lr_to_tick(lr))
        self._loading = False
        self._emit(learning_rate=lr)

    @Slot(str)
    def _optimizer_changed(self, name: str) -> None:
        if self._loading:
            return
        defaults = {k: v for k, v in optimizers.create(name).hyperparameters().items()
                    if k not in ("name", "learning_rate")}
        self._loading = True
        self._build_hyper(name, defaults)
        self._loading = False
        self._emit(optimizer=name, learning_rate=self.lr_spin.value())

    @Slot()
    def _schedule_changed(self, *_) -> None:
        self._emit(schedule={"name": self.schedule.currentText(), "gamma": self.gamma.value(),
                             "step_size": self.step_size.value(), "decay": self.decay.value()})

    @Slot(int)
    def _speed_moved(self, tick: int) -> None:
        speed = speed_of_tick(tick)
        self.speed_label.setText("max" if speed is None else f"{speed:g} it/s")
        self.speedChanged.emit(speed)

    def set_learning_rate(self, lr: float) -> None:
        """Programmatic edit (tests, menus): as if the user typed it."""
        self.lr_spin.setValue(lr)
