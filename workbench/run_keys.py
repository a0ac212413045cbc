"""Space, → and Shift+→ drive training whatever has focus in the window.

A focused spin box would otherwise take these keys (a space blanks its text, → moves its
cursor). `RunKeys`, an event filter on the focus widget (whichever it is), sees the
shortcut-override query first: in a spin box it commits the typed value (interpretText, so nothing typed is lost) and lets the
window's action fire instead. Free-text fields (a line edit outside a spin box, an editable text
box) keep their keys: there a space is a character. A widget with a `run_key(key, modifiers)`
method (the function dock's view) takes the keys for itself while the focus is inside it, and
wherever the focus is while one of `RunKeys.claims` (callables returning such a widget or None)
names it: the function dock claims them while its tab is in front of Run controls
(workbench.panels.function_play). With no focus widget at all the window itself is filtered.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

#: (key, modifiers) of the run actions: Run/Pause, Step, Step phase
RUN_KEYS = {(Qt.Key_Space, Qt.NoModifier), (Qt.Key_Right, Qt.NoModifier), (Qt.Key_Right, Qt.ShiftModifier)}


def spin_box_of(widget: QWidget | None) -> QAbstractSpinBox | None:
    """The spin box `widget` is (or whose line edit it is), else None."""
    while widget is not None:
        if isinstance(widget, QAbstractSpinBox):
            return widget
        if not isinstance(widget, QLineEdit):
            return None
        widget = widget.parentWidget()
    return None


def types_text(widget: QWidget) -> bool:
    """A free-text field, where Space and → are editing keys."""
    if isinstance(widget, QLineEdit):
        return True
    return isinstance(widget, (QPlainTextEdit, QTextEdit)) and not widget.isReadOnly()


def key_owner(widget: QWidget | None):
    """The nearest widget from `widget` up that handles the run keys itself (has `run_key`), else None."""
    while widget is not None:
        if hasattr(widget, "run_key"):
            return widget
        widget = widget.parentWidget()
    return None


class RunKeys(QObject):
    """Application event filter: the run keys reach `window`'s actions from any focused widget."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._watched = None  # the focus widget it filters (the window while none has focus)
        #: () -> a widget with `run_key` that takes the keys wherever the focus is, or None
        self.claims: list = []

    # The shortcut-override query goes to the focus widget first: filtering that widget alone
    # sees every run key, where an application filter would run Python for every event of the
    # application (each paint, timer, layout…), competing with the worker for the GIL.
    def install(self) -> None:
        """Filter the focus widget, now and whenever focus moves."""
        app = QApplication.instance()
        app.focusChanged.connect(self._focus_changed)
        self._focus_changed(None, app.focusWidget())

    def uninstall(self) -> None:
        try:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)
        except (RuntimeError, TypeError):  # never installed
            pass
        self._watch(None)

    def _focus_changed(self, _old, new) -> None:
        self._watch(new if new is not None else self.window)

    def _watch(self, widget) -> None:
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
        self._watched = widget
        if widget is not None:
            widget.installEventFilter(self)

    def owner(self, widget):
        """Who takes the run keys pressed in `widget`: the `run_key` widget the focus is in, else
        one that claims them, else None (the window's actions: the network)."""
        owner = key_owner(widget) if isinstance(widget, QWidget) else None
        for claim in self.claims:
            if owner is not None:
                break
            owner = claim()
        return owner

    def _inside(self, obj) -> bool:
        """`obj` is a widget of the window (floating docks included)."""
        widget = obj if isinstance(obj, QWidget) else None
        while widget is not None and widget is not self.window:
            widget = widget.parentWidget()
        return widget is not None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() not in (QEvent.ShortcutOverride, QEvent.KeyPress) or not self._inside(obj):
            return False
        mods = event.modifiers() & ~Qt.KeypadModifier
        if (event.key(), mods) not in RUN_KEYS:
            return False
        spin = spin_box_of(obj)
        owner = self.owner(obj)
        if owner is not None and (spin is not None or not types_text(obj)):
            if event.type() == QEvent.ShortcutOverride:
                if spin is not None:
                    spin.interpretText()
                event.accept()  # no window action: the key press comes to the owner instead
            else:
                owner.run_key(event.key(), mods)
            return True
        if event.type() == QEvent.KeyPress:
            return False
        if spin is not None:
            spin.interpretText()  # commit what was typed; the action then fires
            return True  # the override is not accepted: the shortcut map triggers the action
        return False if types_text(obj) else True
