"""Named arrays and a JSON description as one message over a pipe between processes (no pickle).

A message is several chunks on a `multiprocessing.connection.Connection`:

    the header   JSON: {"message": …, "arrays": [[name, dtype, shape], …]}
    one chunk per array, its bytes in C order

Each array is sent straight from its memory and received straight into its own buffer: a
training set of hundreds of MB is never copied into one big message on either side. Only
numeric, boolean and fixed-width string dtypes are read (never objects), and every size is
checked against the header and the bound before memory is spent on it.
"""

from __future__ import annotations

import json
import math
from multiprocessing import BufferTooShort

import numpy as np

from engine.core.errors import DataError

_KINDS = set("biufcUS")  # numbers, booleans and fixed-width strings: nothing that holds Python objects
MAX_HEADER = 1 << 20


def send(connection, message: dict, arrays: dict[str, np.ndarray] | None = None) -> None:
    """Send `message` (JSON-able) and `arrays` (TypeError for an array of objects)."""
    contiguous, described = [], []
    for name, value in (arrays or {}).items():
        a = np.ascontiguousarray(value) if np.ndim(value) else np.asarray(value)
        if a.dtype.kind not in _KINDS:
            raise TypeError(f"{name}: arrays of {a.dtype} are not sent")
        described.append([name, a.dtype.str, list(a.shape)])
        contiguous.append(a)
    connection.send_bytes(json.dumps({"message": message, "arrays": described}).encode("utf-8"))
    for a in contiguous:
        connection.send_bytes(a.reshape(-1).view(np.uint8) if a.size else b"")


def receive(connection, max_bytes: int) -> tuple[dict, dict[str, np.ndarray]]:
    """(message, arrays) of one `send`; DataError if it is not such a message or its arrays hold
    more than `max_bytes` (checked from the header, before any array is received)."""
    try:
        header = json.loads(connection.recv_bytes(MAX_HEADER).decode("utf-8"))
        shapes = [(name, np.dtype(dtype), tuple(int(n) for n in shape)) for name, dtype, shape in header["arrays"]]
        if any(dt.kind not in _KINDS for _, dt, _ in shapes):
            raise ValueError("an array of objects")
        sizes = [dt.itemsize * math.prod(shape) for _, dt, shape in shapes]
        if any(n < 0 for n in sizes) or sum(sizes) > max_bytes:
            raise ValueError(f"{sum(sizes) / 2**20:.0f} MiB of arrays, more than {max_bytes / 2**20:.0f} MiB")
        arrays = {}
        for (name, dt, shape), n in zip(shapes, sizes):
            buffer = bytearray(n)
            if connection.recv_bytes_into(buffer) != n:
                raise ValueError(f"{name}: not the size its header says")
            arrays[name] = np.frombuffer(buffer, dt).reshape(shape)  # writable: the bytearray is its own
        return header["message"], arrays
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, BufferTooShort) as exc:
        raise DataError(f"not a message of named arrays: {exc}") from None
