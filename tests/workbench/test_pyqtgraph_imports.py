"""pyqtgraph's Qt mirrors filled at first use (workbench.pyqtgraph_imports): the GUI path installs
them, they create only the PySide6 classes that are used, every name is the object pyqtgraph's own
copy would have put there, and anything unexpected leaves pyqtgraph imported as it always was.

pyqtgraph is imported once per process, so each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

from workbench import pyqtgraph_imports

ROOT = Path(__file__).resolve().parent.parent.parent

#: prints, as JSON, how the three mirrors stand once pyqtgraph is imported
REPORT = """
import json, sys, types
import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
import pyqtgraph.Qt as qt
from workbench import pyqtgraph_imports as m
sources = [sys.modules["PySide6." + n] for n in m.MIRRORED]
created = sum(len(vars(s)) for s in sources)  # PySide6 adds a class to its module as it creates it
names = sum(len(dir(s)) for s in sources)
mirrors = [getattr(qt, n) for n in m.MIRRORED]
print(json.dumps({
    "installed": INSTALLED, "lazy": [m.is_lazy(x) for x in mirrors], "created": created, "names": names,
    "pyside_dir": [type(vars(s)["__dir__"]).__name__ for s in sources],
    "missing": [sorted(a for a in dir(s) if not hasattr(x, a)) for s, x in zip(sources, mirrors)],
    "not_pyside": [sorted(a for a in dir(s) if getattr(x, a) is not getattr(s, a)) for s, x in zip(sources, mirrors)],
    "own": [sorted(a for a in vars(x) if not a.startswith("_") and not hasattr(s, a)) for s, x in zip(sources, mirrors)],
}))
"""


def _report(before: str, installed: str = "None") -> dict:
    code = before + REPORT.replace("INSTALLED", installed)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=_env())
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.splitlines()[-1])


def _env() -> dict:
    import os

    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


def _as_pyqtgraph_makes_them(report: dict) -> None:
    """Every name of PySide6's modules is there; the same object but where pyqtgraph sets its own."""
    plain = _report("")
    assert not any(plain["lazy"]) and plain["created"] >= plain["names"] - 10  # the copy creates them all
    assert report["missing"] == plain["missing"] == [[], [], []]
    assert report["not_pyside"] == plain["not_pyside"]
    assert all(a.startswith("__") for names in plain["not_pyside"] for a in names)  # a module's own __name__, …
    assert plain["own"][1] == ["QFileSystemModel"]  # what pyqtgraph sets itself (PySide6 has it in QtWidgets)
    assert report["own"] == plain["own"]
    assert report["pyside_dir"] == plain["pyside_dir"] == ["partial"] * 3  # PySide6's lazy dir() is back


def test_the_gui_path_imports_pyqtgraph_with_mirrors_that_create_only_what_is_used():
    report = _report("import workbench.app\n", installed="m.install()")
    assert report["installed"] and all(report["lazy"])
    assert report["created"] < report["names"] / 2  # ~200 of ~720: the rest is created at its first use
    _as_pyqtgraph_makes_them(report)


def test_a_pyqtgraph_not_as_expected_is_imported_as_it_always_was():
    before = "import workbench.pyqtgraph_imports as p; p.COPY_ATTRS = 'def _copy_attrs(other):'\nimport workbench.app\n"
    report = _report(before, installed="m.install()")
    assert not report["installed"] and not any(report["lazy"])
    _as_pyqtgraph_makes_them(report)


def test_a_failed_import_leaves_nothing_behind_and_pyqtgraph_imports_as_usual():
    before = """
import sys
from workbench import pyqtgraph_imports as p
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == "pyqtgraph.Qt.internals":
            raise ImportError("refused for the test")
sys.meta_path.insert(0, Refuse())
try:
    p.install()
except ImportError as e:
    assert "refused" in str(e)
else:
    raise SystemExit("no ImportError")
assert "pyqtgraph.Qt" not in sys.modules and "pyqtgraph.Qt.QtCore" not in sys.modules
del sys.meta_path[0]
"""
    report = _report(before)
    assert not any(report["lazy"])
    _as_pyqtgraph_makes_them(report)


def test_pyqtgraph_is_expected_to_choose_pyside6_unless_told_or_pyqt6_is_there():
    assert pyqtgraph_imports.pyside6_chosen({}, {"PySide6": 1})
    assert pyqtgraph_imports.pyside6_chosen({"PYQTGRAPH_QT_LIB": "PySide6"}, {"PyQt6": 1})
    assert not pyqtgraph_imports.pyside6_chosen({"PYQTGRAPH_QT_LIB": "PyQt5"}, {})
    assert not pyqtgraph_imports.pyside6_chosen({}, {"PyQt6": 1, "PySide6": 1})


def _copy_attrs(quiet):
    return quiet()


def test_pyside6_dir_answers_nothing_to_pyqtgraphs_copy_only():
    quiet = pyqtgraph_imports._quiet_for_copy_attrs(lambda: ["QTimer"])
    in_pyqtgraph = types.FunctionType(_copy_attrs.__code__, {"__name__": "pyqtgraph.Qt"})
    elsewhere = types.FunctionType(_copy_attrs.__code__, {"__name__": "somewhere.else"})
    assert in_pyqtgraph(quiet) == [] and elsewhere(quiet) == ["QTimer"] and _copy_attrs(quiet) == ["QTimer"]
