"""Unit maps: the grid over the data's plane, and every unit's y_j^(k) from one forward pass."""

import numpy as np
import pytest

from engine.analysis.unit_maps import map_range, plane_grid, unit_maps
from engine.core.network import Network
from engine.data import features


def test_unit_map_plane_grid_covers_the_points_with_a_margin():
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(50, 2)) * [1.0, 3.0]
    grid = plane_grid(pts, 9, margin=0.1)
    span = pts.max(axis=0) - pts.min(axis=0)
    assert grid.x_range == pytest.approx((pts[:, 0].min() - 0.1 * span[0], pts[:, 0].max() + 0.1 * span[0]))
    assert grid.y_range == pytest.approx((pts[:, 1].min() - 0.1 * span[1], pts[:, 1].max() + 0.1 * span[1]))
    assert grid.points.shape == (81, 2)
    expanded = plane_grid(pts, 5, expand=lambda P: features.expand(P, ("x1*x2",)))
    np.testing.assert_allclose(expanded.points[:, 2], expanded.points[:, 0] * expanded.points[:, 1], rtol=1e-6)
    with pytest.raises(ValueError, match="2-D"):
        plane_grid(pts[:, :1])


def test_unit_map_rows_are_y_and_columns_x():
    # y_1^(1) = x1 (identity): the map grows along columns; y_2^(1) = x2: along rows
    net = Network((2, 2, 1), ("identity", "identity"))
    net.W[1][...] = np.eye(2)
    grid = plane_grid(np.array([[-1.0, -2.0], [1.0, 2.0]]), 4, margin=0.0)
    first = unit_maps(net, grid)[0]
    np.testing.assert_allclose(first[0, :, 0], np.linspace(-1, 1, 4), rtol=1e-6)
    np.testing.assert_allclose(first[:, 0, 1], np.linspace(-2, 2, 4), rtol=1e-6)
    assert map_range("identity", first) == (-2.0, 2.0) and map_range("sigmoid", first) == (0.0, 1.0)


def test_decision_fill_extent_widens_one_axis_to_the_view_shape():
    from engine.analysis.decision_grid import fill_extent

    lo, hi = fill_extent((0.0, -1.0), (2.0, 1.0), 400, 100)  # a wide view: x is widened, y kept
    np.testing.assert_allclose(lo, (-3.0, -1.0))
    np.testing.assert_allclose(hi, (5.0, 1.0))
    lo, hi = fill_extent((0.0, -1.0), (2.0, 1.0), 100, 400)  # a tall one: y is widened
    np.testing.assert_allclose(lo, (0.0, -4.0))
    np.testing.assert_allclose(hi, (2.0, 4.0))
    lo, hi = fill_extent((0.0, 0.0), (1.0, 100.0), 300, 300, ratio=100.0)  # mm against g: a square picture
    np.testing.assert_allclose(hi - lo, (1.0, 100.0))
