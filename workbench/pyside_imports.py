"""PySide6's import hook made cheap: imported by `workbench.app` before anything else of the GUI.

PySide6 replaces `builtins.__import__` (its opt-in `from __feature__ import snake_case` support,
PYSIDE-2029) and, after every import, asks whether the new module's source mentions "PySide6";
it reads it with `inspect.getsource` (linecache: decoding and splitting the whole file into
lines). At start-up ~500 modules (NumPy, pyqtgraph, the engine, the window) are imported, and
that reading was ~0.1–0.15 s of the time to the first paint of a wheel install (a frozen bundle
has no sources and skips it). `install()` keeps PySide6's answer and its fallbacks, and reads
the file as bytes instead. The app uses no `__feature__`; nothing else changes.
"""

from __future__ import annotations

import sys


def install() -> bool:
    """Swap in the byte search (once); False if this PySide6 has no such hook (nothing to do)."""
    import shiboken6  # noqa: F401 - loads shibokensupport, which holds the hook

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "reads_bytes", False):
        return original is not None

    def _mod_uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as f:
                    return b"PySide6" in f.read()
            except OSError:
                pass
        return original(module)  # no source file (builtins, extensions, frozen): PySide6's own answer

    _mod_uses_pyside.reads_bytes = True
    feature._mod_uses_pyside = _mod_uses_pyside
    return True


install()
