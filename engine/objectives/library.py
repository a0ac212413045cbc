"""The built-in objectives of function mode (the lecture's examples), as expressions.

1-D: x² (minimum), −x² (maximum), x³ (inflection: f'' = 0), x⁴ (a minimum with f'' = 0),
the double well (x² − 1)², sin x + x/3 (several minima). 2-D: the quadratic bowl
½(u² + κ v²) in coordinates (u, v) rotated by an angle, the saddle x² − y², the monkey
saddle x³ − 3xy², Rosenbrock (1 − x)² + 100(y − x²)², Himmelblau (four minima) and a bumpy
non-convex surface.
"""

from __future__ import annotations

import math

from engine.core.errors import ConfigurationError
from engine.objectives.objective import Objective, objective

SPECS = {
    "square": ("x^2", (-2, 2, 0, 0), (1.5,)),
    "negative_square": ("-x^2", (-2, 2, 0, 0), (0.5,)),
    "cube": ("x^3", (-2, 2, 0, 0), (1.5,)),
    "quartic": ("x^4", (-2, 2, 0, 0), (1.5,)),
    "double_well": ("(x^2 - 1)^2", (-2, 2, 0, 0), (0.2,)),
    "sine_slope": ("sin(x) + x/3", (-10, 10, 0, 0), (4.0,)),
    "saddle": ("x^2 - y^2", (-2, 2, -2, 2), (1.5, 0.01)),
    "monkey_saddle": ("x^3 - 3*x*y^2", (-2, 2, -2, 2), (1.0, 0.5)),
    "rosenbrock": ("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2, -1, 3), (-1.5, 2.0)),
    "himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (-5, 5, -5, 5), (0.0, 0.0)),
    "bumpy": ("0.1*(x^2 + y^2) + sin(2*x)*cos(2*y)", (-4, 4, -4, 4), (2.5, 2.0)),
}


def bowl(kappa: float = 10.0, angle: float = 0.0) -> Objective:
    """½(u² + κ v²), u = cos φ x + sin φ y, v = −sin φ x + cos φ y: eigenvalues 1 and κ (condition number κ)."""
    if not (math.isfinite(kappa) and kappa >= 1.0):
        raise ConfigurationError(f"the condition number κ must be ≥ 1, got {kappa}")
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    text = f"0.5*(({c!r}*x + {s!r}*y)^2 + {float(kappa)!r}*({-s!r}*x + {c!r}*y)^2)"
    return objective(text, f"bowl (κ = {kappa:g}, {angle:g}°)", view=(-2, 2, -2, 2), start=(1.5, 1.0))


def builtin(name: str, **parameters) -> Objective:
    """A built-in objective by name (`bowl` takes kappa and angle)."""
    if name == "bowl":
        return bowl(**parameters)
    if name not in SPECS:
        raise ConfigurationError(f"unknown objective {name!r}; choose one of bowl, {', '.join(SPECS)}")
    if parameters:
        raise ConfigurationError(f"objective {name!r} takes no parameters")
    text, view, start = SPECS[name]
    return objective(text, name, view=view, start=start)
