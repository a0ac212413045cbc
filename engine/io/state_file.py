"""Trained-state files (.npz, no pickle): a trainer's state beside its experiment.

`train` writes DIR/state.npz; `train EXPERIMENT.json --resume DIR` continues from it bit for
bit (engine.training.state says what is kept). Reading checks the archive's member names and
sizes before any array is read, so a crafted archive cannot make it spend memory.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import numpy as np

from engine.core.errors import ConfigurationError, DataError
from engine.io import atomic
from engine.training.history import History
from engine.training.state import capture, restore

MAX_MEMBERS = 64
MAX_BYTES = 2 * 1024**3  # uncompressed, all members: θ and a few optimiser buffers of 50M parameters fit


def save_state(path, trainer, with_history: bool = False) -> None:
    """Write the trainer's state atomically (between iterations only); with_history: its
    history too (the GUI's sidecar, so reopening continues the curves)."""
    with atomic.atomic_open(path, "wb") as f:
        write_state(f, trainer, with_history)


def state_bytes(trainer, with_history: bool = False) -> bytes:
    """The bytes `save_state` writes (for a file written elsewhere, e.g. by a sweep's client)."""
    buffer = io.BytesIO()
    write_state(buffer, trainer, with_history)
    return buffer.getvalue()


def write_state(file, trainer, with_history: bool = False) -> None:
    """The .npz archive into an open binary file."""
    arrays = capture(trainer)
    if with_history:
        arrays.update(trainer.history.to_arrays())
    np.savez(file, **arrays)


def _check_archive(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataError("no such state file (train writes DIR/state.npz)", path) from None
    if not stat.S_ISREG(mode):
        raise DataError("is not a regular file", path)
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except zipfile.BadZipFile:
        raise DataError("is not a state file (.npz archive)", path) from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_BYTES:
        raise DataError(f"holds more than a state file can ({len(members)} members, "
                        f"{sum(m.file_size for m in members) / 2**20:.0f} MiB unpacked)", path)


def read_state(path) -> dict[str, np.ndarray]:
    """The arrays of a state file (checked as an archive, never unpickled)."""
    path = Path(path)
    _check_archive(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"not a readable state file: {exc}", path) from None


def load_state(path, trainer, with_history: bool = False) -> None:
    """Continue `trainer` from the state in `path`; DataError names the file and the mismatch.

    with_history: also take the history the file keeps (none kept: the history starts empty)."""
    arrays = read_state(path)
    try:
        history = None
        if with_history and any(name.startswith("history_") for name in arrays):
            history = History.from_arrays(trainer.history.n_layers, arrays)
        restore(trainer, arrays)
    except (ConfigurationError, ValueError) as exc:
        raise DataError(str(exc), Path(path)) from None
    if history is not None:
        trainer.history = history
