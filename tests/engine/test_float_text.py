"""float_text.reprs writes every float64 exactly as repr does, with orjson and without it."""

from __future__ import annotations

import io

import numpy as np
import pytest

from engine import cli
from engine.io import float_text
from engine.io.float_text import reprs
from engine.io.history_csv import HistoryWriter
from tests.engine.test_cli import DEFAULT


@pytest.fixture(params=["orjson", "repr"])
def way(request, monkeypatch):
    """Both paths: orjson where importable, and with orjson made unavailable."""
    if request.param == "orjson" and float_text.orjson is None:
        pytest.skip("orjson (the speed extra) is not installed")
    if request.param == "repr":
        monkeypatch.setattr(float_text, "orjson", None)
    return request.param


def _random_bits(n=250_000, seed=13):
    return np.random.default_rng(seed).integers(0, 2**64 - 1, size=n, dtype=np.uint64, endpoint=True).view(np.float64)


def _edges():
    """Every decade 1e-330..1e308 and its neighbours, the band edges and theirs, ±0, 5e-324, the largest float."""
    with np.errstate(over="ignore"):
        decades = np.array([float(f"1e{k}") for k in range(-330, 309)])
        edges = np.concatenate([decades, [1e-5, 1e-4, 1e16, 5e-324, np.finfo(np.float64).max]])
        edges = np.concatenate([edges, np.nextafter(edges, np.inf), np.nextafter(edges, -np.inf)])
    edges = edges[np.isfinite(edges)]
    return np.concatenate([edges, -edges, [0.0, -0.0]])


def _assert_as_repr(values):
    expected = list(map(repr, values.tolist()))
    got = reprs(values)
    wrong = [(e, g) for e, g in zip(expected, got, strict=True) if e != g]
    assert not wrong, f"{len(wrong)} differ from repr, e.g. {wrong[:3]}"


def test_random_bit_patterns_are_written_as_repr_writes_them(way):
    values = _random_bits()
    finite = values[np.isfinite(values)]
    assert len(finite) > 200_000 and np.any(np.abs(finite) < 1e-4) and np.any(np.abs(finite) >= 1e16)
    _assert_as_repr(finite)
    _assert_as_repr(np.concatenate([values[~np.isfinite(values)], [np.inf, -np.inf, np.nan, -np.nan, 1.5]]))


def test_decades_band_edges_and_extremes_are_written_as_repr_writes_them(way):
    values = _edges()
    assert {0.0, 5e-324, 1e-4, 1e16}.issubset(values.tolist())
    _assert_as_repr(values)
    assert reprs(np.array([0.0, -0.0, 1e-4, np.nextafter(1e-4, 0), 1e16, np.nextafter(1e16, 0)])) == [
        "0.0", "-0.0", "0.0001", "9.999999999999999e-05", "1e+16", "9999999999999998.0"]


def test_short_values_inside_the_band_and_any_layout(way):
    rng = np.random.default_rng(5)
    short = rng.integers(-10**6, 10**6, size=50_000) / 10.0 ** rng.integers(0, 12, size=50_000)
    _assert_as_repr(short)
    assert reprs(np.array([])) == []
    assert reprs(short[::7].astype(">f8")) == list(map(repr, short[::7].tolist()))  # strided, big-endian


def _train_history(tmp_path, name):
    status = cli.main(["train", str(DEFAULT), "--steps", "300", "--quiet", "--out", str(tmp_path / name)])
    assert status == 0
    return (tmp_path / name / "history.csv").read_bytes()


def test_a_trained_history_csv_is_the_same_with_and_without_orjson(tmp_path, monkeypatch):
    if float_text.orjson is None:
        pytest.skip("orjson (the speed extra) is not installed")
    fast = _train_history(tmp_path, "orjson")
    monkeypatch.setattr(float_text, "orjson", None)
    assert _train_history(tmp_path, "repr") == fast
    assert len(fast.splitlines()) > 300


def _written(iterations, evaluations):
    f = io.StringIO()
    writer = HistoryWriter(f, 2)
    writer.take("evaluations", evaluations)
    writer.take("iterations", iterations)
    writer.finish()
    return f.getvalue()


def test_history_writer_rows_of_any_values_are_the_same_with_and_without_orjson(monkeypatch):
    if float_text.orjson is None:
        pytest.skip("orjson (the speed extra) is not installed")
    values = np.concatenate([_random_bits(6000, seed=3), _edges()[:1500], [np.nan] * 500])
    iterations = np.random.default_rng(2).permutation(values)[: 6 * 1000].reshape(1000, 6)
    iterations[:, 0] = np.arange(1, 1001)  # steps
    evaluations = np.tile(values[:8], (100, 1))
    evaluations[:, 0] = np.arange(0, 1000, 10)
    fast = _written(iterations, evaluations)
    monkeypatch.setattr(float_text, "orjson", None)
    assert _written(iterations, evaluations) == fast
    assert "e-" in fast and "e+" in fast and ",," in fast  # exponents (outside the band) and NaN cells
