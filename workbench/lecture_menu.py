"""File ▸ Lecture experiments: the shipped experiments of the lecture's optimisation half, one click each.

Function-mode experiments (resources/objectives/, engine.objectives.experiment) open in the
function dock, which is shown and raised; network experiments (resources/experiments/) open
through the normal File ▸ Open path, so unsaved changes are asked about first.
"""

from __future__ import annotations

from engine.core.errors import WorkbenchError
from engine.data.resources import resource_dir
from engine.objectives.experiment import examples, load

from .controls import make_action

#: (what the menu says, "function" or "network", the shipped file's stem), in lecture order
LECTURE_EXPERIMENTS = (
    ("Saddle escape on x² − y²", "function", "saddle_escape"),
    ("κ = 50 bowl: SGD zig-zags, momentum does not", "function", "bowl_sgd_vs_momentum"),
    ("κ = 50 bowl: η just below / above 2/λ_max", "function", "bowl_step_size"),
    ("Rosenbrock: SGD against Adam", "function", "rosenbrock_sgd_vs_adam"),
    ("Network at a symmetric saddle (negative Hessian eigenvalues)", "network", "symmetric_saddle"),
)


def experiment_path(kind: str, stem: str):
    return examples()[stem] if kind == "function" else resource_dir("experiments") / f"{stem}.json"


def install(window, file_menu):
    """The submenu, after File ▸ Open recent; returns it."""
    menu = file_menu.addMenu("&Lecture experiments")
    for text, kind, stem in LECTURE_EXPERIMENTS:
        where = "the function dock" if kind == "function" else "the network (asks about unsaved changes)"
        action = make_action(window, text, None, f"Open {stem}.json in {where}",
                             lambda _=False, k=kind, s=stem: open_lecture_experiment(window, k, s))
        menu.addAction(action)
    return menu


def open_lecture_experiment(window, kind: str, stem: str) -> bool:
    """Open one shipped experiment; a fault is one message, nothing open is lost."""
    path = experiment_path(kind, stem)
    if kind == "network":
        return window.open_path(str(path))
    try:
        experiment = load(path)
    except (WorkbenchError, OSError, ValueError, KeyError) as error:
        window.show_error(f"Could not open {path.name}: {error}")
        return False
    panel = window.panels["FunctionDock"]
    panel.open_experiment(experiment)
    panel.dock.show()
    panel.dock.raise_()
    return True
