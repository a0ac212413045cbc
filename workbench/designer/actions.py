"""The network view's editing commands: keys (+ − Insert Delete A ← →) and the activation menu.

A mixin of `NetworkView`: it edits through `self.editor` (NetworkEditor) and moves the view's selection.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from engine.core import activations as activations_module
from engine.data.features import FEATURES


class EditingActions:
    """Keyboard actions and the activation menu of the selected layer."""

    open_menu: QMenu | None = None  # the activation menu last popped up

    def make_actions(self) -> None:
        """The keyboard actions, added to the view (shortcuts while it has focus)."""
        def act(text, keys, slot):
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.action_more_units = act("Add a unit", ["+", "="], lambda: self._units(+1))
        self.action_fewer_units = act("Remove a unit", ["-"], lambda: self._units(-1))
        self.action_layer_after = act("Add layer after", ["Insert", "Ctrl+Right"], lambda: self.add_layer_beside(after=True))
        self.action_layer_before = act("Add layer before", ["Shift+Insert", "Ctrl+Left"],
                                       lambda: self.add_layer_beside(after=False))
        self.action_remove_layer = act("Remove layer", ["Delete", "Backspace"], self.remove_selected_layer)
        self.action_activation = act("Choose activation…", ["A"], self._activation_popup)
        self.action_next_layer = act("Next layer", ["Right"], lambda: self._move_selection(+1))
        self.action_previous_layer = act("Previous layer", ["Left"], lambda: self._move_selection(-1))

    def _units(self, delta: int) -> None:
        c = self.selected_layer
        if c is None:
            self.editor.editRefused.emit("select a layer first (click its header)")
        elif c == 0:
            self.editor.editRefused.emit("the inputs follow the dataset's features")
        else:
            self.editor.change_units(c, delta)

    def add_layer_beside(self, after: bool) -> None:
        """A hidden layer after (or before) the selected layer (the output layer when none is selected)."""
        c = self.selected_layer if self.selected_layer is not None else self.network.N
        position = c + 1 if after else c
        position = min(max(position, 1), self.network.N)  # nothing goes before the inputs or after the output
        if self.editor.add_layer(position):
            self.select_layer(position)

    def remove_selected_layer(self) -> None:
        """Remove the selected hidden layer (refused, with the reason, for the inputs and the output)."""
        c = self.selected_layer
        if c is None or not 1 <= c < self.network.N:
            self.editor.editRefused.emit("select a hidden layer to remove (click its header)")
        elif self.editor.remove_layer(c):
            self.select_layer(min(c, self.network.N - 1) if self.network.N > 1 else None)

    def _move_selection(self, step: int) -> None:
        c = 0 if self.selected_layer is None else self.selected_layer + step
        self.select_layer(min(max(c, 0), self.network.N))

    def _activation_popup(self) -> None:
        if self.selected_layer:
            self.popup_activation_menu(self.selected_layer)

    def activation_menu(self, k: int) -> QMenu:
        """A menu of the activations layer k may have (softmax only on the output layer)."""
        menu = QMenu(self)
        current = self.network.activation_names[k - 1]
        for name, act in activations_module.ACTIVATIONS.items():
            if act.is_vector and k < self.network.N:
                continue
            a = menu.addAction(name)
            a.setCheckable(True)
            a.setChecked(name == current)
            a.setToolTip(getattr(act, "formula", name))
            a.triggered.connect(lambda _=False, n=name: self.editor.set_activation(k, n))
        menu.setToolTipsVisible(True)
        return menu

    def feature_menu(self) -> QMenu:
        """A checkable menu of the derived input features the data offers."""
        menu = QMenu(self)
        ed = self.editor
        for name in ed.available_features:
            a = menu.addAction(FEATURES[name].label)
            a.setCheckable(True)
            a.setChecked(name in ed.input_features)
            a.setToolTip(f"{FEATURES[name].label} as an extra input y^(0) (Ctrl+Z undoes)")
            a.triggered.connect(lambda _=False, n=name: ed.toggle_feature(n))
        menu.setToolTipsVisible(True)
        return menu

    def popup_feature_menu(self) -> QMenu:
        """Open (without blocking) the feature menu under the input column's header."""
        if self.open_menu is not None:
            self.open_menu.close()
            self.open_menu.deleteLater()
        self.open_menu = self.feature_menu()
        item = self.header_button(0, "features")
        self.open_menu.popup(self.viewport().mapToGlobal(self.mapFromScene(item.sceneBoundingRect().bottomLeft())))
        return self.open_menu

    def popup_activation_menu(self, k: int) -> QMenu:
        """Open (without blocking) the activation menu under layer k's header."""
        self.select_layer(k)
        if self.open_menu is not None:
            self.open_menu.close()
            self.open_menu.deleteLater()
        self.open_menu = self.activation_menu(k)
        item = self.header_button(k, "activation")
        self.open_menu.popup(self.viewport().mapToGlobal(self.mapFromScene(item.sceneBoundingRect().bottomLeft())))
        return self.open_menu
