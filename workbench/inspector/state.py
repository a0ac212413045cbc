"""What the inspector is shown: an immutable snapshot of one moment of training.

`InspectorState` holds copies only; the inspector never mutates anything in it (the numeric
gradient works on its own copy of the network).

Which weights produced the trace? While an iteration is under way the weights have not been
updated yet, so `network` is also the network of the forward/backward pass. Once the update
phase has run (the next phase is "forward layer 1" again), `trace` and `grads` still belong to
the finished iteration but `network` holds the updated weights. The chain rule
∂Div/∂y_j^(k) = Σ_l w_jl^(k+1) ∂Div/∂z_l^(k+1) and the numeric gradient need the weights the
pass used, so the state also carries `pass_parameters` (θ before the update);
`from_trainer` rebuilds them as θ_after + Δ from the optimiser's last step (equal up to one
rounding of each weight).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.core.divergences import Divergence
from engine.core.network import Gradients, Network, Trace
from engine.training.trainer import Phase


@dataclass(frozen=True, eq=False)
class InspectorState:
    """One moment of training as the inspector sees it (copies, never live engine objects).

    network          current weights (after the last update), a Network copy
    trace, grads     this iteration's forward / backward quantities (copies) or None;
                     `trace.computed` = forward layers filled, `grads.computed` = backward
                     layers done (N first); the rest are stale buffers and are greyed out
    d                targets of the batch in `trace` (B, n_N) or None
    divergence       the engine Divergence of this iteration
    next_phase       the Phase the next "phase" command runs
    iteration        updates applied so far
    pass_parameters  the flat θ the trace and grads were computed with (None: = network)
    paused           False while training runs: editing and step buttons are disabled
    learning_rate    informative (shown with the batch mean); NaN if unknown
    fused            the trainer's `fused` flag (y − d shortcut for sigmoid+bce, softmax+CE)
    """

    network: Network
    trace: Trace | None
    grads: Gradients | None
    d: np.ndarray | None
    divergence: Divergence
    next_phase: Phase
    iteration: int
    pass_parameters: np.ndarray | None = None
    paused: bool = True
    learning_rate: float = float("nan")
    fused: bool = True
    _pass_network: list = field(default_factory=list, repr=False, compare=False)

    # -- building ------------------------------------------------------------------------
    @classmethod
    def from_trainer(cls, trainer, paused: bool = True) -> "InspectorState":
        """A snapshot of `trainer` (copies everything; call it on the thread that owns it)."""
        net = trainer.network.copy()
        trace = grads = d = None
        pass_parameters = None
        if trainer.current is not None:
            t, g, dd = trainer.current
            trace, grads, d = t.copy(), g.copy(), np.array(dd, copy=True)
            if not trainer.mid_iteration and len(grads.computed) == net.N and trainer.stopped is None:
                delta = trainer.last_update  # the optimiser's last Δ (θ ← θ − Δ)
                if delta is not None:
                    pass_parameters = net.parameters + delta
        return cls(network=net, trace=trace, grads=grads, d=d, divergence=trainer.divergence,
                   next_phase=trainer.next_phase, iteration=trainer.iteration,
                   pass_parameters=pass_parameters, paused=paused,
                   learning_rate=float(trainer.learning_rate), fused=bool(trainer.fused))

    # -- reading -------------------------------------------------------------------------
    @property
    def N(self) -> int:
        return self.network.N

    def weight(self, k: int, i: int, j: int) -> float | None:
        """w_ij^(k) of `network`; None when it has no such weight (a selection made before the network changed)."""
        sizes = self.network.sizes
        if not (1 <= k < len(sizes) and 0 <= i < sizes[k - 1] and 0 <= j < sizes[k]):
            return None
        return float(self.network.W[k][i, j])

    @property
    def pass_network(self) -> Network:
        """The network whose weights produced `trace` and `grads` (a cached copy)."""
        if self.pass_parameters is None:
            return self.network
        if not self._pass_network:
            net = self.network
            self._pass_network.append(Network(net.sizes, net.activations, np.array(self.pass_parameters), net.dtype))
        return self._pass_network[0]

    @property
    def batch_size(self) -> int:
        return 0 if self.trace is None else self.trace.batch_size

    def forward_done(self, k: int) -> bool:
        """True when z^(k), y^(k) of this iteration are filled (k = 0: the input)."""
        return self.trace is not None and (k == 0 or self.trace.computed >= k)

    def divergence_done(self) -> bool:
        """True when Div and ∂Div/∂y^(N) of this iteration are computed."""
        if self.grads is None or self.trace is None or self.trace.computed < self.N:
            return False
        return self.next_phase.kind in ("backward", "update") or self.iteration_complete

    def backward_done(self, k: int) -> bool:
        """True when ∂Div/∂z^(k), ∂Div/∂W^(k) (and ∂Div/∂y^(k)) of this iteration are filled."""
        return self.grads is not None and k in self.grads.computed

    def dy_done(self, k: int) -> bool:
        """∂Div/∂y^(N) is filled by the divergence phase, ∂Div/∂y^(k<N) by backward layer k."""
        return self.divergence_done() if k == self.N else self.backward_done(k)

    @property
    def iteration_complete(self) -> bool:
        """The trace and grads are from a finished iteration (its update has been applied)."""
        return (self.grads is not None and len(self.grads.computed) == self.N
                and self.next_phase == Phase("forward", 1))
