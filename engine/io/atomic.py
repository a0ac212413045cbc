"""Atomic file writes: write a temporary file in the target's directory, then `os.replace`.

A crash or error mid-write leaves the previous file untouched (and no temporary behind);
readers see either the old file or the complete new one, never a half-written one.
Temporaries are named ".NAME.PID.XXXX.tmp"; one left by a killed process (kill -9, power
loss) is removed by the next save to the same place, once its process is gone.
`atomic_directory` does the same for a set of files: all of them replace the old set, or none.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def atomic_open(path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file next to `path` for writing; on success it replaces `path`.

    mode is "w" (UTF-8 text, newline="" so the caller controls line endings) or "wb".
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes only, with mode 'w' or 'wb', not {mode!r}")
    path = Path(path)
    remove_stale(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp")
    try:
        kwargs = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def remove_stale(path) -> None:
    """Delete temporaries of `path` (files or folders) whose writing process no longer exists."""
    path = Path(path)
    try:
        candidates = list(path.parent.glob(f".{path.name}.*.tmp"))
    except OSError:
        return
    for tmp in candidates:
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            if tmp.is_dir() and not tmp.is_symlink():
                shutil.rmtree(tmp)
            else:
                tmp.unlink()
        except OSError:
            pass


@contextmanager
def atomic_directory(path) -> Iterator[Path]:
    """A fresh temporary folder next to `path` to fill; on success it replaces the folder `path` whole.

    The old folder is moved aside, the new one renamed into place, then the old one removed:
    a failure while filling leaves the old folder untouched and no temporary behind.
    """
    path = Path(path)
    remove_stale(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp"))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp"))
            os.replace(path, old)  # an empty folder may be replaced by a folder
            try:
                os.replace(tmp, path)
            except BaseException:
                os.replace(old, path)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets rw-r--r-- (mkstemp would give rw-------)."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        return 0o644


def write_text(path, text: str) -> None:
    """Replace `path` atomically with `text` (UTF-8)."""
    with atomic_open(path, "w") as f:
        f.write(text)
