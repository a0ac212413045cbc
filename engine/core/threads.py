"""BLAS threads chosen by problem size: one thread for small matrices, all cores for large ones.

A matrix product of a few thousand multiply-adds gains nothing from a second thread, and
OpenBLAS's threads spin while they wait for each other: when another process (or the GUI
thread) holds a core, a threaded small product runs 10–20× slower than a single-threaded
one. Every engine computation that multiplies matrices calls `use_threads_for(flops)` with
the multiply-adds of its largest product; the thread count changes only when the policy's
answer does (a cheap check, fine once per iteration).

threadpoolctl is optional (the `speed` extra); without it this module does nothing and BLAS
keeps its own default.

`use_free_threads_for(flops)` is the same policy capped by the cores no other process is
running on now (Linux: /proc/loadavg's runnable count minus this process's own runnable
threads, read at most once a second): long computations of the geometry views (landscapes,
Hessians) on a shared machine take one thread instead of fighting another process for its core.
"""

from __future__ import annotations

import os
import time

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


_others = (-1e9, 0)  # (monotonic time read, tasks of other processes running then)
RECHECK_SECONDS = 1.0


def others_running() -> int:
    """Runnable tasks of other processes now (0 where the system does not say); cached a second."""
    global _others
    now = time.monotonic()
    if now - _others[0] >= RECHECK_SECONDS:
        _others = (now, _read_others())
    return _others[1]


def _read_others() -> int:
    try:
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[0])  # "1.0 0.9 0.8 R/T last_pid"
        own = 0
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/stat") as f:
                own += f.read().rpartition(")")[2].split()[0] == "R"
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, running - max(own, 1))


def free_threads_for(flops: float) -> int:
    """`threads_for(flops)`, but no more than the cores that no other process is running on."""
    return max(1, min(threads_for(flops), cores() - others_running()))


def use_free_threads_for(flops: float) -> int:
    """Choose (`free_threads_for`) and set the BLAS threads for a product of `flops` multiply-adds
    (frozen: nothing to choose, and /proc is not read)."""
    if _frozen:
        return _current or 1
    n = free_threads_for(flops)
    use_threads(n)
    return n


def forward_flops(sizes, batch: int) -> int:
    """Multiply-adds of the largest product y^(k−1) W^(k) of a batch through a network of `sizes`."""
    return batch * max(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def available() -> bool:
    """Whether the thread count can be set (threadpoolctl installed and a BLAS found)."""
    return bool(_blas_controllers())
