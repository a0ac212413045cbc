"""DesignerPanel: the network view with a toolbar, a legend and a note line."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar, QVBoxLayout, QWidget

from engine.core.network import Network

from .maps import MAX_MAP_UNITS
from .model import NetworkEditor
from .view import NEGATIVE, POSITIVE, NetworkView

#: the unit-maps toggle's key (window-wide; no other action of the window uses it)
MAPS_KEY = "Ctrl+M"


class DesignerPanel(QWidget):
    """Toolbar (Add layer, Remove layer, Undo, Redo), the NetworkView, and a note line.

    The note line explains an unusual output pair (e.g. softmax + L2) and shows refused edits.
    """

    def __init__(self, network: Network, feature_names=None, output_names=None, problem: str = "binary",
                 init: str = "xavier_uniform", seed: int = 0, divergence: str | None = None, parent=None):
        super().__init__(parent)
        self.editor = NetworkEditor(network, feature_names, output_names, problem, init, seed, divergence, self)
        self.view = NetworkView(self.editor, self)
        self.toolbar = QToolBar("Network", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.add_action = self.toolbar.addAction("Add layer", lambda: self.view.add_layer_beside(after=True))
        self.add_action.setToolTip("Add a hidden layer after the selected layer (Insert)")
        self.remove_action = self.toolbar.addAction("Remove layer", self.view.remove_selected_layer)
        self.remove_action.setToolTip("Remove the selected hidden layer (Delete)")
        self.toolbar.addSeparator()
        self.maps_action = self.toolbar.addAction("Unit maps")
        self.maps_action.setCheckable(True)
        self.maps_action.setShortcut(QKeySequence(MAPS_KEY))
        self.maps_action.setShortcutContext(Qt.WindowShortcut)
        self.maps_action.setChecked(self.view.maps_wanted)
        self.maps_action.toggled.connect(lambda on: self.view.set_maps(wanted=on))
        self.view.mapsChanged.connect(self._refresh_maps_action)
        self._refresh_maps_action()
        self.toolbar.addSeparator()
        self.undo_action = self.editor.undo_action(self)
        self.redo_action = self.editor.redo_action(self)
        for a in (self.undo_action, self.redo_action):
            a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.toolbar.addAction(a)
            self.addAction(a)
        legend = QLabel(f"<span style='color:{POSITIVE.name()}'>■</span> w, b &gt; 0 &nbsp; "
                        f"<span style='color:{NEGATIVE.name()}'>■</span> w, b &lt; 0 &nbsp; "
                        "edge strength ∝ |w| / max |w| of its layer; unit fill: bias")
        legend.setStyleSheet("color: #444; padding: 0 6px;")
        self.toolbar.addSeparator()
        self.toolbar.addWidget(legend)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5a3d00; background: #fff4dc; padding: 4px; border-radius: 3px;")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.editor.networkChanged.connect(self._refresh_note)
        self.editor.editRefused.connect(self._refused)
        self.view.layerSelected.connect(self._refresh_actions)
        self._refresh_note()

    def _refresh_maps_action(self, *_) -> None:
        """The toggle's tip says what it does, and why the maps are off when they cannot be drawn."""
        view = self.view
        keys = self.maps_action.shortcut().toString(QKeySequence.NativeText)
        tip = (f"Unit maps ({keys}): each hidden and output unit shows its output y_j^(k) over the input plane, "
               "each input its value (live while training; hover a unit for its colour scale, click it for "
               "the map large)")
        if not view.maps_available:
            tip += " — not for this data: maps are drawn for 2-D inputs only"
        elif max(view.network.sizes[1:]) > MAX_MAP_UNITS:
            tip += f" — off: a layer has more than {MAX_MAP_UNITS} units"
        self.maps_action.setToolTip(tip)
        self.maps_action.setStatusTip(tip)
        with QSignalBlocker(self.maps_action):
            self.maps_action.setChecked(view.maps_wanted)
        self.maps_action.setEnabled(view.maps_available and max(view.network.sizes[1:]) <= MAX_MAP_UNITS)

    def _refresh_note(self, *_) -> None:
        text = self.editor.note()
        self.note.setText(text or "")
        self.note.setVisible(bool(text))
        self._refresh_actions()

    def _refused(self, message: str) -> None:
        self.note.setText(f"Not done: {message}")
        self.note.show()

    def _refresh_actions(self, *_) -> None:
        c = self.view.selected_layer
        self.remove_action.setEnabled(c is not None and 1 <= c < self.editor.network.N)
