"""Issue 18 item 4: the import preview refuses a FIFO at once instead of waiting on it forever."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREVIEW = """
import sys
from engine.core.errors import DataError
from workbench.datapanel.background import peek_table
try:
    peek_table(sys.argv[1])
except DataError as exc:
    print(exc)
"""


def test_preview_of_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", PREVIEW, str(fifo)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "FIFO" in r.stdout, r.stderr


NPZ_KEYS = """
import sys
from workbench.datapanel.reading_options import npz_keys
print(npz_keys(sys.argv[1]))
"""


def test_npz_keys_of_a_fifo_answer_at_once(tmp_path):
    """The Import page lists an .npz's arrays on the GUI thread: a FIFO named .npz must not block it."""
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", NPZ_KEYS, str(fifo)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr
