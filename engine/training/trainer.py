"""The trainer: mini-batch gradient descent as a sequence of phases that can be stepped.

One iteration on a mini-batch is

    forward 1 → … → forward N → divergence → backward N → … → backward 1 → update

`advance()` runs the next phase; `step()` runs the rest of the current iteration (a whole
one when none is under way); `run()` loops `step()` until a stop condition. All three call
the same phase functions, so a run stepped phase by phase with pauses is bit-identical to
one run in a single go.

Randomness: the seed makes a `SeedSequence`; its first child draws the initial weights
(see `spawn_seeds`), its second shuffles the epochs. Nothing else is random.

Divergence guard: a non-finite loss or gradient stops training before the update; an update
that would make a weight non-finite is not applied. Either way the weights stay the last
finite ones and `stopped` says why, naming the iteration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from engine.core import divergences
from engine.core.errors import ConfigurationError
from engine.core.network import SOFTMAX_ONE_OUTPUT, BatchPass, Gradients, Network, Trace
from engine.core.optimizers import SGD, Optimizer
from engine.core.optimizers import create as create_optimizer
from engine.core.schedules import CONSTANT, Schedule
from engine.core.threads import forward_flops, threads_for, use_threads, use_threads_for
from engine.training.history import History

#: the largest mini-batch accepted: more than any dataset holds (engine.data.dataset.MAX_SAMPLES),
#: and B ≥ the training set is the full batch anyway
MAX_BATCH_SIZE = 1_000_000


class Phase(NamedTuple):
    """One phase of an iteration: kind is forward, divergence, backward or update."""

    kind: str
    layer: int = 0

    def __str__(self) -> str:
        return f"{self.kind} layer {self.layer}" if self.layer else self.kind


@dataclass(frozen=True)
class StopReason:
    """Why training stopped: kind is diverged, steps, epochs or target_loss."""

    kind: str
    step: int
    message: str


def spawn_seeds(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """(generator for the initial weights, generator for shuffling) from one seed."""
    init, shuffle = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(init), np.random.default_rng(shuffle)


_finite = math.isfinite

EVALUATION_BYTES = 1 << 24
"""About the most memory the forward buffers of a whole-set evaluation take (bigger sets go in blocks)."""


class Trainer:
    """Trains `network` on inputs `x` (T, n_0) and targets (class indices (T,) or values (T, L)).

    Settings (divergence, optimiser, batch size, penalties, schedule, shuffling) can change
    between any two iterations through `configure`; each change is recorded in the history.
    """

    def __init__(
        self,
        network: Network,
        x: np.ndarray,
        targets: np.ndarray,
        *,
        divergence: str = "l2",
        label_smoothing: float = 0.0,
        optimizer: Optimizer | None = None,
        batch_size: int = 10,
        shuffle: bool = True,
        l1: float = 0.0,
        l2: float = 0.0,
        schedule: Schedule = CONSTANT,
        seed: int = 0,
        x_test: np.ndarray | None = None,
        targets_test: np.ndarray | None = None,
        evaluate_every: int | None = None,
        fused: bool = True,
    ):
        if network.activations[-1].is_vector and network.sizes[-1] < 2:
            raise ConfigurationError(SOFTMAX_ONE_OUTPUT)
        self.network = network
        dt = network.dtype
        self.x = np.ascontiguousarray(x, dtype=dt)
        if self.x.ndim != 2 or self.x.shape[1] != network.sizes[0]:
            raise ConfigurationError(
                f"the network has {network.sizes[0]} inputs but the data has shape {np.shape(x)}"
            )
        self.targets = np.asarray(targets)
        if len(self.targets) != len(self.x) or len(self.x) == 0:
            raise ConfigurationError(f"{len(self.x)} inputs but {len(self.targets)} targets")
        self.x_test = None if x_test is None else np.ascontiguousarray(x_test, dtype=dt)
        self.targets_test = None if targets_test is None else np.asarray(targets_test)
        self.classification = self.targets.ndim == 1 and self.targets.dtype.kind in "iub"
        self.fused = fused
        self.optimizer = optimizer if optimizer is not None else SGD(learning_rate=0.01)
        self.schedule = schedule
        self.shuffle = bool(shuffle)
        self.l1, self.l2 = self._check_penalty("l1", l1), self._check_penalty("l2", l2)
        self.batch_size = self._check_batch_size(batch_size)
        self._set_divergence(divergences.get(divergence, label_smoothing))
        # default: about every 10 epochs, so full-set evaluation costs ~3 % of training
        evaluated = len(self.x) + (0 if self.x_test is None else len(self.x_test))
        self.evaluate_every = evaluate_every or max(1, math.ceil(10 * evaluated / self.batch_size))
        _, self._rng = spawn_seeds(seed)
        self.seed = seed
        self.history = History(network.N)
        self.iteration = 0  # updates applied
        self.samples_seen = 0
        self.stopped: StopReason | None = None
        N = network.N
        self.phases = (
            [Phase("forward", k) for k in range(1, N + 1)]
            + [Phase("divergence")]
            + [Phase("backward", k) for k in range(N, 0, -1)]
            + [Phase("update")]
        )
        self._phase_index = 0
        self._order = np.arange(len(self.x))
        self._cursor = len(self.x)  # forces a fresh permutation at the first batch
        self._buffers: dict[int, tuple[Trace, Gradients, np.ndarray]] = {}
        self._threads: dict[int, int] = {}  # BLAS threads for a batch of B samples (engine.core.threads)
        self._passes: dict[int, BatchPass] = {}  # step()'s forward and backward over those buffers
        self._pass: BatchPass | None = None  # the one of the current batch
        self._eval_traces: dict[int, Trace] = {}
        size = network.layout.size
        self._delta = np.empty(size, dt)
        self._span_starts = np.array(network.layout.offsets()[:-1])  # W^(1), b^(1), W^(2), …
        self._squares = np.empty(size, dt)
        self._mask = network.layout.weight_mask().astype(dt)
        # a bound on every |Δ_i| below which Δ·Δ (the guard's test) is surely finite: Δ·Δ ≤ bound² < max / 4
        self._safe_update = math.sqrt(float(np.finfo(dt).max)) / 2
        self._current: tuple[Trace, Gradients, np.ndarray] | None = None  # this iteration's batch
        self._output_gradient_due = False  # ∂Div/∂y^(N) of _current left out by step() (the y − d shortcut)

    # -- settings ------------------------------------------------------------------------
    @staticmethod
    def _check_penalty(name, value) -> float:
        value = float(value)
        if not (value >= 0.0 and math.isfinite(value)):
            raise ConfigurationError(f"{name} must be a finite number ≥ 0, got {value}")
        return value

    def _check_batch_size(self, n, name: str = "batch_size", most: float = MAX_BATCH_SIZE) -> int:
        if int(n) != n or not 1 <= n <= most:
            bounds = "≥ 1" if most == math.inf else f"from 1 to {most:_}"
            raise ConfigurationError(f"{name} must be a whole number {bounds}, got {n}")
        return int(n)

    def _set_divergence(self, div) -> None:
        n_out = self.network.sizes[-1]
        div.check_outputs(n_out)
        d = div.targets(self.targets, n_out, self.network.dtype)
        d_test = None if self.targets_test is None else div.targets(self.targets_test, n_out, self.network.dtype)
        self.divergence, self.d, self.d_test = div, d, d_test

    @property
    def learning_rate(self) -> float:
        """The step size the next update uses: base rate × schedule factor."""
        return self.optimizer.learning_rate * self.schedule.factor(self.iteration)

    def configure(self, **changes) -> None:
        """Change settings between iterations; all are checked before any applies.

        Keys: learning_rate, optimizer (a name or an Optimizer; hyperparameters in
        `optimizer_params`), optimizer_params, divergence, label_smoothing, batch_size,
        shuffle, l1, l2, schedule, evaluate_every. The learning rate and optimiser apply at
        the next update; the others from the next iteration that starts.
        """
        known = {"learning_rate", "optimizer", "optimizer_params", "divergence", "label_smoothing",
                 "batch_size", "shuffle", "l1", "l2", "schedule", "evaluate_every"}
        unknown = set(changes) - known
        if unknown:
            raise ConfigurationError(f"unknown setting {sorted(unknown)[0]!r}")
        new = {}
        if "optimizer" in changes or "optimizer_params" in changes:
            opt = changes.get("optimizer", self.optimizer.name)
            params = dict(changes.get("optimizer_params", {}))
            if "learning_rate" in changes:
                params["learning_rate"] = changes["learning_rate"]
            if isinstance(opt, Optimizer):
                new["optimizer"] = opt
            elif opt == self.optimizer.name:  # same method: new hyperparameters, state kept
                probe = create_optimizer(self.optimizer.name, **{**_params(self.optimizer), **params})
                new["optimizer_params"] = _params(probe)
            else:
                new["optimizer"] = create_optimizer(opt, **{"learning_rate": self.optimizer.learning_rate, **params})
        elif "learning_rate" in changes:
            lr = float(changes["learning_rate"])
            if not (lr >= 0 and math.isfinite(lr)):
                raise ConfigurationError(f"learning_rate must be a finite number ≥ 0, got {lr}")
            new["optimizer_params"] = {"learning_rate": lr}
        if "divergence" in changes or "label_smoothing" in changes:
            new["divergence"] = divergences.get(
                changes.get("divergence", self.divergence.name),
                changes.get("label_smoothing", self.divergence.label_smoothing),
            )
        if "batch_size" in changes:
            new["batch_size"] = self._check_batch_size(changes["batch_size"])
        for key in ("l1", "l2"):
            if key in changes:
                new[key] = self._check_penalty(key, changes[key])
        if "schedule" in changes:
            s = changes["schedule"]
            new["schedule"] = s if isinstance(s, Schedule) else Schedule(**s)
        if "evaluate_every" in changes:
            new["evaluate_every"] = self._check_batch_size(changes["evaluate_every"], "evaluate_every", math.inf)
        if "shuffle" in changes:
            new["shuffle"] = bool(changes["shuffle"])
        # everything checked: apply and record
        for key, value in new.items():
            if key == "optimizer":
                self.optimizer = value
                self.history.record_event(self.iteration, "optimizer", value.hyperparameters())
            elif key == "optimizer_params":
                self.optimizer.set(**value)
                for name, v in value.items():
                    self.history.record_event(self.iteration, name, v)
            elif key == "divergence":
                self._set_divergence(value)
                self.history.record_event(self.iteration, "divergence", value.name)
                self.history.record_event(self.iteration, "label_smoothing", value.label_smoothing)
            else:
                setattr(self, key, value)
                self.history.record_event(self.iteration, key, value.to_dict() if key == "schedule" else value)

    # -- the phases ----------------------------------------------------------------------
    @property
    def next_phase(self) -> Phase:
        """The phase `advance()` will run."""
        return self.phases[self._phase_index]

    @property
    def last_update(self) -> np.ndarray | None:
        """Δ of the last update (θ ← θ − Δ), flat; θ + Δ recovers the weights of the last pass
        to within one rounding. None before the first update. Read-only view: do not keep it."""
        if self.iteration == 0:
            return None
        view = self._delta.view()
        view.flags.writeable = False
        return view

    @property
    def mid_iteration(self) -> bool:
        return self._phase_index != 0

    @property
    def epoch(self) -> float:
        """Passes over the training set so far (fractional)."""
        return self.samples_seen / len(self.x)

    @property
    def batch_position(self) -> tuple[np.ndarray, int, dict]:
        """(this epoch's permutation of the training set, the cursor into it, the shuffling
        generator's state): with θ and the optimiser's state, what the next batches depend on."""
        return self._order.copy(), self._cursor, self._rng.bit_generator.state

    def continue_from(self, iteration: int, samples_seen: int, order: np.ndarray, cursor: int, rng_state: dict) -> None:
        """Resume counting and batching where a saved run stopped (engine.training.state checks the values)."""
        rng = np.random.default_rng()
        rng.bit_generator.state = rng_state
        self._rng, self._order, self._cursor = rng, np.array(order, dtype=np.int64), int(cursor)
        self.iteration, self.samples_seen = int(iteration), int(samples_seen)
        self._phase_index, self.stopped = 0, None

    @property
    def current(self) -> tuple[Trace, Gradients, np.ndarray] | None:
        """(trace, gradients, targets d) of the iteration under way or just finished; None before the first."""
        if self._output_gradient_due:  # step() left ∂Div/∂y^(N) out: nothing in it read it
            self._output_gradient_due = False
            trace, grads, d = self._current
            self.network.output_gradient(trace, d, self._divergence_now, grads)
        return self._current

    def _buffers_for(self, batch: int) -> tuple[Trace, Gradients, np.ndarray]:
        """Reused trace, gradient and target buffers for batches of `batch` samples."""
        buf = self._buffers.get(batch)
        if buf is None:
            net = self.network
            buf = self._buffers[batch] = (
                net.new_trace(batch), net.new_gradients(batch), np.empty((batch, net.sizes[-1]), net.dtype))
            self._threads[batch] = threads_for(forward_flops(net.sizes, batch))
            self._passes[batch] = BatchPass(net, buf[0], buf[1])
        use_threads(self._threads[batch])
        self._pass = self._passes[batch]
        return buf

    def _begin_iteration(self) -> tuple[Trace, Gradients, np.ndarray]:
        """Draw the next mini-batch (a new permutation at each epoch) into the input buffers."""
        x, B, cursor = self.x, self.batch_size, self._cursor
        T = len(x)
        if B >= T:  # full batch: the mean gradient does not depend on order
            trace, grads, _ = self._buffers_for(T)
            trace.y[0], d = x, self.d
            self._cursor = T
        else:
            if cursor >= T:
                self._order = self._rng.permutation(T) if self.shuffle else np.arange(T)
                cursor = 0
            idx = self._order[cursor : cursor + B]
            self._cursor = cursor + len(idx)
            trace, grads, d = self._buffers_for(len(idx))
            # mode="clip" (the indices are a permutation, always in range) writes into out= unbuffered
            x.take(idx, axis=0, out=trace.y[0], mode="clip")
            self.d.take(idx, axis=0, out=d, mode="clip")
        trace.computed = 0
        grads.computed = []
        grads.loss = math.nan
        self._current = current = (trace, grads, d)
        self._output_gradient_due = False
        self._divergence_now = self.divergence
        return current

    def advance(self) -> Phase:
        """Run the next phase of the current iteration (starting one if needed)."""
        with np.errstate(all="ignore"):  # overflow is caught by the divergence guard, not warned
            return self._advance()

    def _advance(self) -> Phase:
        if self._phase_index == 0:
            self.stopped = None
            self._begin_iteration()
        phase = self.phases[self._phase_index]
        trace, grads, d = self._current
        net = self.network
        if phase.kind == "forward":
            net.forward_layer(phase.layer, trace)
        elif phase.kind == "divergence":
            net.divergence_phase(trace, d, self._divergence_now, grads)
        elif phase.kind == "backward":
            net.backward_layer(phase.layer, trace, d, self._divergence_now, grads, self.fused)
        else:
            self._update(grads)
        self._phase_index = (self._phase_index + 1) % len(self.phases)
        if self.stopped is not None:
            self._phase_index = 0
        return phase

    def step(self) -> bool:
        """Finish the current iteration (or run a whole one). False if training stopped."""
        with np.errstate(all="ignore"):
            return self._step()

    def _step(self) -> bool:
        if self._phase_index != 0:
            while self._phase_index != 0:
                self._advance()
            return self.stopped is None
        # the same phase functions as advance(), without the per-phase dispatch; where the
        # backward pass takes the y − d shortcut, ∂Div/∂y^(N) waits until `current` is read
        self.stopped = None
        trace, grads, d = self._begin_iteration()
        net, div, batch_pass = self.network, self._divergence_now, self._pass
        batch_pass.forward()  # = forward_layer(k) for k = 1..N
        shortcut = self.fused and div.fused_dz(net.activations[-1])
        net.divergence_phase(trace, d, div, grads, not shortcut)
        self._output_gradient_due = shortcut
        batch_pass.backward(d, shortcut)  # = backward_layer(k) for k = N..1
        self._update(grads)
        return self.stopped is None

    def _update(self, grads: Gradients) -> None:
        """Record the iteration, then θ ← θ − Δ with the optimiser's Δ (guarded)."""
        g, loss = grads.vector, grads.loss
        # squared norms of ∂Div/∂W^(1), ∂Div/∂b^(1), ∂Div/∂W^(2), …: one product, one segmented sum
        squares = np.add.reduceat(np.multiply(g, g, out=self._squares), self._span_starts)
        step = self.iteration + 1
        total = float(np.add.reduce(squares))
        if not (_finite(loss) and _finite(total)):
            what = "loss" if not _finite(loss) else "gradient"
            self._stop("diverged", f"training diverged at iteration {step}: the {what} is not finite "
                       f"(loss {grads.loss:.4g}); the weights are those before it. "
                       "Try a smaller learning rate.")
            return
        penalised = self.l2 or self.l1
        if penalised:
            theta = self.network.parameters
            g = g.copy()
            if self.l2:
                g += self.l2 * theta * self._mask
            if self.l1:
                g += self.l1 * np.sign(theta) * self._mask
        optimizer = self.optimizer
        lr = optimizer.learning_rate * self.schedule.factor(self.iteration)  # self.learning_rate
        delta = optimizer.step(g, self._delta, lr)
        # Δ·Δ is surely finite where the optimiser bounds |Δ_i| by ‖g‖ well below overflow; else compute it
        if (penalised or not optimizer.update_bound(math.sqrt(total), lr) < self._safe_update) \
                and not _finite(delta.dot(delta)):
            self._stop("diverged", f"training diverged at iteration {step}: the update overflows; "
                       "the weights are those before it. Try a smaller learning rate.")
            return
        theta = self.network.parameters
        np.subtract(theta, delta, out=theta)
        self.samples_seen = seen = self.samples_seen + grads.dz[1].shape[0]
        self.iteration = step
        np.sqrt(squares[::2], out=self.history.record_iteration(step, seen / len(self.x), loss, lr))
        if step % self.evaluate_every == 0:
            self.evaluate()

    def _stop(self, kind: str, message: str) -> None:
        self.stopped = StopReason(kind, self.iteration, message)

    # -- evaluation and running ----------------------------------------------------------
    def _eval_trace(self, rows: int) -> Trace:
        """Forward buffers for whole-set evaluations of `rows` samples (kept per size)."""
        # own traces: forward() points trace.y[0] at x, so a shared training buffer would
        # later receive mini-batches through np.take(out=…) and overwrite x (e.g. the test set)
        trace = self._eval_traces.get(rows)
        if trace is None:
            trace = self._eval_traces[rows] = self.network.new_trace(rows)
        return trace

    def metrics(self, x: np.ndarray, d: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
        """(mean loss, accuracy) of the network on a whole set; accuracy is NaN for regression.

        A big set goes through in blocks of rows whose forward buffers take about EVALUATION_BYTES
        (the per-sample Div and predictions are gathered, then averaged as for a small set).
        """
        net, T = self.network, len(x)
        rows = min(T, max(1, EVALUATION_BYTES // (2 * sum(net.sizes[1:]) * net.dtype.itemsize)))
        full = self._eval_trace(rows)
        use_threads_for(forward_flops(net.sizes, rows))
        values = predicted = None
        for start in range(0, T, rows):
            n = min(rows, T - start)
            trace = full if n == rows else Trace([None] + [z[:n] for z in full.z[1:]], [None] + [y[:n] for y in full.y[1:]])
            y = net.forward(x[start:start + n], trace).output
            part = self.divergence.value(y, d[start:start + n])
            labels = None if not self.classification else (y[:, 0] > 0.5) if y.shape[1] == 1 else y.argmax(axis=1)
            if n == T:
                values, predicted = part, labels
                break
            values = np.empty(T, part.dtype) if values is None else values
            values[start:start + n] = part
            if labels is not None:
                predicted = np.empty(T, labels.dtype) if predicted is None else predicted
                predicted[start:start + n] = labels
        loss = float(values.mean())  # Divergence.loss: the mean of Div(y_t, d_t)
        if predicted is None:
            return loss, float("nan")
        return loss, float(np.mean(predicted == targets))

    def evaluate(self) -> None:
        """Record train/test loss and accuracy and every ‖W^(k)‖ in the history."""
        train = self.metrics(self.x, self.d, self.targets)
        test = (math.nan, math.nan) if self.x_test is None or not len(self.x_test) else \
            self.metrics(self.x_test, self.d_test, self.targets_test)
        norms = [float(np.linalg.norm(w)) for w in self.network.W[1:]]
        self.history.record_evaluation(self.iteration, self.epoch, *train, *test, norms)

    def run(self, steps: int | None = None, epochs: float | None = None,
            target_loss: float | None = None) -> StopReason | None:
        """Train for `steps` more updates, or until `epochs` passes, or until loss ≤ target_loss."""
        if steps is None and epochs is None and target_loss is None:
            raise ConfigurationError("run() needs steps, epochs or target_loss")
        with np.errstate(all="ignore"):
            return self._run(steps, epochs, target_loss)

    def _run(self, steps, epochs, target_loss) -> StopReason | None:
        end = None if steps is None else self.iteration + steps
        while True:
            if end is not None and self.iteration >= end:
                return StopReason("steps", self.iteration, f"reached {self.iteration} iterations")
            if epochs is not None and self.epoch >= epochs:
                return StopReason("epochs", self.iteration, f"reached epoch {self.epoch:g}")
            if not self._step():
                return self.stopped
            if target_loss is not None and self.history.loss[-1] <= target_loss:
                return StopReason("target_loss", self.iteration, f"loss {self.history.loss[-1]:.4g} ≤ {target_loss}")


def _params(opt: Optimizer) -> dict:
    p = opt.hyperparameters()
    p.pop("name")
    return p
