"""The shortest text that reads back to the same float64, bit for bit, as `repr` writes it.

`reprs(values)` is `list(map(repr, values.tolist()))`, byte for byte, only faster when the
optional orjson is importable (the `speed` extra): orjson writes a float64 array with Ryu, the
same shortest digits as repr, several times faster than `map(repr, …)` (10 000 values: 1.1 ms
against 8.7 ms; `reprs` 1.8 ms where 3.5 % of them are outside the band below). repr was ~90 %
of writing a history.csv, itself ~5 % of a 2,000-step sweep run (issue 13).

Its text equals repr's exactly in the band 1e-4 ≤ |x| < 1e16 and for x = ±0.0 ("0.0", "-0.0"),
where both write fixed notation (measured with orjson 3.9.0 and 3.13.0 on 2M random bit
patterns, every decade and the band edges; tests/engine/test_float_text.py checks it). Outside
it they differ (orjson: "0.0000214", "1e-7" or, by version, "1e16" where repr writes
"2.14e-05", "1e-07", "1e+16"; NaN and ±inf: null), so those values — few in practice — are
written by repr itself. Without orjson, every value is.
"""

from __future__ import annotations

import numpy as np

try:
    import orjson
except ImportError:  # optional: the engine core needs NumPy and the standard library only
    orjson = None

#: where orjson's text is repr's: fixed notation on both sides (repr's own switch points)
BAND_LOW, BAND_HIGH = 1e-4, 1e16


def reprs(values: np.ndarray) -> list[str]:
    """repr(float(x)) of every value x of a 1-D float64 array, in order."""
    flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if orjson is None or not len(flat):
        return list(map(repr, flat.tolist()))
    texts = orjson.dumps(flat, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].decode().split(",")
    magnitude = np.abs(flat)
    outside = np.flatnonzero(~(((magnitude >= BAND_LOW) & (magnitude < BAND_HIGH)) | (magnitude == 0.0)))  # NaN too
    for i, value in zip(outside.tolist(), flat[outside].tolist()):
        texts[i] = repr(value)
    return texts
