"""A safe expression language for typed objectives f(x) or f(x, y), parsed by recursive descent.

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "×" | "/" | "÷") unary)*
    unary      := ("-" | "+") unary | power
    power      := atom (("^" | "**") unary)?          right-associative: 2^3^2 = 2^9
    atom       := number | x | y | pi | e | function "(" expression ")" | "(" expression ")"
    function   := sin cos exp log tanh sqrt abs

The parser builds a tree of plain tuples; nothing is ever handed to `eval`. Errors name the
1-based character position: "unexpected ')' at position 7". Trees evaluate on NumPy arrays
(any shape) and differentiate symbolically (`derivative`), so gradients and Hessians are exact.
"""

from __future__ import annotations

import math
import re

import numpy as np

from engine.core.errors import ConfigurationError

FUNCTIONS = ("sin", "cos", "exp", "log", "tanh", "sqrt", "abs")
VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_LENGTH = 500
_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/^()×÷·]))")


class ExpressionError(ConfigurationError):
    """A typed expression that cannot be parsed; the message names the position."""


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, 1-based position) per token, then an end marker."""
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            at = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ExpressionError(f"unexpected {text[at]!r} at position {at + 1}")
        kind = "number" if m.group(1) else "name" if m.group(2) else "op"
        start = m.start(m.lastindex)
        out.append((kind, m.group(m.lastindex), start + 1))
        pos = m.end()
    out.append(("end", "", len(text) + 1))
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens, self.i = _tokens(text), 0

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, token) -> ExpressionError:
        kind, text, pos = token
        if kind == "end":
            return ExpressionError(f"unexpected end of the expression at position {pos}")
        return ExpressionError(f"unexpected {text!r} at position {pos}")

    def expression(self):
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            node = (op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "×", "·", "/", "÷"):
            op = "/" if self.take()[1] in ("/", "÷") else "*"
            node = (op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[0] == "op" and self.peek()[1] in ("-", "+"):
            op = self.take()[1]
            operand = self.unary()
            return ("neg", operand) if op == "-" else operand
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek()[0] == "op" and self.peek()[1] in ("^", "**"):
            self.take()
            return ("^", base, self.unary())
        return base

    def atom(self):
        token = self.take()
        kind, text, _ = token
        if kind == "number":
            return ("num", float(text))
        if kind == "name":
            if text in VARIABLES:
                return ("var", text)
            if text in CONSTANTS:
                return ("num", CONSTANTS[text])
            if text in FUNCTIONS:
                if self.peek()[1] != "(":
                    raise self.fail(self.peek())
                self.take()
                inner = self.expression()
                self.expect(")")
                return ("call", text, inner)
            raise ExpressionError(f"unknown name {text!r} at position {token[2]}; use x, y, pi, e or "
                                  f"{', '.join(FUNCTIONS)}")
        if text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        raise self.fail(token)

    def expect(self, text: str) -> None:
        token = self.take()
        if token[1] != text or token[0] != "op":
            raise self.fail(token) if token[0] != "end" else ExpressionError(
                f"missing {text!r} at position {token[2]}")


def parse(text: str):
    """The tree of an expression; ExpressionError with the position if it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    parser = _Parser(text)
    tree = parser.expression()
    if parser.peek()[0] != "end":
        raise parser.fail(parser.peek())
    return tree


def variables(tree) -> set[str]:
    """The variables a tree uses."""
    kind = tree[0]
    if kind == "var":
        return {tree[1]}
    if kind == "num":
        return set()
    return set().union(*(variables(t) for t in tree[1:] if isinstance(t, tuple)))


_NUMPY = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "log": np.log, "tanh": np.tanh, "sqrt": np.sqrt,
          "abs": np.abs, "sign": np.sign}


def evaluate(tree, env: dict):
    """The tree's value on NumPy arrays env = {"x": …, "y": …} (invalid points give nan/inf, no warning)."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "var":
        return env[tree[1]]
    with np.errstate(all="ignore"):
        if kind == "neg":
            return -evaluate(tree[1], env)
        if kind == "call":
            return _NUMPY[tree[1]](evaluate(tree[2], env))
        a, b = evaluate(tree[1], env), evaluate(tree[2], env)
        if kind == "+":
            return a + b
        if kind == "-":
            return a - b
        if kind == "*":
            return a * b
        if kind == "/":
            return np.divide(a, b)
        return np.power(np.asarray(a, dtype=float), b)
