"""The kept runs' process: a run sent there continues bit for bit; messages carry arrays, never objects."""

from __future__ import annotations

import json
import multiprocessing

import numpy as np
import pytest

from engine.core.errors import ConfigurationError, DataError
from engine.io.array_message import receive, send
from engine.io.experiment import Experiment, default_experiment
from engine.io.experiment_keys import set_key
from engine.run import build
from engine.runs.kept_process import KeptRuns, run_arrays, trainer_from


def _run(**keys):
    doc = default_experiment().to_dict()
    for key, value in keys.items():
        set_key(doc, key.replace("__", "."), value)
    return build(Experiment.from_dict(doc))


def _through_a_pipe(message, arrays):
    ours, theirs = multiprocessing.Pipe()
    send(ours, message, arrays)
    return receive(theirs, 1 << 20)


def test_a_message_carries_named_arrays_of_every_plain_dtype_and_a_json_description():
    arrays = {"theta": np.linspace(-1, 1, 7, dtype=np.float32).reshape(7, 1), "labels": np.arange(5, dtype=np.uint8),
              "flags": np.array([True, False]), "meta": np.array('{"a": 1}'), "empty": np.empty((0, 3)),
              "strided": np.arange(12.0).reshape(3, 4)[:, ::2], "big_endian": np.arange(3, dtype=">i4")}
    message, back = _through_a_pipe({"op": "add", "x": [1, 2.5]}, arrays)
    assert message == {"op": "add", "x": [1, 2.5]} and list(back) == list(arrays)
    for name, a in arrays.items():
        assert back[name].dtype == a.dtype and back[name].shape == a.shape and np.array_equal(back[name], a)
        assert back[name].flags.writeable


def test_a_message_never_carries_objects_and_a_false_header_is_refused_before_memory_is_spent():
    ours, theirs = multiprocessing.Pipe()
    with pytest.raises(TypeError, match="not sent"):
        send(ours, {}, {"x": np.array([object()])})
    for arrays, chunks, why in (([["a", "|O", [1]]], [], "objects"),
                                ([["a", "<f8", [1 << 40]]], [], "MiB of arrays"),
                                ([["a", "<f8", [2]]], [b"\0" * 8], "size"),
                                ([["a", "<f8", [1]]], [b"\0" * 16], "not a message")):
        ours.send_bytes(json.dumps({"message": {}, "arrays": arrays}).encode())
        for chunk in chunks:
            ours.send_bytes(chunk)
        with pytest.raises(DataError, match=why):
            receive(theirs, 1 << 20)
        while theirs.poll():
            theirs.recv_bytes()


@pytest.mark.parametrize("keys", [{}, {"training__optimizer__name": "adam", "training__batch_size": 7,
                                      "training__schedule": {"name": "step", "step_size": 40, "gamma": 0.5}}])
def test_a_run_sent_as_arrays_continues_bit_for_bit(keys):
    """Adam, shuffled mini-batches of 7 (an epoch's permutation half used) and a schedule of η_t."""
    run = _run(**keys)
    run.trainer.run(steps=93)
    trainer = trainer_from(*_through_a_pipe(*run_arrays(run)))
    assert trainer.iteration == 93 and np.array_equal(trainer.history.loss, run.trainer.history.loss)
    for t in (run.trainer, trainer):
        t.run(steps=111)
    assert np.array_equal(trainer.network.parameters, run.network.parameters)
    assert np.array_equal(trainer.history.loss, run.trainer.history.loss)


def test_the_process_trains_its_runs_to_the_iteration_asked_and_refuses_a_run_it_cannot_continue():
    kept = KeptRuns()
    try:
        run = _run()
        run.trainer.run(steps=20)
        kept.add(1, "fork", run, 1.0)
        views = kept.advance(120, wait=30.0)
        run.trainer.run(steps=100)
        assert [v.iteration for v in views] == [120] and np.array_equal(views[0].parameters, run.network.parameters)
        message, arrays = run_arrays(run)
        arrays["state_parameters"] = arrays["state_parameters"][:-1]  # one parameter short: not this network
        with pytest.raises(ConfigurationError):
            kept._request({"op": "add", "uid": 2, "label": "bad", "initial_loss": 1.0, **message}, arrays)
        assert [v.uid for v in kept.advance(120, wait=1.0)] == [1]  # the process goes on with the others
        kept.delete([1])
        assert kept.views == () and kept.alive
    finally:
        kept.close()
    assert not kept.alive


def test_a_run_view_covers_every_iteration_since_the_start_also_past_the_full_resolution_rows():
    """Older rows are folded into envelope blocks (bounded memory); the view's curves still start at t ≈ 0."""
    from engine.runs.run_view import POINTS, view_of
    from engine.training.history import History

    short, full = _run(), _run()
    short.trainer.history = History(short.network.N, recent=50)  # folds after 75 rows
    for run in (short, full):
        run.trainer.run(steps=3000)
    assert short.trainer.history.iterations.recent.size < 100
    view, reference = view_of("a", short.trainer, 1.0), view_of("b", full.trainer, 1.0)
    assert view.steps[0] <= 10 and view.steps[-1] == 3000 and len(view.steps) == len(view.loss) <= POINTS
    assert len(view.gradient_norm) == len(view.loss) and np.all(np.isfinite(view.gradient_norm))
    assert np.isclose(view.loss.mean(), reference.loss.mean(), rtol=0.2)


def test_runs_on_the_same_data_share_one_copy_of_it_in_the_process(monkeypatch):
    """A fork's data is sent once: the next run on it sends only its state; a deleted run's data is let go."""
    import engine.runs.kept_process as kp

    sent = []
    monkeypatch.setattr(kp, "send", lambda c, m, a=None: (sent.append(set(a or ())), send(c, m, a))[1])
    kept = KeptRuns()
    try:
        run = _run()
        kept.add(1, "a", run, 1.0)
        run.trainer.run(steps=5)
        kept.add(2, "b", run, 1.0)
        assert "x" in sent[0] and "x" not in sent[1] and len(kept._held) == 1
        hashed = []
        monkeypatch.setattr(kp, "data_key", lambda a: hashed.append(1) or "")
        kept.add(3, "c", run, 1.0)  # the very same arrays again: not hashed again
        assert hashed == [] and "x" not in sent[2]
        views = kept.advance(30, wait=30.0)
        assert [v.iteration for v in views] == [30, 30, 30]
        kept.delete([1, 2, 3])
        assert kept._held == set()
    finally:
        kept.close()


def test_a_process_that_cannot_start_is_refused_in_words_and_nothing_is_left_half_started(monkeypatch):
    import engine.core.processes as processes
    import engine.runs.kept_process as kp
    from engine.runs.kept_process import KeptRunsLost

    context = processes.local_context()

    class Refusing:
        Pipe = staticmethod(context.Pipe)

        @staticmethod
        def Process(**kwargs):  # noqa: N802 - multiprocessing's name
            process = context.Process(**kwargs)
            process.start = lambda: (_ for _ in ()).throw(OSError("no forkserver here"))
            return process

    monkeypatch.setattr(kp, "local_context", lambda: Refusing)
    kept = KeptRuns()
    with pytest.raises(KeptRunsLost, match="could not start the process.*no forkserver here"):
        kept.add(1, "fork", _run(), 1.0)
    assert not kept.alive and kept.pid is None
    kept.close()  # nothing to join
