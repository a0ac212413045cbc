"""Atomic file writes: write a temporary file in the target's directory, then `os.replace`.

A crash or error mid-write leaves the previous file untouched (and no temporary behind);
readers see either the old file or the complete new one, never a half-written one.
"""

from __future__ import annotations

import os
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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
