"""Saving is saving: the trained state beside the experiment, and File ▸ Load weights….

    NAME.json        the experiment (readable; engine.io.experiment)
    NAME.state.npz   the trainer's state and history (engine.io.state_file, no pickle): θ, the
                     optimiser moments, iteration, batch permutation, cursor, shuffling generator

Save writes the sidecar when the run has trained (and removes a stale one when it has not);
Open restores it, so training continues bit for bit and the curves continue. A sidecar that
does not fit (another network, other data) is refused with the reason and the run starts at
iteration 0.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from engine.core.errors import WorkbenchError
from engine.io.state_file import load_state

from .worker import commands as wc

STATE_ERRORS = (WorkbenchError, OSError, ValueError, TimeoutError)


def sidecar_path(path) -> Path:
    """NAME.json → NAME.state.npz beside it."""
    path = Path(path)
    return path.with_name(path.stem + ".state.npz")


def save_sidecar(window, path) -> str | None:
    """Write NAME.state.npz for the experiment saved at `path` (removed again if the run has not
    trained: nothing to continue); an error text or None."""
    side = sidecar_path(path)
    try:
        iteration = window.worker.request(wc.SaveState(path=str(side)))
        if iteration == 0:
            side.unlink(missing_ok=True)
    except STATE_ERRORS as e:
        return f"the experiment is saved, its trained state is not: {e}"
    window.session.saved_iteration = iteration
    return None


def restore_sidecar(run, path) -> str | None:
    """Continue `run` from NAME.state.npz if there is one; a status text (or None if there is none)."""
    side = sidecar_path(path)
    if not side.exists():
        return None
    try:
        load_state(side, run.trainer, with_history=True)
    except STATE_ERRORS as e:
        return f"The trained state was not restored ({e}); training starts at iteration 0."
    return f"Continuing the trained state from {side.name}: iteration {run.trainer.iteration}."


def unsaved_training(window) -> int | None:
    """The iteration trained past the last save/open, or None if the trained state is saved."""
    snap = window.last_snapshot
    saved = window.session.saved_iteration
    if snap is None or snap.run_id != window.controller.run_id or snap.iteration <= saved:
        return None
    return snap.iteration


def load_weights_dialog(window) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Load weights", window.preferences.last_dir(),
                                          "NumPy archive (*.npz);;All files (*)")
    if path:
        load_weights_from(window, path)


def load_weights_from(window, path) -> bool:
    """W^(k), b^(k) from a weights.npz into the current network (paused); a mismatch is shown."""
    window.pause()
    try:
        window.worker.request(wc.LoadWeights(path=str(path)))
    except STATE_ERRORS as e:
        window.show_error(f"Weights not loaded: {e}")
        return False
    window.status_message(f"loaded the weights of {Path(path).name}", 6000)
    return True
