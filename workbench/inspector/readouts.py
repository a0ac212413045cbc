"""Numbers the weight inspector shows that take more than a lookup: one unit's readouts, the numeric check.

Both read an `InspectorState` (copies) and never touch the trainer.
"""

from __future__ import annotations

import numpy as np

from engine.analysis.gradient_check import numeric_gradient, relative_error
from engine.analysis.inspection import explain_unit
from engine.core.network import Network

from .state import InspectorState


def unit_values(s: InspectorState, k: int, j: int, t: int) -> dict[str, float]:
    """b_j^(k), and z, y, ∂Div/∂y, ∂Div/∂z of sample t, ∂Div/∂b (batch mean) as far as the pass has computed them."""
    values = {"bias": float(s.network.b[k][j])}
    if s.forward_done(k):
        values.update(z=float(s.trace.z[k][t, j]), y=float(s.trace.y[k][t, j]))
    if s.dy_done(k):
        values["dDiv_dy"] = float(s.grads.dy[k][t, j])
    if s.backward_done(k):
        u = explain_unit(s.pass_network, s.trace, s.grads, k, j, t)
        values.update(dDiv_dz=u.dDiv_dz, bias_gradient=u.bias_gradient)
    return values


def numeric_check(s: InspectorState, k: int, i: int, j: int) -> dict[str, float]:
    """Central-difference ∂Div/∂w_ij^(k) on the state's mini-batch, in float64 on a private copy of the network,
    beside the analytic value and their relative difference."""
    src = s.pass_network
    net = Network(src.sizes, src.activations, src.parameters.astype(np.float64), "float64")
    x, dd = s.trace.y[0].astype(np.float64), s.d.astype(np.float64)
    index = net.layout.weight_index(k, i, j)
    with np.errstate(all="ignore"):  # diverged weights: the numbers say inf / nan, no warning
        numeric = float(numeric_gradient(net, x, dd, s.divergence, indices=[index])[index])
        analytic = float(s.grads.dW[k][i, j])
        rel = float(relative_error(np.array([analytic]), np.array([numeric]))[0])
    return {"numeric": numeric, "analytic": analytic, "relative": rel}
