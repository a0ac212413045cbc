"""A spin box that counts from 1 on screen (the lecture's t = 1..T) and from 0 in code."""

from PySide6.QtWidgets import QSpinBox


class OneBasedSpinBox(QSpinBox):
    """value() and setValue() use 0-based indices; the user sees and types index + 1."""

    def textFromValue(self, value: int) -> str:
        return str(value + 1)

    def valueFromText(self, text: str) -> int:
        return int(text) - 1
