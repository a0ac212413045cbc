"""Local worker processes (a sweep's pool, the kept runs' process): how they start.

A worker needs the engine imported. `fork` copies the parent, imports and all, in milliseconds,
but is safe only in a process running a single thread on Linux (the command line). `spawn`
starts a fresh interpreter per worker that imports NumPy and the engine again — about a second
each time. `forkserver` with the engine preloaded pays that once: a server process imports it
when first needed and every later worker, of this sweep and the next, is forked from it (safe
from a threaded process such as the GUI). Where there is no forkserver (Windows), spawn.
"""

from __future__ import annotations

import multiprocessing
import sys

#: what a forkserver imports before forking workers: what a sweep's job and the kept runs' process
#: run, and the command line (a worker re-imports the parent's main script, e.g. the
#: `backprop-workbench` entry point, which imports it). One server serves them all, so one list.
PRELOAD = ["engine.sweep.job", "engine.runs.kept_process", "engine.cli"]


def local_context(may_fork: bool = False):
    """The start method for local workers: fork if `may_fork` (the caller runs one thread) on
    Linux, else forkserver with the engine preloaded, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if may_fork and sys.platform.startswith("linux") and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")
