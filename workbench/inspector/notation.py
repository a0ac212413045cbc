"""Rich-text symbols in the lecture's notation, and number formatting shared by the views.

Arguments are the engine's indices: units i, j count from 0 (W[i, j] = w_ij^(k)), layers k
from 1. On screen units are numbered from 1, as in the lecture and the network designer:
an integer unit index is shown + 1 (`unit`); a letter (l, m) is shown as is.
"""

from __future__ import annotations

import math
import numbers

GREY = "#8a8a8a"
PARTIAL = "∂"


def num(value: float, digits: int = 6) -> str:
    """A number for display: `digits` significant digits, a true minus sign."""
    if value is None:
        return "—"
    value = float(value)
    if math.isnan(value):
        return "NaN"
    text = f"{value + 0.0:.{digits}g}"  # + 0.0 turns −0 into 0
    return text.replace("-", "−")


def parse_num(text: str) -> float:
    """Inverse of `num` (for tests and copy/paste)."""
    return float(text.replace("−", "-"))


def unit(n):
    """An engine unit index (from 0) as shown on screen (from 1); letters pass through."""
    return n + 1 if isinstance(n, numbers.Integral) and not isinstance(n, bool) else n


def sym(base: str, sub: str = "", k=None) -> str:
    """base_sub^(k) as HTML, e.g. sym('w', 'ij', 2) → w<sub>ij</sub><sup>(2)</sup>; an integer
    subscript is an engine unit index and is shown from 1 (sym('y', 0, 1) → y_1^(1))."""
    sub = unit(sub)
    out = f"<i>{base}</i>"
    if sub != "":
        out += f"<sub>{sub}</sub>"
    if k is not None:
        out += f"<sup>({k})</sup>"
    return out


def w(i, j, k) -> str:
    """w_ij^(k) for engine indices i, j (shown from 1, always with a comma: w_3,5 — unambiguous past
    9 units, as the undo texts write it); letters are written together (w_ij)."""
    i, j = unit(i), unit(j)
    return sym("w", f"{i},{j}" if isinstance(i, int) or isinstance(j, int) else f"{i}{j}", k)


def source(input_names, i, k) -> str:
    """Where weight w_ij^(k) comes from: unit i of layer k − 1, or (k = 1) the input by its name (x₁²)."""
    if k == 1 and 0 <= i < len(input_names):
        return f"input {input_names[i]} (unit {i + 1} of layer 0)"
    return f"unit {unit(i)} of layer {k - 1}"


def d(of: str) -> str:
    """∂Div/∂(of)."""
    return f"{PARTIAL}Div/\u2060{PARTIAL}{of}"  # word joiner: no line break after the slash


def grey(html: str) -> str:
    return f'<span style="color:{GREY}">{html}</span>'


def factor(value: float, digits: int = 6) -> str:
    """A number as a factor of a product: negatives in parentheses, 0.5 · (−0.2)."""
    text = num(value, digits)
    return f"({text})" if text.startswith("−") else text


def signed_sum(values, digits: int = 4) -> str:
    """a + b − c: the terms of a sum with their own signs."""
    out = ""
    for n, v in enumerate(values):
        text = num(v, digits)
        if n == 0:
            out = text
        elif text.startswith("−"):
            out += " − " + text[1:]
        else:
            out += " + " + text
    return out


#: ∂Div/∂y_j^(k) = Σ_l … shows at most this many terms, then "+ … (n more)"
MAX_TERMS = 4


def dy_formula(k, j, N) -> str:
    """The chain-rule row for ∂Div/∂y_j^(k): Div′ at the output layer, Σ_l w_jl^(k+1) ∂Div/∂z_l^(k+1) below."""
    if k == N:
        return f"= Div′({sym('y')}, {sym('d')})<sub>{j}</sub> (output layer)"
    return f"= Σ<sub>l</sub> {w(j, 'l', k + 1)} · {d(sym('z', 'l', k + 1))}"


def mean_formula(i, j, k) -> str:
    """∂Div/∂w_ij^(k) of the batch: the mean over t of y_i^(k−1)[t] · ∂Div/∂z_j^(k)[t]."""
    return f"= (1/B) Σ<sub>t</sub> {sym('y', i, k - 1)}[t] · {d(sym('z', j, k))}[t]"


def sum_text(terms) -> str:
    """Σ of a·b products, the first MAX_TERMS written out, the rest counted."""
    shown = [f"{factor(a, 4)} · {factor(b, 4)}" for _, a, b in terms[:MAX_TERMS]]
    rest = len(terms) - MAX_TERMS
    text = "= " + " + ".join(shown)
    if rest > 0:
        text += f" + … ({rest} more terms)"
    return text


def plural(n: int, noun: str) -> str:
    """"1 update", "2 updates", "0 updates"."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
