"""BLAS threads chosen by problem size: one thread for small matrices, all cores for large ones.

A matrix product of a few thousand multiply-adds gains nothing from a second thread, and
OpenBLAS's threads spin while they wait for each other: when another process (or the GUI
thread) holds a core, a threaded small product runs 10–20× slower than a single-threaded
one. Every engine computation that multiplies matrices calls `use_threads_for(flops)` with
the multiply-adds of its largest product; the thread count changes only when the policy's
answer does (a cheap check, fine once per iteration).

threadpoolctl is optional (the `speed` extra); without it this module does nothing and BLAS
keeps its own default.
"""

from __future__ import annotations

import os

#: products with fewer multiply-adds than this run on one thread
LARGE_PRODUCT = 50_000_000

_controllers: list | None = None
_current: int | None = None
_frozen = False


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_for(flops: float) -> int:
    """The policy: 1 thread below LARGE_PRODUCT multiply-adds, every core from there on."""
    return 1 if flops < LARGE_PRODUCT else cores()


def _blas_controllers() -> list:
    global _controllers
    if _controllers is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _controllers = []
        else:
            _controllers = [lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]
    return _controllers


def use_threads(n: int) -> None:
    """Set every BLAS library to n threads (only when that differs from the last setting)."""
    global _current
    if n != _current and not _frozen:
        for lib in _blas_controllers():
            lib.set_num_threads(n)
        _current = n


def freeze(n: int) -> None:
    """Set n threads once and ignore every later change: for processes where several threads run
    BLAS (the GUI and its training worker). Changing OpenBLAS's thread count while another
    thread is inside a BLAS call can crash the process, so a multi-threaded program picks once."""
    global _frozen
    _frozen = False
    use_threads(n)
    _frozen = True


def use_threads_for(flops: float) -> int:
    """Choose and set the BLAS threads for a computation whose largest product has `flops` multiply-adds."""
    n = threads_for(flops)
    use_threads(n)
    return n


def forward_flops(sizes, batch: int) -> int:
    """Multiply-adds of the largest product y^(k−1) W^(k) of a batch through a network of `sizes`."""
    return batch * max(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def available() -> bool:
    """Whether the thread count can be set (threadpoolctl installed and a BLAS found)."""
    return bool(_blas_controllers())
