"""pyqtgraph's Qt mirrors filled at first use: `workbench.app` calls `install()` before anything
imports pyqtgraph.

pyqtgraph keeps its own mirrors of QtCore, QtGui and QtWidgets (the empty packages
pyqtgraph.Qt.QtCore, …) and fills them as it is imported: `_copy_attrs` in pyqtgraph/Qt/__init__.py
copies every name of `dir(PySide6.QtCore)` by `getattr`. PySide6 creates its classes at their
first use (PYSIDE-2404), so the copy created all ~720 classes of the three modules, ~280 of which
the app never uses (Qt's own calls create ~440 by the first paint): ~0.05 s of the start-up. `install()`
imports pyqtgraph with the three mirrors made beforehand (the same empty packages) with a
module `__getattr__` (PEP 562) that fetches a name from PySide6 at its first use and keeps it, and
with `dir()` of the three PySide6 modules answering nothing to `_copy_attrs` alone (PySide6's own
answer is back once pyqtgraph is imported). Every name of a mirror is then the object the copy
would have put there; what pyqtgraph sets itself (QtGui.QFileSystemModel, …) stays its own.

Nothing is changed unless everything is as expected — pyqtgraph not imported yet and going to
choose PySide6, its `_copy_attrs` and empty mirrors as in pyqtgraph 0.14 (read from its sources: a
frozen bundle without them imports it as before), PySide6's lazy `__dir__` — and an import that
fails or leaves a mirror unused leaves the mirrors as pyqtgraph's own import would have.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types

MIRRORED = ("QtCore", "QtGui", "QtWidgets")
COPY_ATTRS = '''def _copy_attrs(src, dst):
    for o in dir(src):
        if not hasattr(dst, o):
            setattr(dst, o, getattr(src, o))
'''


def install() -> bool:
    """Import pyqtgraph with lazy mirrors; False (and nothing changed) if anything is not as expected."""
    if "pyqtgraph" in sys.modules:
        return all(is_lazy(sys.modules.get(f"pyqtgraph.Qt.{name}")) for name in MIRRORED)
    qt_dir = _pyqtgraph_qt_dir()
    if qt_dir is None or not pyside6_chosen(os.environ, sys.modules):
        return False
    import PySide6.QtCore
    import PySide6.QtGui
    import PySide6.QtWidgets  # noqa: F401 - the three sources

    sources = {name: sys.modules[f"PySide6.{name}"] for name in MIRRORED}
    dirs = {name: vars(source).get("__dir__") for name, source in sources.items()}
    if not all(callable(d) for d in dirs.values()) or not hasattr(sys, "_getframe"):
        return False
    mirrors = {name: _mirror(name, qt_dir, source) for name, source in sources.items()}
    sys.modules.update({m.__name__: m for m in mirrors.values()})
    imported = False
    try:
        for name, source in sources.items():
            source.__dir__ = _quiet_for_copy_attrs(dirs[name])
        import pyqtgraph.Qt

        imported = pyqtgraph.Qt.QT_LIB == "PySide6"
    finally:
        for name, source in sources.items():
            source.__dir__ = dirs[name]
        in_use = _settle(mirrors, keep=imported)
    return in_use


def is_lazy(module) -> bool:
    """Is `module` one of install()'s mirrors (still forwarding)?"""
    return hasattr(vars(module).get("__getattr__") if module is not None else None, "forwards_to")


def pyside6_chosen(environ, modules) -> bool:
    """Will pyqtgraph.Qt choose PySide6? (PYQTGRAPH_QT_LIB, else the first of PyQt6, PySide6 imported.)"""
    wanted = environ.get("PYQTGRAPH_QT_LIB")
    if wanted is not None:
        return wanted == "PySide6"
    return "PyQt6" not in modules


def _pyqtgraph_qt_dir() -> str | None:
    """pyqtgraph/Qt/ if its `_copy_attrs` and its empty mirror packages are as expected, else None."""
    try:
        spec = importlib.util.find_spec("pyqtgraph")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    qt_dir = os.path.join(list(spec.submodule_search_locations)[0], "Qt")
    try:
        with open(os.path.join(qt_dir, "__init__.py"), encoding="utf-8") as f:
            source = f.read()
        empty = all(os.path.getsize(os.path.join(qt_dir, n, "__init__.py")) == 0 for n in MIRRORED)
    except OSError:
        return None
    expected = COPY_ATTRS in source and source.count("_copy_attrs(PySide6.") == len(MIRRORED)
    return qt_dir if expected and empty else None


def _mirror(name: str, qt_dir: str, source: types.ModuleType) -> types.ModuleType:
    """The empty package pyqtgraph.Qt.`name`, fetching from `source` a name at its first use."""
    path = os.path.join(qt_dir, name, "__init__.py")
    spec = importlib.util.spec_from_file_location(f"pyqtgraph.Qt.{name}", path,
                                                  submodule_search_locations=[os.path.dirname(path)])
    mirror = importlib.util.module_from_spec(spec)

    def __getattr__(attr: str):
        value = getattr(source, attr)  # AttributeError as PySide6's own
        setattr(mirror, attr, value)
        return value

    def __dir__():
        return sorted(set(dir(source)) | set(vars(mirror)))

    __getattr__.forwards_to = source
    mirror.__getattr__ = __getattr__
    mirror.__dir__ = __dir__
    return mirror


def _quiet_for_copy_attrs(pyside_dir):
    """PySide6's module `__dir__`, answering nothing to pyqtgraph.Qt's `_copy_attrs` only."""

    def __dir__():
        caller = sys._getframe(1)
        if caller.f_code.co_name == "_copy_attrs" and caller.f_globals.get("__name__") == "pyqtgraph.Qt":
            return []
        return pyside_dir()

    return __dir__


def _settle(mirrors: dict, keep: bool) -> bool:
    """True if kept (`keep` and pyqtgraph.Qt uses the three); else each mirror is left as
    pyqtgraph's import would have: filled as `_copy_attrs` does if pyqtgraph.Qt uses it, else out of sys.modules (a later
    import makes its own)."""
    qt = sys.modules.get("pyqtgraph.Qt")
    used = {name: getattr(qt, name, None) is mirror for name, mirror in mirrors.items()}
    if keep and all(used.values()):
        return True
    for name, mirror in mirrors.items():
        source = vars(mirror).pop("__getattr__").forwards_to
        del mirror.__dir__
        if not used[name]:
            sys.modules.pop(mirror.__name__, None)
            continue
        for attr in dir(source):
            if not hasattr(mirror, attr):
                setattr(mirror, attr, getattr(source, attr))
    return False
