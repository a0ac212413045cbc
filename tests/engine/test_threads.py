"""BLAS threads by problem size (engine.core.threads), in the trainer and the decision grid."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from engine import Network, Trainer
from engine.analysis.decision_grid import decision_grid
from engine.core import threads

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> set[int]:
    return {i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"}


def test_policy_one_thread_for_small_products_every_core_for_large_ones():
    assert threads.threads_for(threads.forward_flops([2, 8, 8, 1], 10)) == 1
    assert threads.threads_for(threads.forward_flops([784, 256, 128, 10], 128)) == 1
    assert threads.threads_for(threads.forward_flops([784, 256, 128, 10], 60_000)) == threads.cores()


def test_trainer_and_grid_set_the_threads_for_their_size():
    threads.use_threads(threads.cores())
    x = np.random.default_rng(0).normal(size=(50, 2))
    trainer = Trainer(Network.create([2, 8, 1], ["tanh", "sigmoid"]), x, (x[:, 0] > 0).astype(int), divergence="bce")
    trainer.step()
    assert _blas_threads() == {1}
    threads.use_threads(threads.cores())
    decision_grid(trainer.network, (-1, 1), (-1, 1), 50).evaluate(trainer.network)
    assert _blas_threads() == {1}


def test_without_threadpoolctl_nothing_changes(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    monkeypatch.setattr(threads, "_controllers", None)
    monkeypatch.setattr(threads, "_current", None)
    assert not threads.available()
    assert threads.use_threads_for(1e12) == threads.cores()  # the policy answers; nothing to set


def test_frozen_thread_count_ignores_later_changes(monkeypatch):
    calls = []

    class Lib:
        user_api = "blas"

        def set_num_threads(self, n):
            calls.append(n)

    monkeypatch.setattr(threads, "_controllers", [Lib()])
    monkeypatch.setattr(threads, "_current", None)
    monkeypatch.setattr(threads, "_frozen", False)
    threads.freeze(1)
    threads.use_threads(2)
    threads.use_threads_for(10**12)
    assert calls == [1]


def test_free_threads_leave_the_cores_other_processes_run_on(monkeypatch):
    monkeypatch.setattr(threads, "cores", lambda: 2)
    monkeypatch.setattr(threads, "_others", (-1e9, 0))
    monkeypatch.setattr(threads, "_read_others", lambda: 0)
    assert threads.free_threads_for(10**12) == 2 and threads.free_threads_for(10) == 1  # a quiet machine: the policy
    monkeypatch.setattr(threads, "_others", (-1e9, 0))
    monkeypatch.setattr(threads, "_read_others", lambda: 1)
    assert threads.free_threads_for(10**12) == 1  # another process holds a core: one thread
    monkeypatch.setattr(threads, "_read_others", lambda: 0)
    assert threads.free_threads_for(10**12) == 1  # read at most once a second
    assert threads._read_others() >= 0  # the real reading works here (or says 0)


def test_free_threads_when_frozen_read_nothing(monkeypatch):
    monkeypatch.setattr(threads, "_controllers", [])
    monkeypatch.setattr(threads, "_current", None)
    monkeypatch.setattr(threads, "_frozen", False)
    threads.freeze(1)
    monkeypatch.setattr(threads, "_read_others", lambda: pytest.fail("read /proc while frozen"))
    monkeypatch.setattr(threads, "_others", (-1e9, 0))
    assert threads.use_free_threads_for(10**12) == 1
