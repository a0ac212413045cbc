"""Symbolic derivatives of expression trees, with constant folding so the trees stay small.

    (a ± b)' = a' ± b'     (ab)' = a'b + ab'     (a/b)' = (a'b − ab') / b²
    (a^c)' = c a^(c−1) a'  (constant c)          (a^b)' = a^b (b' log a + b a'/a)
    sin' = cos, cos' = −sin, exp' = exp, log' = 1/a, tanh' = 1 − tanh², sqrt' = 1/(2 sqrt), abs' = sign
"""

from __future__ import annotations

ZERO, ONE = ("num", 0.0), ("num", 1.0)


def _num(tree) -> float | None:
    return tree[1] if tree[0] == "num" else None


def add(a, b):
    if _num(a) == 0.0:
        return b
    if _num(b) == 0.0:
        return a
    if _num(a) is not None and _num(b) is not None:
        return ("num", a[1] + b[1])
    return ("+", a, b)


def sub(a, b):
    if _num(b) == 0.0:
        return a
    if _num(a) == 0.0:
        return neg(b)
    if _num(a) is not None and _num(b) is not None:
        return ("num", a[1] - b[1])
    return ("-", a, b)


def neg(a):
    if _num(a) is not None:
        return ("num", -a[1])
    return a[1] if a[0] == "neg" else ("neg", a)


def mul(a, b):
    if _num(a) == 0.0 or _num(b) == 0.0:
        return ZERO
    if _num(a) == 1.0:
        return b
    if _num(b) == 1.0:
        return a
    if _num(a) is not None and _num(b) is not None:
        return ("num", a[1] * b[1])
    return ("*", a, b)


def div(a, b):
    if _num(a) == 0.0:
        return ZERO
    if _num(b) == 1.0:
        return a
    return ("/", a, b)


def power(a, b):
    if _num(b) == 1.0:
        return a
    if _num(b) == 0.0:
        return ONE
    return ("^", a, b)


def call(name, a):
    return ("call", name, a)


def derivative(tree, var: str):
    """∂tree/∂var as a tree."""
    kind = tree[0]
    if kind == "num":
        return ZERO
    if kind == "var":
        return ONE if tree[1] == var else ZERO
    if kind == "neg":
        return neg(derivative(tree[1], var))
    if kind == "call":
        return mul(_outer(tree[1], tree[2], tree), derivative(tree[2], var))
    a, b = tree[1], tree[2]
    da, db = derivative(a, var), derivative(b, var)
    if kind == "+":
        return add(da, db)
    if kind == "-":
        return sub(da, db)
    if kind == "*":
        return add(mul(da, b), mul(a, db))
    if kind == "/":
        return div(sub(mul(da, b), mul(a, db)), power(b, ("num", 2.0)))
    if _num(b) is not None:  # a^c
        return mul(mul(b, power(a, ("num", b[1] - 1.0))), da)
    return mul(tree, add(mul(db, call("log", a)), div(mul(b, da), a)))


def _outer(name: str, a, whole):
    """f'(a) for f = name."""
    if name == "sin":
        return call("cos", a)
    if name == "cos":
        return neg(call("sin", a))
    if name == "exp":
        return whole
    if name == "log":
        return div(ONE, a)
    if name == "tanh":
        return sub(ONE, power(whole, ("num", 2.0)))
    if name == "sqrt":
        return div(ONE, mul(("num", 2.0), whole))
    if name == "abs":
        return call("sign", a)
    if name == "sign":
        return ZERO
    raise ValueError(f"no derivative for {name!r}")
