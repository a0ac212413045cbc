"""The designer's tooltips: a unit's bias, z and y of the traced sample; an edge's weight and gradient (lecture notation)."""

from __future__ import annotations

from engine.core.network import Network

from .items import sub


def _value(vector, index) -> str:
    return "—" if vector is None else f"{vector[index]:+.4g}"


def unit_tooltip(net: Network, feature_names, parameters, gradient, trace, sample: int, c: int, j: int) -> str:
    """Unit j of column c (c = 0: input x_j): its bias and gradient, and z, y of sample `sample` when traced."""
    if c == 0:
        name = feature_names[j] if j < len(feature_names) else ""
        text = f"input x{sub(j + 1)} = y{sub(j + 1)}<sup>(0)</sup> {name}"
    else:
        where = net.layout.bias_index(c, j)
        text = (f"unit {j + 1} of layer {c} ({net.activation_names[c - 1]})<br>"
                f"b{sub(j + 1)}<sup>({c})</sup> = {_value(parameters, where)}")
        if gradient is not None:
            text += f"<br>∂Div/∂b{sub(j + 1)}<sup>({c})</sup> = {_value(gradient, where)}"
    tr = trace
    if tr is not None and len(tr.y) == net.N + 1 and tr.y[c].shape[1] == net.sizes[c] \
            and 0 <= sample < tr.y[c].shape[0] and (c == 0 or tr.computed >= c):
        if c > 0:
            text += f"<br>z{sub(j + 1)}<sup>({c})</sup> = {tr.z[c][sample, j]:+.4g}"
        text += f"<br>y{sub(j + 1)}<sup>({c})</sup> = {tr.y[c][sample, j]:+.4g} (sample {sample})"
    return text


def edge_tooltip(net: Network, parameters, gradient, k: int, i: int, j: int) -> str:
    """Edge w_ij^(k): its value and ∂Div/∂w (shown 1-based)."""
    where = net.layout.weight_index(k, i, j)
    s = f"<sub>{i + 1},{j + 1}</sub>"
    return (f"w{s}<sup>({k})</sup> = {_value(parameters, where)}<br>"
            f"∂Div/∂w{s}<sup>({k})</sup> = {_value(gradient, where)}<br>"
            f"<small>from unit {i + 1} of layer {k - 1} to unit {j + 1} of layer {k}</small>")
