"""Local worker processes for a sweep (engine.core.processes says how they start)."""

from __future__ import annotations

import concurrent.futures as cf

from engine.core.processes import local_context


def local_pool(workers: int, may_fork: bool = False, initializer=None) -> cf.ProcessPoolExecutor:
    """A process pool of `workers` for run_sweep (see local_context for `may_fork`)."""
    return cf.ProcessPoolExecutor(workers, mp_context=local_context(may_fork), initializer=initializer)
