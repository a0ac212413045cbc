"""The vectorised 0.5 level line used for the decision boundary."""

import numpy as np

from engine.analysis.contour import contour_segments


def test_circle_level_line():
    xs = np.linspace(-1, 1, 81)
    ys = np.linspace(-1, 1, 61)
    X, Y = np.meshgrid(xs, ys)
    seg = contour_segments(X**2 + Y**2, 0.25, xs, ys)
    assert len(seg) > 50 and len(seg) % 2 == 0
    assert np.abs(np.hypot(seg[:, 0], seg[:, 1]) - 0.5).max() < 0.01


def test_no_crossing_no_segments():
    xs = ys = np.linspace(0, 1, 10)
    assert contour_segments(np.zeros((10, 10)), 0.5, xs, ys).shape == (0, 2)
