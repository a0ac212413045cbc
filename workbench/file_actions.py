"""The File menu: open, save, recent experiments and exports, with their dialogs and messages.

Functions of the main window (`window`), which keeps the session and the preferences.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.core.errors import WorkbenchError

from . import exporting, lecture_menu, trained_state
from .controls import make_action
from .session import Session
from .settings import APPLICATION
from .worker import commands as wc

OPEN_ERRORS = (WorkbenchError, OSError, ValueError, KeyError, TypeError)
EXPORT_ERRORS = (OSError, WorkbenchError, ValueError, TimeoutError)


def build_file_menu(window, menu):
    """Open, recent, save, save as and the exports into `menu`; returns the recent-files submenu."""
    def add(text, shortcut, tip, slot):
        menu.addAction(make_action(window, text, shortcut, tip, slot))

    add("&Open…", QKeySequence.Open, "Open an experiment file", lambda: open_dialog(window))
    recent = window.recent_menu = menu.addMenu("Open &recent")
    lecture_menu.install(window, menu)  # the shipped lecture experiments
    add("&Save", QKeySequence.Save, "Save the experiment", lambda: save(window))
    add("Save &as…", QKeySequence.SaveAs, "Save the experiment under a new name", lambda: save_as(window))
    add("Load &weights…", None, "W^(k), b^(k) from a weights.npz into this network (shapes checked)",
        lambda: trained_state.load_weights_dialog(window))
    menu.addSeparator()
    add("Export &weights (.npz)…", None, "W1..WN and b1..bN of the current weights",
        lambda: export_dialog(window, "weights", "NumPy archive (*.npz)", window.export_weights))
    add("Export &history (.csv)…", None, "One row per logged iteration",
        lambda: export_dialog(window, "history", "CSV (*.csv)", window.export_history))
    plots = menu.addMenu("Export &plot")
    for name in window.plot_views():
        plots.addAction(make_action(window, f"{name}…", None, f"Save the {name} plot as PNG or SVG",
                                    lambda _=False, n=name: export_plot_dialog(window, n)))
    add("Export &all…", None, "Weights, history, the experiment and every plot into a folder",
        lambda: export_all_dialog(window))
    fill_recent(window)
    return recent


def ask_discard(window) -> bool:
    """True when the open experiment may be replaced (saved first if the user says so)."""
    trained = trained_state.unsaved_training(window)
    if not window.session.dirty and trained is None:
        return True
    what = "The experiment has unsaved changes" if window.session.dirty else \
        f"The run has trained to iteration {trained} since it was saved"
    answer = QMessageBox.question(
        window, APPLICATION, f"{what}. Save them first?",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    if answer == QMessageBox.Save:
        return save(window)
    return answer == QMessageBox.Discard


def open_dialog(window) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open experiment", window.preferences.last_dir(),
                                          "Experiments (*.json);;All files (*)")
    if path:
        open_path(window, path)


def open_path(window, path: str) -> bool:
    """Open the experiment at `path` (asking about unsaved changes). A file that cannot be read or set up
    changes nothing — session, worker, panels and undo stay as they were — and one message says why."""
    if not window.confirm_discard():
        return False
    try:
        session = Session.open(path)
    except OPEN_ERRORS as e:
        window.show_error(f"Could not open {Path(path).name}: {e}")
        return False
    # the window takes the session only if all of it can be installed (RunController.commit)
    if not window.controller.load_run(sync_panel=True, clear_undo=True, restore_state=True, session=session):
        return False
    add_recent(window, path)
    window.update_title()
    return True


def save(window) -> bool:
    if not window.session.path:
        return save_as(window)
    return save_to(window, window.session.path)


def save_as(window) -> bool:
    path, _ = QFileDialog.getSaveFileName(window, "Save experiment", window.preferences.last_dir(),
                                          "Experiments (*.json)")
    if not path:
        return False
    if not path.lower().endswith(".json"):
        path += ".json"
    return save_to(window, path)


def save_to(window, path: str) -> bool:
    try:
        window.session.save(path)
    except (OSError, WorkbenchError, ValueError, TypeError) as e:
        window.show_error(f"Could not save to {path}: {e}. The experiment is still open; nothing is lost.")
        return False
    problem = trained_state.save_sidecar(window, path)
    add_recent(window, path)
    window.update_title()
    if problem is not None:
        window.show_error(problem)
        return False
    window.status_message(f"saved {path}" + (" with its trained state" if window.session.saved_iteration else ""), 4000)
    return True


def add_recent(window, path) -> None:
    window.preferences.add_recent(path)
    fill_recent(window)


def fill_recent(window) -> None:
    menu = window.recent_menu
    menu.clear()
    recent = window.preferences.recent_files()
    for p in recent:
        a = menu.addAction(Path(p).name)
        a.setToolTip(p)
        a.triggered.connect(lambda _=False, p=p: window.open_path(p))
    menu.setEnabled(bool(recent))


# -- export --------------------------------------------------------------------------------
def export_all(window, folder) -> list[Path]:
    """The trained state (weights, history, the experiment as it is now) and every plot (PNG and
    SVG) into `folder`; returns the files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "weights.npz", folder / "history.csv", folder / "experiment.json", folder / "state.npz"]
    window.export_weights(written[0])
    window.export_history(written[1])
    window.worker.request(wc.ReadExperiment()).save(written[2])
    window.worker.request(wc.SaveState(path=str(written[3])))  # θ, optimiser, batch order: --resume continues it
    for name, view in window.plot_views().items():
        for ext in ("png", "svg"):
            p = folder / f"{name}.{ext}"
            exporting.export_plot(view, p)
            written.append(p)
    return written


def guarded(window, what: str, fn, *args) -> bool:
    try:
        fn(*args)
    except EXPORT_ERRORS as e:
        window.show_error(f"Could not export {what}: {e}")
        return False
    window.status_message(f"exported {what}", 4000)
    return True


def export_dialog(window, what: str, filter_: str, fn) -> None:
    path, _ = QFileDialog.getSaveFileName(window, f"Export {what}", window.preferences.last_dir(), filter_)
    if path:
        guarded(window, what, fn, path)


def export_plot_dialog(window, name: str) -> None:
    path, _ = QFileDialog.getSaveFileName(window, f"Export {name} plot",
                                          os.path.join(window.preferences.last_dir(), name),
                                          "PNG image (*.png);;SVG drawing (*.svg)")
    if path:
        if not path.lower().endswith((".png", ".svg")):
            path += ".png"
        guarded(window, f"the {name} plot", exporting.export_plot, window.plot_views()[name], path)


def export_all_dialog(window) -> None:
    folder = QFileDialog.getExistingDirectory(window, "Export all into folder", window.preferences.last_dir())
    if folder:
        guarded(window, f"everything into {folder}", window.export_all, folder)
