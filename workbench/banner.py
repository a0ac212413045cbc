"""An inline message above the plot (divergence, errors, a question): one at a time, closable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

COLOURS = {"warning": "#fff3cd", "error": "#f8d7da", "info": "#d1ecf1"}


class Banner(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("BannerAccept")
        self.accept_button.clicked.connect(self._accepted)
        self.accept_button.hide()
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.clicked.connect(self._dismissed)
        self.close_button = close
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.accept_button)
        layout.addWidget(close)
        self.setAutoFillBackground(True)
        self._on_accept = self._on_dismiss = None
        self.hide()

    def ask(self, text: str, accept_text: str, on_accept, on_dismiss=None) -> None:
        """A non-modal question: `accept_text` runs on_accept, ✕ runs on_dismiss."""
        self.show_message(text, "info")
        self._on_accept, self._on_dismiss = on_accept, on_dismiss
        self.accept_button.setText(accept_text)
        self.accept_button.show()
        self.close_button.setToolTip("Cancel")

    def _accepted(self) -> None:
        fn, self._on_accept, self._on_dismiss = self._on_accept, None, None
        self.hide()
        if fn is not None:
            fn()

    def _dismissed(self) -> None:
        fn, self._on_accept, self._on_dismiss = self._on_dismiss, None, None
        self.hide()
        if fn is not None:
            fn()

    def show_message(self, text: str, kind: str = "warning") -> None:
        self._on_accept = self._on_dismiss = None
        self.accept_button.hide()
        self.close_button.setToolTip("Dismiss")
        self.setStyleSheet(f"#Banner {{ background: {COLOURS[kind]}; border: 1px solid #c9b458; }}")
        self.label.setText(text)
        self.show()
