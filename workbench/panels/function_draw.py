"""Drawing the function dock: the plane of f(x, y) and the curves of f(x), with the paths.

All values come from the engine (Objective.value/gradient/hessian, curvature_axes, contour
segments); this module only places them. Paths are engine Descents, drawn in PATH_COLOURS
with their optimiser's label in the legend; the selected one carries the current point.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine.analysis.contour import contour_segments
from engine.objectives.levels import label_points, levels

from .function_view import PATH_COLOURS, LineView, PlaneView

GRID = 121
SAMPLES = 600


def grid(f) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """xs, ys and Z[r, c] = f(xs[c], ys[r]) over the objective's view."""
    x0, x1, y0, y1 = f.view
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    with np.errstate(all="ignore"):
        return xs, ys, f.value(np.stack(np.meshgrid(xs, ys), axis=-1))


def draw_surface(plane: PlaneView, f) -> None:
    """The heatmap and the labelled level sets of a 2-D objective."""
    xs, ys, Z = grid(f)
    x0, x1, y0, y1 = f.view
    with np.errstate(all="ignore"):
        shown = np.sign(Z) * np.log1p(np.abs(Z))
    plane.image.setImage(np.where(np.isfinite(shown), shown, np.nan).T, autoLevels=True)
    plane.image.setRect(x0, y0, x1 - x0, y1 - y0)
    for label in plane.labels:
        plane.plot.removeItem(label)
    plane.labels = []
    values = levels(Z)
    pieces = [contour_segments(Z, level, xs, ys) for level in values]
    for level, spot in zip(values, label_points(pieces, x1 - x0)):
        if spot is not None:
            label = pg.TextItem(f"{level:g}", color="w", anchor=(0.5, 0.5), fill=(0, 0, 0, 130))
            label.setPos(*spot)
            plane.plot.addItem(label)
            plane.labels.append(label)
    points = np.concatenate(pieces) if pieces else np.empty((0, 2))
    plane.lines.setData(points[:, 0], points[:, 1])
    plane.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)


def _path_items(view, count: int, plot) -> list[pg.PlotDataItem]:
    """`count` path curves in `plot`, reusing those there."""
    while len(view.paths) < count:
        colour = PATH_COLOURS[len(view.paths) % len(PATH_COLOURS)]
        item = pg.PlotDataItem(pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5, symbolBrush=colour,
                               symbolPen=None)
        item.setZValue(10)
        plot.addItem(item)
        view.paths.append(item)
    while len(view.paths) > count:
        plot.removeItem(view.paths.pop())
    return view.paths


def _legend(view, labels) -> None:
    """The paths by optimiser, then what the marks at the current point mean."""
    view.legend.clear()
    fit = getattr(view.legend, "fit", None)
    for item, label in zip(view.paths, labels):
        view.legend.addItem(item, label)
    for item, label in view.marks:
        view.legend.addItem(item, label)
    if fit is not None:
        fit()  # the columns follow the entries' widths, which the labels just changed


def gradient_arrow(f, here: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the tail, the tip) of −∇f at `here`, its length 12 % of the view's width."""
    scale = 0.12 * (f.view[1] - f.view[0])
    with np.errstate(all="ignore"):
        g = f.gradient(here)
        norm = float(np.linalg.norm(g))
    return here, (here - g / norm * scale if 0 < norm < np.inf else here)


def on_screen(points: np.ndarray, view, margin: float = 1.0) -> int:
    """How many points to draw: up to the first one more than `margin` view-widths outside the
    view (after it a diverging path only repeats its zig-zag off the screen)."""
    x0, x1, y0, y1 = view
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    outside = ((points[:, 0] < x0 - mx) | (points[:, 0] > x1 + mx) | (points[:, 1] < y0 - my)
               | (points[:, 1] > y1 + my))
    return int(np.argmax(outside)) + 1 if outside.any() else len(points)


def draw_plane_paths(plane: PlaneView, f, paths, labels, selected: int) -> None:
    """The paths, and at the selected one's last point: the point, −∇f, the level set through it
    and the Hessian's eigen-axes (half-lengths ∝ |λ|, the larger one 12 % of the view)."""
    for item, path in zip(_path_items(plane, len(paths), plane.plot), paths):
        shown = path.points[: on_screen(path.points, f.view)]
        item.setData(shown[:, 0], shown[:, 1])
    _legend(plane, labels)
    here = paths[selected].points[-1]
    plane.point.setData([here[0]], [here[1]])
    tail, tip = gradient_arrow(f, here)
    plane.gradient.setData([tail[0], tip[0]], [tail[1], tip[1]])
    direction = np.degrees(np.arctan2(tip[1] - tail[1], tip[0] - tail[0]))
    plane.arrow.setStyle(angle=180.0 - direction)  # ArrowItem points along its angle's opposite, y up
    plane.arrow.setPos(tip[0], tip[1])
    plane.arrow.setVisible(bool((tip != tail).any()))
    xs, ys, Z = grid(f)
    seg = contour_segments(Z, float(f.value(here)), xs, ys)
    plane.here_level.setData(seg[:, 0], seg[:, 1]) if len(seg) else plane.here_level.setData([], [])
    if not np.isfinite(f.hessian(here)).all():  # outside a typed formula's domain
        plane.axes.setData([], [])
        return
    lam, vectors = f.curvature_axes(here)
    top = float(np.abs(lam).max()) or 1.0
    scale = 0.12 * (f.view[1] - f.view[0])
    ends = np.concatenate([[here - scale * max(abs(l) / top, 0.08) * u, here + scale * max(abs(l) / top, 0.08) * u]
                           for l, u in zip(lam, vectors.T)])
    plane.axes.setData(ends[:, 0], ends[:, 1])


def draw_curves(line: LineView, f) -> None:
    """f, f′ and f″ over the objective's x range (non-finite values left as gaps)."""
    x0, x1 = f.view[:2]
    xs = np.linspace(x0, x1, SAMPLES)
    with np.errstate(all="ignore"):
        p = xs[:, None]
        curves = (f.value(p), f.gradient(p)[:, 0], f.hessian(p)[:, 0, 0])
    for row, (plot, ys) in enumerate(zip(line.plots, curves)):
        plot.curve.setData(xs, np.where(np.isfinite(ys), ys, np.nan), connect="finite")
        finite = ys[np.isfinite(ys)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        lo, hi = (min(lo, 0.0), max(hi, 0.0)) if row else (lo, hi)  # f′, f″: their sign against the zero line
        lo, hi = (lo - 1.0, hi + 1.0) if hi - lo < 1e-9 else (lo, hi)
        plot.setYRange(lo, hi, padding=0.08)  # fixed: a diverging path must not squash the curves
    line.f.setXRange(x0, x1, padding=0.02)


def draw_line_paths(line: LineView, f, paths, labels, selected: int) -> None:
    """The paths (x_k, f(x_k)) on f; the selected one's last point on all three, with the tangent."""
    for item, path in zip(_path_items(line, len(paths), line.f), paths):
        item.setData(path.points[:, 0], path.values)
    _legend(line, labels)
    x = float(paths[selected].points[-1, 0])
    p = np.array([x])
    values = (float(f.value(p)), float(f.gradient(p)[0]), float(f.hessian(p)[0, 0]))
    for plot, y in zip(line.plots, values):
        plot.marker.setData([x], [y])
        plot.here.setValue(x)
    half = 0.08 * (f.view[1] - f.view[0])
    line.tangent.setData([x - half, x + half], [values[0] - half * values[1], values[0] + half * values[1]])


def hide_gradient(view) -> None:
    """No −∇f (2-D arrow) nor tangent (1-D) at the current point: its gradient is not evaluated yet."""
    if isinstance(view, PlaneView):
        view.gradient.setData([], [])
        view.arrow.setVisible(False)
    else:
        view.tangent.setData([], [])
