"""Named arrays and a JSON description as one message of bytes (between processes; no pickle).

    8 bytes    the header's length h (little-endian)
    h bytes    the header, JSON: {"message": …, "arrays": [[name, dtype, shape], …]}
    the rest   each array's bytes in C order, one after another

An .npz archive would do, but zipping and unzipping a dozen small arrays costs milliseconds; this
costs a copy. Only numeric, boolean and string dtypes are read (never objects), and the header
must account for every byte.
"""

from __future__ import annotations

import json
import math

import numpy as np

from engine.core.errors import DataError

_KINDS = set("biufcUS")  # numbers, booleans and fixed-width strings: nothing that holds Python objects


def encode(message: dict, arrays: dict[str, np.ndarray] | None = None) -> bytes:
    parts, described = [], []
    for name, value in (arrays or {}).items():
        a = np.asarray(value)
        if a.dtype.kind not in _KINDS:
            raise TypeError(f"{name}: arrays of {a.dtype} are not sent")
        described.append([name, a.dtype.str, list(a.shape)])
        parts.append(a.tobytes(order="C"))
    header = json.dumps({"message": message, "arrays": described}).encode("utf-8")
    return b"".join([len(header).to_bytes(8, "little"), header, *parts])


def decode(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """(message, arrays) of `encode`'s bytes; DataError if they are not such a message."""
    try:
        size = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + size].decode("utf-8"))
        offset, arrays = 8 + size, {}
        for name, dtype, shape in header["arrays"]:
            dt = np.dtype(dtype)
            if dt.kind not in _KINDS:
                raise ValueError(f"dtype {dt}")
            n = dt.itemsize * math.prod(shape)
            if offset + n > len(data):
                raise ValueError("shorter than its header says")
            arrays[name] = np.frombuffer(data, dt, math.prod(shape), offset).reshape(tuple(shape)).copy()
            offset += n
        if offset != len(data):
            raise ValueError("longer than its header says")
        return header["message"], arrays
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise DataError(f"not a message of named arrays: {exc}") from None
