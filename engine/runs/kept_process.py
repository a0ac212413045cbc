"""Kept runs trained in a process of their own, in lockstep with the current run.

The current run trains in the GUI's worker thread. Its kept runs (the siblings of a comparison,
forks) train here, in one process beside it: in the worker's own thread they would share one
interpreter with it (and with the GUI), each getting at most half its time; here they use
another core. Each run is sent with everything that continues it bit for bit — θ, the
optimiser's state, the batch position and shuffling generator (engine.training.state), its
history, its training data and settings — so it trains exactly as it would have in the worker.

The protocol is one pipe of bytes: every message is named arrays and a JSON description
(engine.io.array_message, no pickle). The client makes a request and
takes its one reply before the next, so neither side ever waits on a full pipe while the other
writes to it. Requests: `add` (a run), `delete` (uids), `advance` (to the current run's iteration
t; reply once every kept run is at t — or stopped — or after `wait` s). Every reply holds the
views of all kept runs (engine.runs.run_view). While training, `KeptRuns.advance` collects the
reply to its previous request and asks again without waiting, so the current run never waits
for this process; paused, it waits for the runs to get level (up to `wait` s).
"""

from __future__ import annotations

import hashlib
import time
import weakref
from dataclasses import dataclass

import numpy as np

from engine.core.errors import ConfigurationError, DataError, WorkbenchError
from engine.core.network import Network
from engine.core.processes import local_context
from engine.io.array_message import receive, send
from engine.io.experiment import TrainingSettings
from engine.run import trainer_of
from engine.runs.comparison import settings_of
from engine.runs.run_view import RunView, view_of
from engine.training.history import History
from engine.training.state import capture, describe, restore

#: updates of a kept run between two looks at the pipe (a request waits at most this long)
CHUNK = 25
#: bytes a message may have (the data and state of one run; far more than any the app makes)
MAX_MESSAGE = 2**31


class KeptRunsLost(WorkbenchError):
    """The kept runs' process ended or failed; the message says what to do."""


# -- a run, as a message -------------------------------------------------------------------------
#: the arrays of a run's data (the rest of `run_arrays` is its state and history)
DATA = ("x", "targets", "x_test", "targets_test")


def data_key(arrays: dict[str, np.ndarray]) -> str:
    """A digest of the data arrays: runs on the same data (siblings, forks) share one copy there."""
    digest = hashlib.blake2b(digest_size=16)
    for name in DATA:
        if name in arrays:
            a = np.ascontiguousarray(arrays[name])
            digest.update(f"{name} {a.dtype.str} {a.shape}".encode())
            digest.update(a.reshape(-1).view(np.uint8))
    return digest.hexdigest()


def run_arrays(run) -> tuple[dict, dict[str, np.ndarray]]:
    """What continues `run` elsewhere (between iterations): its training settings and seed (JSON);
    its state, history and data (arrays)."""
    t = run.trainer
    arrays = {"x": t.x, "targets": t.targets, **{"state_" + k: v for k, v in capture(t).items()},
              **t.history.to_arrays()}
    if t.x_test is not None:
        arrays.update(x_test=t.x_test, targets_test=t.targets_test)
    return {"training": run.current_experiment().training.to_dict(), "seed": int(t.seed)}, arrays


def trainer_from(message: dict, arrays: dict[str, np.ndarray], data: dict[str, np.ndarray] | None = None):
    """The trainer `run_arrays` describes, in the very state it had (its data: `data`, else in `arrays`)."""
    data = arrays if data is None else data
    state = {k[len("state_"):]: v for k, v in arrays.items() if k.startswith("state_")}
    meta = describe(state)
    network = Network(meta["sizes"], meta["activations"], dtype=meta["dtype"])
    trainer = trainer_of(TrainingSettings.from_dict(message["training"]), message["seed"], network,
                         data["x"], data["targets"], data.get("x_test"), data.get("targets_test"))
    restore(trainer, state)
    trainer.history = History.from_arrays(network.N, arrays)
    return trainer


# -- the process ---------------------------------------------------------------------------------
@dataclass
class _Kept:
    label: str
    trainer: object
    initial_loss: float
    data: str  # its data's key


def _stopped(trainer) -> bool:
    return trainer.stopped is not None and trainer.stopped.kind == "diverged"


def _reply(connection, kept: dict[int, _Kept], datasets: dict[str, dict]) -> None:
    """The views of every kept run and the keys of the data held (data no run uses is let go)."""
    for key in set(datasets) - {k.data for k in kept.values()}:
        del datasets[key]
    arrays = {}
    for uid, k in kept.items():
        view = view_of(k.label, k.trainer, k.initial_loss, uid, settings=settings_of(k.trainer))
        arrays.update(view.to_arrays(f"{uid}_"))
    send(connection, {"uids": list(kept), "datasets": sorted(datasets)}, arrays)


def serve(connection) -> None:
    """The kept runs' process: requests from `connection` until the client closes it."""
    try:
        _serve(connection)
    except (EOFError, OSError):  # the client has gone (the app quit, or its pipe broke)
        return


def _serve(connection) -> None:
    kept: dict[int, _Kept] = {}
    datasets: dict[str, dict] = {}  # data key → the arrays of DATA
    target, reply_at = 0, None  # the iteration to reach; when the pending advance is answered at the latest
    while True:
        behind = [k for k in kept.values() if k.trainer.iteration < target and not _stopped(k.trainer)]
        if reply_at is not None and (not behind or time.monotonic() >= reply_at):
            _reply(connection, kept, datasets)
            reply_at = None
        if behind and (reply_at is not None or not connection.poll()):
            for k in behind:  # (overflow while diverging: the trainer's guard reports it)
                k.trainer.run(steps=min(CHUNK, target - k.trainer.iteration))
            continue
        try:
            message, arrays = receive(connection, MAX_MESSAGE)
            if message["op"] == "add":
                key = message["data"]
                if "x" in arrays:
                    datasets[key] = {name: arrays.pop(name) for name in DATA if name in arrays}
                if key not in datasets:
                    raise ConfigurationError("the run's data was not sent")
                trainer = trainer_from(message, arrays, datasets[key])
                kept[message["uid"]] = _Kept(message["label"], trainer, message["initial_loss"], key)
            elif message["op"] == "delete":
                for uid in message["uids"]:
                    kept.pop(uid, None)
            elif message["op"] == "advance":
                target, reply_at = message["to"], time.monotonic() + message["wait"]
                continue
        except (WorkbenchError, ValueError, KeyError) as exc:  # a run that cannot continue here: refused
            send(connection, {"error": str(exc)})
            continue
        _reply(connection, kept, datasets)


# -- the client ----------------------------------------------------------------------------------
class KeptRuns:
    """The client of the kept runs' process: started at the first `add`, ended by `close`."""

    def __init__(self):
        self._connection = None
        self._process = None
        self._asked = False  # an advance was sent and its reply not taken yet
        self._held: set[str] = set()  # the keys of the data the process holds (sent once for all its runs)
        #: the data key of the arrays last sent, while they live (the next fork of that run is not hashed again)
        self._known: tuple[tuple, str] | None = None
        self.views: tuple[RunView, ...] = ()  # the latest reply's

    @property
    def alive(self) -> bool:
        """Whether the process runs (it starts with the first kept run)."""
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def add(self, uid: int, label: str, run, initial_loss: float) -> None:
        """A kept run in the exact state of `run` now (between iterations)."""
        message, arrays = run_arrays(run)
        message["data"] = self._data_key(arrays)
        if message["data"] in self._held:
            arrays = {name: a for name, a in arrays.items() if name not in DATA}
        self._request({"op": "add", "uid": uid, "label": label, "initial_loss": float(initial_loss), **message},
                      arrays)

    def delete(self, uids) -> None:
        if self._connection is not None:
            self._request({"op": "delete", "uids": [int(u) for u in uids]})

    def advance(self, iteration: int, wait: float | None = None) -> tuple[RunView, ...]:
        """Every kept run on towards `iteration`; the latest views.

        wait None (training): the reply to the previous advance if it has come, and a new
        request without waiting for it. wait ≥ 0 (paused): the reply to this one, once every
        run is at `iteration` (or stopped) or after `wait` seconds."""
        if self._connection is None:
            return self.views
        if wait is None:
            if self._asked and not self._guard(self._connection.poll):
                return self.views  # still on the previous one
            self._take()
            self._send({"op": "advance", "to": int(iteration), "wait": 0.0})
            self._asked = True
            return self.views
        self._request({"op": "advance", "to": int(iteration), "wait": float(wait)})
        return self.views

    def close(self) -> None:
        """End the process (its runs are gone)."""
        connection, process, self._connection, self._process = self._connection, self._process, None, None
        self.views, self._asked, self._held = (), False, set()
        if connection is not None:
            connection.close()  # the process sees the end of the pipe and returns
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()

    def _data_key(self, arrays: dict[str, np.ndarray]) -> str:
        """`data_key(arrays)`, not computed again for the very same arrays (a training set of
        hundreds of MB takes a second to hash)."""
        names = tuple(name for name in DATA if name in arrays)
        known = self._known
        if known is None or tuple(n for n, _ in known[0]) != names or any(r() is not arrays[n] for n, r in known[0]):
            self._known = (tuple((name, weakref.ref(arrays[name])) for name in names), data_key(arrays))
        return self._known[1]

    # -- requests ------------------------------------------------------------------------------
    def _start(self) -> None:
        context = local_context()
        ours, theirs = context.Pipe()
        process = context.Process(target=serve, args=(theirs,), name="kept runs", daemon=True)
        try:
            process.start()
        except (OSError, EOFError, RuntimeError) as exc:  # e.g. no forkserver could start
            ours.close()
            raise KeptRunsLost(f"could not start the process that trains kept runs ({type(exc).__name__}: {exc})") \
                from None
        finally:
            theirs.close()
        self._process, self._connection = process, ours

    def _request(self, message: dict, arrays=None) -> None:
        if self._connection is None:
            self._start()
        self._take()
        self._send(message, arrays)
        self._asked = True
        self._take()

    def _send(self, message: dict, arrays=None) -> None:
        self._guard(send, self._connection, message, arrays)

    def _take(self) -> None:
        """The reply to the request made (if any): the views, or its refusal raised."""
        if not self._asked:
            return
        self._asked = False
        reply, arrays = self._guard(receive, self._connection, MAX_MESSAGE)
        if "error" in reply:
            raise ConfigurationError(reply["error"])
        self._held = set(reply["datasets"])
        self.views = tuple(RunView.from_arrays(arrays, f"{uid}_") for uid in reply["uids"])

    def _guard(self, fn, *args):
        try:
            return fn(*args)
        except (EOFError, OSError, DataError) as exc:  # DataError: a reply out of step (nothing more to trust)
            self.close()
            raise KeptRunsLost(f"the process training the kept runs has ended ({type(exc).__name__}); "
                               "Compare or Fork again to keep runs") from None
