"""PySide6's import hook made cheap (workbench.pyside_imports): the GUI path installs it, and it
answers as PySide6's own check does (does the module's source mention PySide6?)."""

from __future__ import annotations

import inspect
import sys

import workbench.app  # noqa: F401 - installs it
from workbench import pyside_imports


def _pyside_answer(module) -> bool:
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


def test_the_gui_path_installs_the_byte_search():
    hook = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert getattr(hook, "reads_bytes", False)
    assert pyside_imports.install()  # once: installing again keeps it
    assert sys.modules["shibokensupport.feature"]._mod_uses_pyside is hook


def test_it_answers_as_pyside6_does():
    hook = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    prefixes = ("workbench", "engine", "json", "sys", "numpy.linalg")
    modules = [m for name, m in sorted(sys.modules.items()) if name.startswith(prefixes)]
    answers = {m.__name__: hook(m) for m in modules}
    assert answers == {m.__name__: _pyside_answer(m) for m in modules}
    assert answers["workbench.app"] and not answers["engine.run"] and not answers["sys"]
