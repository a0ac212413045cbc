"""The input column's derived features (engine.data.features): x1², x2², x1·x2, sin x1, sin x2 for
2-D data, x², x³, sin x for 1-D data — the "features or hidden layers?" lesson.

Every feature the data offers has a slot in the input column, in the engine's order, below the
raw inputs x_1..x_D: a feature in use is an input unit like any other (its row of W^(1) drawn
as edges); one not in use is a dashed, empty circle. Its label is a toggle (☑ / ☐): a click asks
for the new feature list (`NetworkEditor.featuresRequested`), which the window applies as an
undoable change of the experiment's `network.input_features`.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem

from engine.data import features

from .items import Button

ON, OFF = "☑", "☐"


def input_slots(raw: int, active, available) -> list[tuple]:
    """The input column top to bottom: ('raw', j, None) for input x_j, ('on', network index, name)
    for a feature in use, ('off', None, name) for one offered but not used."""
    active = tuple(active)
    slots: list[tuple] = [("raw", j, None) for j in range(raw)]
    for name in available:
        slots.append(("on", raw + active.index(name), name) if name in active else ("off", None, name))
    slots += [("on", raw + n, name) for n, name in enumerate(active) if name not in available]
    return slots


def editor_slots(editor, network) -> list | None:
    """The input column's slots when the data offers derived features and the network fits them; else None."""
    if not editor.available_features or network.sizes[0] != editor.raw_inputs + len(editor.input_features):
        return None
    return input_slots(editor.raw_inputs, editor.input_features, editor.available_features)


def toggled(active, name: str, available) -> tuple[str, ...]:
    """The feature list with `name` switched on (in the engine's order) or off."""
    active = tuple(active)
    if name in active:
        return tuple(n for n in active if n != name)
    return tuple(n for n in available if n in active or n == name)


def add_feature_items(view, slots, ys, x: float, r: float, font) -> list[tuple]:
    """The toggles (and the empty circles of unused features) of the input column; (centre, name, circle)
    of each empty circle (with unit maps on, it previews the feature over the plane)."""
    editor, scene = view.editor, view.scene()
    ghosts = []
    for (kind, _index, name), y in zip(slots, ys):
        if kind == "raw":
            continue
        label = features.FEATURES[name].label if name in features.FEATURES else name
        on = kind == "on"
        tip = (f"{label} is an extra input y<sup>(0)</sup>, computed from the inputs; click to remove it "
               "(Ctrl+Z undoes)" if on else
               f"Use {label} as an extra input (computed from x; the views still plot over the inputs): "
               "can a derived feature replace a hidden layer? (Ctrl+Z undoes)")
        button = Button(f"{ON if on else OFF} {label}", tip, lambda n=name: editor.toggle_feature(n))
        button.label.setFont(font)
        rect = button.label.boundingRect()
        button.setRect(0, 0, rect.width() + 8, rect.height() + 2)
        button.setPen(QPen(Qt.NoPen))
        button.set_enabled(True)
        if not on:
            button.label.setBrush(QColor("#777777"))
        button.setPos(x - r - 6 - button.rect().width(), y - button.rect().height() / 2)
        button.setZValue(3)
        scene.addItem(button)
        if not on:
            circle = QGraphicsEllipseItem(x - r, y - r, 2 * r, 2 * r)
            circle.setPen(QPen(QColor("#9a9a9a"), 1.0, Qt.DashLine))
            circle.setBrush(QBrush(QColor("white")))
            circle.setZValue(2)
            circle.setToolTip(tip)
            scene.addItem(circle)
            ghosts.append((QPointF(x, y), name, circle))
    return ghosts


def ghost_at(ghosts, p: QPointF, r: float) -> str | None:
    """The unused feature whose empty circle is at scene point p."""
    for centre, name, _circle in ghosts:
        if (centre.x() - p.x()) ** 2 + (centre.y() - p.y()) ** 2 <= (r + 2) ** 2:
            return name
    return None
