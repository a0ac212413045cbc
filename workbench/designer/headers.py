"""The layer headers above the columns: title, activation menu and the edit buttons.

Each column's header — its title, then its controls (activation menu, unit and layer
buttons) — is centred on the column and never wider than its room (half the distance to each
neighbouring column, less a gap of GAP px): controls that do not fit wrap onto the next
line, so no two columns' buttons touch (layer 1's ✕ and layer 2's −
used to). `build_headers` returns the headers and the y where they end, from which the view
places the units.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsRectItem

from .items import Button

#: px between the headers of two neighbouring columns (and the scene's edge)
GAP = 8
SPACING = 3  # between two buttons of a line and two lines


def _lines(row: list, room: float) -> list[list]:
    """`row` split greedily into lines no wider than `room` (at least one button a line)."""
    lines, line, width = [], [], 0.0
    for b in row:
        w = b.rect().width()
        if line and width + SPACING + w > room:
            lines.append(line)
            line, width = [], 0.0
        width += (SPACING if line else 0.0) + w
        line.append(b)
    return lines + ([line] if line else [])


def column_room(xs, c: int, scene_width: float) -> tuple[float, float]:
    """(left, right) x limits of column c's header: half-way to each neighbour, less GAP / 2."""
    left = (xs[c - 1] + xs[c]) / 2 + GAP / 2 if c > 0 else 4.0
    right = (xs[c] + xs[c + 1]) / 2 - GAP / 2 if c + 1 < len(xs) else scene_width - 4.0
    return left, right


def _specs(view, c: int, n_layers: int) -> list:
    specs = []
    editor = view.editor
    if 0 < c < n_layers:
        specs += [("fewer", "−", "Remove a unit (−)", lambda: editor.change_units(c, -1)),
                  ("more", "+", "Add a unit (+)", lambda: editor.change_units(c, +1))]
    if c > 0:
        specs.append(("before", "◂+", "Add a hidden layer before this one (Shift+Insert)",
                      lambda: view.click_add(c)))
    if c < n_layers:
        specs.append(("after", "+▸", "Add a hidden layer after this one (Insert)", lambda: view.click_add(c + 1)))
    if 0 < c < n_layers:
        specs.append(("remove", "✕", "Remove this layer (Delete)", lambda: view.click_remove(c)))
    return specs


def build_headers(view, xs, scene_width: float, top: float = 4.0) -> tuple[list[dict], float]:
    """One header per column (a dict: 'frame', 'title', 'activation', the buttons by name); their bottom y."""
    net = view.network
    headers, bottom = [], top
    for c in range(net.N + 1):
        header: dict = {}
        frame = QGraphicsRectItem()
        frame.setZValue(5)
        view.scene().addItem(frame)
        header["frame"] = frame
        title = (f"inputs · {net.sizes[0]}" if c == 0 else
                 f"output {c} · {net.sizes[c]}" if c == net.N else f"layer {c} · {net.sizes[c]}")
        t = Button(title, "Select this layer (keys: + − Insert Delete A, ← →)",
                   lambda c=c: view.select_layer(c), bold=True, parent=frame)
        t.setPen(QPen(Qt.NoPen))
        header["title"] = t
        row2 = []
        if c > 0:
            act = Button(f"{net.activation_names[c - 1]} ▾", "Choose this layer's activation (A)",
                         lambda c=c: view.popup_activation_menu(c), parent=frame)
            header["activation"] = act
            row2.append(act)
        if c == 0 and view.editor.available_features:
            menu = Button("features ▾", "Derived inputs (x₁², x₁·x₂, sin x₁, …): switch them on or off "
                          "(also the ☐ toggles beside the inputs)", view.popup_feature_menu, parent=frame)
            header["features"] = menu
            row2.append(menu)
        row3 = []
        for name, text, tip, callback in _specs(view, c, net.N):
            b = Button(text, tip, callback, parent=frame)
            header[name] = b
            row3.append(b)
        left, right = column_room(xs, c, scene_width)
        y = top
        room = right - left
        together, apart = _lines(row2 + row3, room), _lines(row2, room) + _lines(row3, room)
        # the controls in as few lines as fit: menu and buttons together, or the menu above the buttons
        for line in _lines([t], room) + (together if len(together) < len(apart) else apart):
            width = sum(b.rect().width() for b in line) + SPACING * (len(line) - 1)
            bx = min(max(xs[c] - width / 2, left), max(right - width, left))
            for b in line:
                b.setPos(bx, y)
                bx += b.rect().width() + SPACING
            y += max(b.rect().height() for b in line) + SPACING
        frame.setRect(frame.childrenBoundingRect().adjusted(-2, -2, 2, 2))
        headers.append(header)
        bottom = max(bottom, y)
    return headers, bottom
