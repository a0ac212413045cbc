"""Unit maps for the network designer: the probe that computes them in the worker, and the grid it uses.

`UnitMapProbe` evaluates the live network once on a coarse G×G grid of the input plane
(engine.analysis.unit_maps: one batched forward pass gives y^(k) of every layer) and hands
the maps over as a frozen `UnitMaps` payload of copies. Its grid is set on the GUI thread for
each run (`configure`); the worker only reads the reference it finds, and refuses a grid
that does not fit the trainer's n_0 (a frame of the run before), so a stale pairing never
reaches the view. Turned off (`enabled = False`) it costs one attribute read per interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis.decision_grid import DecisionGrid
from engine.analysis.unit_maps import DEFAULT_RESOLUTION, plane_grid, unit_maps
from engine.data import features

#: while training, maps are recomputed at most this often (s); a 24×24 pass is ~0.2 ms
INTERVAL = 0.1


@dataclass(frozen=True, eq=False)
class UnitMaps:
    """maps[k − 1]: (G, G, n_k) read-only, y^(k) over the grid; inputs: (G, G, n_0), y^(0) (x and its
    derived features); for a network of `sizes` at `iteration`."""

    maps: tuple
    sizes: tuple
    activations: tuple
    iteration: int
    grid: DecisionGrid
    inputs: np.ndarray | None = None


def grid_for(data, resolution: int = DEFAULT_RESOLUTION, extent=None) -> DecisionGrid | None:
    """The unit-map grid for prepared data: its first two inputs' extent (with derived features), or None
    unless the data has exactly 2 raw inputs (maps are drawn for 2-D inputs only). `extent`: (lo, hi) of
    x1, x2 in the network's (standardised) units instead (e.g. widened to a window's shape)."""
    if data is None or data.n_raw_inputs != 2:
        return None
    names = tuple(data.input_features)
    expand = (lambda P: features.expand(P, names)) if names else None
    if extent is not None:
        (x0, y0), (x1, y1) = extent
        return DecisionGrid(2, (x0, x1), (y0, y1), resolution, expand=expand)
    points = np.vstack([data.X_train[:, :2], data.X_test[:, :2]])
    return plane_grid(points, resolution, expand=expand)


class UnitMapProbe:
    """y_j^(k) of every unit over the plane, for the designer's thumbnails; 10 times a second while training."""

    name = "unit-maps"
    interval = INTERVAL

    def __init__(self):
        self.grid: DecisionGrid | None = None
        self.enabled = True

    def configure(self, grid: DecisionGrid | None) -> None:
        """The grid of the run about to be installed (GUI thread; None: no maps for this data)."""
        self.grid = grid

    def compute(self, trainer, paused: bool) -> UnitMaps | None:
        grid = self.grid  # one read: the GUI thread may replace it meanwhile
        net = trainer.network
        if not self.enabled or grid is None or grid.points.shape[1] != net.sizes[0]:
            return None
        with np.errstate(all="ignore"):  # diverging weights: the maps show what there is (NaN → white)
            maps = unit_maps(net, grid)  # fresh arrays: nothing shared with the trainer
        for m in maps:
            m.flags.writeable = False
        G = grid.resolution
        inputs = grid.points.reshape(G, G, -1).copy()
        inputs.flags.writeable = False
        return UnitMaps(tuple(maps), tuple(net.sizes), tuple(net.activation_names), int(trainer.iteration), grid,
                        inputs)
