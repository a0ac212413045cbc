"""Issue 18 soak: a shortened command storm through the worker's queue, then determinism.

For STORM_SECONDS random commands (run, pause, toggle, step, phase, learning rate, speed, stale weight
edits, requests that must be answered) go to a real `TrainingWorker`. Every request must be answered
(no deadlock), no command may stop the worker with an internal error, and the weights must then be
bit-identical to a headless run that used the same learning rate at each iteration.
"""

from __future__ import annotations

import random
import time

import numpy as np
from PySide6.QtCore import Qt

from workbench.session import Session
from workbench.worker import TrainingWorker
from workbench.worker import commands as c

STORM_SECONDS = 2.0
RATES = (0.01, 0.03, 0.003)
ANSWER_S = 20.0  # a loaded CI machine


def storm_command(rng: random.Random, sizes):
    kind = rng.randrange(9)
    if kind == 0:
        return c.Start()
    if kind == 1:
        return c.Pause()
    if kind == 2:
        return c.Toggle()
    if kind == 3:
        return c.Step()
    if kind == 4:
        return c.StepPhase()
    if kind == 5:
        return c.Configure({"learning_rate": rng.choice(RATES)})
    if kind == 6:
        return c.SetSpeed(rng.choice([None, 200.0, 5000.0]))
    if kind == 7:  # an edit of a weight of a network before a change: refused in words, never applied
        return c.SetWeight(len(sizes) + rng.randrange(3), 0, 0, 1.0)
    return c.ReadParameters()


def test_command_storm_answers_every_request_and_stays_deterministic(qtbot):
    worker = TrainingWorker(Session().build())
    messages = []
    worker.failed.connect(messages.append, Qt.DirectConnection)  # from the worker thread; list.append is atomic
    sizes = worker.core.run.network.sizes
    rng = random.Random(18)
    worker.start()
    sent = 0
    try:
        end = time.perf_counter() + STORM_SECONDS
        while time.perf_counter() < end:
            command = storm_command(rng, sizes)
            if isinstance(command, c.Reply):
                assert worker.request(command, timeout=ANSWER_S).shape == (worker.core.run.network.parameters.size,)
            else:
                worker.send(command)
            sent += 1
        worker.send(c.Pause())
        worker.send(c.Step())  # the rest of an iteration that phases began
        n, theta, rates = worker.call(lambda run: (run.trainer.iteration, run.network.parameters.copy(),
                                                   run.trainer.history.iterations.view("learning_rate", 0).copy()),
                                      timeout=ANSWER_S)
    finally:
        assert worker.stop(int(ANSWER_S * 1000))
    assert sent > 100 and n > 10
    assert all("has no weight" in str(m) or "pause the training" in str(m) for m in messages), messages
    ref = Session().build()
    for t in range(n):
        if float(rates[t]) != ref.trainer.optimizer.learning_rate:
            ref.trainer.configure(learning_rate=float(rates[t]))
        assert ref.trainer.step()
    assert np.array_equal(theta, ref.network.parameters)
