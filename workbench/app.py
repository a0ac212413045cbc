"""Start the GUI: the QApplication, the main window, and an excepthook that never shows a traceback."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from . import pyqtgraph_imports, pyside_imports  # noqa: F401 - pyside_imports: PySide6's import hook made cheap, before NumPy, pyqtgraph, the engine
from .icon import APP_ID, app_icon
from .settings import APPLICATION, ORGANIZATION  # APPLICATION is also the X11 WM_CLASS (.desktop StartupWMClass)

pyqtgraph_imports.install()  # pyqtgraph imported now, its Qt mirrors filled at first use, not with all ~720 classes


def install_excepthook(window_getter) -> None:
    """Uncaught exceptions go to the window's message log and banner (and stderr), not a crash."""

    def hook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.__stderr__.write(text)
        window = window_getter()
        if window is not None:
            window.show_error(f"Something went wrong: {exc_type.__name__}: {exc}. "
                              "Your experiment is still open; details are in the Messages panel.")
            window.log_message(text)

    sys.excepthook = hook


def create_application() -> QApplication:
    """The QApplication with the names the desktop matches it by (settings, WM_CLASS, Wayland app id) and its icon."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QGuiApplication.setDesktopFileName(APP_ID)
    QGuiApplication.setWindowIcon(app_icon())
    return app


def run_gui(experiment_path: str | None = None, presentation: bool = False, before_loop=None) -> int:
    """Open the main window (with `experiment_path`, or the default experiment; in presentation
    mode if asked) and run the event loop (`before_loop()` first, if given: the start-up probe)."""
    app = create_application()
    from .main_window import MainWindow
    from .session import Session

    window_ref = []
    install_excepthook(lambda: window_ref[0] if window_ref else None)
    session = None
    problem = None
    if experiment_path:
        try:
            session = Session.open(experiment_path)
        except Exception as e:  # noqa: BLE001 - report, open the default instead
            problem = f"Could not open {experiment_path}: {e}. The default experiment is open instead."
    window = MainWindow(session)
    window_ref.append(window)
    if problem:
        window.show_error(problem)
    window.show()
    if presentation:
        window.presentation.enter()
    window.raise_()
    window.activateWindow()
    if before_loop is not None:
        before_loop()
    return app.exec()
