"""Decision grids: the network's output y^(N) evaluated over a rectangle of the input plane."""

from __future__ import annotations

import numpy as np

from engine.core.network import Network
from engine.core.threads import forward_flops, use_threads_for


class DecisionGrid:
    """The network evaluated on a G×G grid over two input features, for heatmaps.

    Inputs other than the two on the axes are held at `fixed` (e.g. their training means).
    `expand` maps the grid's points (G², D) to the network's inputs y^(0) when those include
    derived features (e.g. `lambda P: engine.data.features.expand(P, names)`); it runs once.
    Evaluation runs in float32 into reused buffers: the picture needs no more precision,
    and it keeps 30 redraws a second cheap.
    """

    def __init__(self, n_inputs: int, x_range, y_range, resolution: int = 200,
                 axes: tuple[int, int] = (0, 1), fixed: np.ndarray | None = None, expand=None):
        self.resolution = int(resolution)
        self.x_range, self.y_range = tuple(map(float, x_range)), tuple(map(float, y_range))
        self.axes = axes
        gx = np.linspace(*self.x_range, self.resolution, dtype=np.float32)
        gy = np.linspace(*self.y_range, self.resolution, dtype=np.float32)
        points = np.empty((self.resolution * self.resolution, n_inputs), np.float32)
        points[:] = 0.0 if fixed is None else np.asarray(fixed, np.float32)
        xx, yy = np.meshgrid(gx, gy)  # row r is y = gy[r]
        points[:, axes[0]] = xx.ravel()
        if n_inputs > 1:
            points[:, axes[1]] = yy.ravel()
        self.points = points if expand is None else np.ascontiguousarray(expand(points), dtype=np.float32)
        self._network: Network | None = None
        self._trace = None

    def evaluate(self, network: Network) -> np.ndarray:
        """Outputs y^(N) on the grid, shape (G, G, n_N); [r, c] is at (x_c, y_r)."""
        net = self._network
        if net is None or net.sizes != network.sizes or net.activation_names != network.activation_names:
            net = self._network = Network(network.sizes, network.activations, dtype="float32")
            self._trace = net.new_trace(len(self.points))
        np.copyto(net.parameters, network.parameters, casting="same_kind")
        use_threads_for(forward_flops(net.sizes, len(self.points)))
        out = net.forward(self.points, self._trace).output
        return out.reshape(self.resolution, self.resolution, -1)


def decision_grid(network: Network, x_range, y_range, resolution: int = 200, **kwargs) -> DecisionGrid:
    """A DecisionGrid sized for `network`'s inputs."""
    return DecisionGrid(network.sizes[0], x_range, y_range, resolution, **kwargs)


def fill_extent(lo, hi, width: float, height: float, ratio: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The rectangle lo..hi (x, y) widened along one axis, about its centre, to the shape of a view
    `width` × `height` px drawn at `ratio` = (px per unit of x) / (px per unit of y): a grid over it
    covers the whole view with the aspect ratio kept (no blank bands beside the picture)."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    extent, centre = hi - lo, (lo + hi) / 2
    want = width / height / ratio  # x extent / y extent that fills the view
    if extent[0] / extent[1] < want:
        extent = np.array([extent[1] * want, extent[1]])
    else:
        extent = np.array([extent[0], extent[0] / want])
    return centre - extent / 2, centre + extent / 2
