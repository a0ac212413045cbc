"""The sweep at a glance, as an SVG: a metric against the varied key, one point per run.

One varied key: x = its values (a log axis for rates spanning more than 20×, categories
evenly spaced otherwise), y = the metric (a log axis for losses); each run a dot, the seeds'
mean joined by a line, diverged runs as a red × along the top. Two keys: a heatmap of the
seeds' mean, one cell per pair, with its value written in. Pure text: no plotting library.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from engine.sweep.grid import Axis, GridPoint

WIDTH, HEIGHT = 720, 480
LEFT, RIGHT, TOP, BOTTOM = 90, 30, 50, 80
OKABE_BLUE, RED = "#0072B2", "#D55E00"


def _scale(values: np.ndarray, log: bool, low: float, high: float):
    v = np.log10(values) if log else values
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 0.05 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    return lambda x: low + (high - low) * ((np.log10(x) if log else x) - lo) / (hi - lo), (lo, hi)


def _ticks(lo: float, hi: float, log: bool) -> list[float]:
    if log:  # lo, hi are log10 values; 1, 2, 5 × 10ⁿ when the range spans few decades
        steps = (1.0,) if hi - lo > 2.5 else (1.0, 2.0, 5.0)
        ticks = [m * 10.0 ** e for e in range(math.floor(lo), math.ceil(hi) + 1) for m in steps]
        return [t for t in ticks if lo <= math.log10(t) <= hi]
    step = 10 ** math.floor(math.log10((hi - lo) / 4))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (m * step) <= 6:
            step *= m
            break
    return list(np.arange(math.ceil(lo / step) * step, hi, step))


def _value_of(point: GridPoint, key: str):
    return point.seed if key == "seed" else point.values[key]


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _frame(title: str, xlabel: str, ylabel: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="14">',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
            f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" font-size="18">{escape(title)}</text>',
            f'<text x="{WIDTH / 2}" y="{HEIGHT - 20}" text-anchor="middle">{escape(xlabel)}</text>',
            f'<text x="20" y="{HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 20 {HEIGHT / 2})">'
            f'{escape(ylabel)}</text>']


def _curve(points: list[GridPoint], rows: dict, axis: Axis, metric: str) -> list[str]:
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP
    numeric = axis.numeric
    xs = np.array(axis.values if numeric else range(len(axis.values)), dtype=float)
    xmap, (xl, xh) = _scale(xs, axis.logarithmic, x0, x1)
    data = [(p, rows[p.name]) for p in points if p.name in rows]
    ok = np.array([r[metric] for _, r in data if r["status"] != "diverged" and np.isfinite(r[metric])], dtype=float)
    log_y = metric.endswith("loss") and len(ok) and ok.min() > 0
    ymap, (yl, yh) = _scale(ok if len(ok) else np.array([0.0, 1.0]), bool(log_y), y0, y1)
    svg = [f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="black"/>',
           f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>']
    tick_x = _ticks(xl, xh, axis.logarithmic) if numeric else list(range(len(axis.values)))
    for t in tick_x:
        x = float(xmap(t)) if numeric else float(xmap(float(t)))
        text = _label(t) if numeric else _label(axis.values[int(t)])
        svg.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + 6}" stroke="black"/>'
                   f'<text x="{x:.1f}" y="{y0 + 22}" text-anchor="middle">{escape(text)}</text>')
    for t in _ticks(yl, yh, bool(log_y)):
        y = float(ymap(t))
        svg.append(f'<line x1="{x0 - 6}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="black"/>'
                   f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#dddddd"/>'
                   f'<text x="{x0 - 10}" y="{y + 5:.1f}" text-anchor="end">{_label(float(t))}</text>')
    means = []
    for i, value in enumerate(axis.values):
        x = float(xmap(float(value) if numeric else float(i)))
        group = [r for p, r in data if _value_of(p, axis.key) == value]
        finite = [r[metric] for r in group if r["status"] != "diverged" and np.isfinite(r[metric])]
        for r in group:
            if r["status"] == "diverged" or not np.isfinite(r[metric]):
                svg.append(f'<text x="{x:.1f}" y="{y1 + 4}" text-anchor="middle" fill="{RED}" font-size="18">×</text>')
            else:
                svg.append(f'<circle cx="{x:.1f}" cy="{float(ymap(r[metric])):.1f}" r="4" fill="{OKABE_BLUE}" '
                           'fill-opacity="0.6"/>')
        if finite:
            means.append((x, float(ymap(np.exp(np.mean(np.log(finite))) if log_y else np.mean(finite)))))
    if len(means) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in means)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{OKABE_BLUE}" stroke-width="2"/>')
    return svg


def _heatmap(points: list[GridPoint], rows: dict, axes: list[Axis], metric: str) -> list[str]:
    a, b = axes[:2]
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP
    cw, ch = (x1 - x0) / len(a.values), (y0 - y1) / len(b.values)
    grid = np.full((len(a.values), len(b.values)), np.nan)
    for i, va in enumerate(a.values):
        for j, vb in enumerate(b.values):
            values = [rows[p.name][metric] for p in points if p.name in rows and _value_of(p, a.key) == va
                      and _value_of(p, b.key) == vb and rows[p.name]["status"] != "diverged"]
            values = [v for v in values if np.isfinite(v)]
            grid[i, j] = np.mean(values) if values else np.nan
    finite = grid[np.isfinite(grid)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    svg = []
    for i, va in enumerate(a.values):
        svg.append(f'<text x="{x0 + (i + 0.5) * cw:.1f}" y="{y0 + 22}" text-anchor="middle">{escape(_label(va))}</text>')
        for j in range(len(b.values)):
            x, y = x0 + i * cw, y0 - (j + 1) * ch
            v = grid[i, j]
            if np.isfinite(v):
                t = 0.0 if hi == lo else (v - lo) / (hi - lo)
                shade = int(255 - 180 * t)
                fill, text = f"rgb({shade},{shade},255)", f"{v:.3g}"
            else:
                fill, text = "#f4cccc", "diverged"
            svg.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cw:.1f}" height="{ch:.1f}" fill="{fill}" stroke="white"/>'
                       f'<text x="{x + cw / 2:.1f}" y="{y + ch / 2 + 5:.1f}" text-anchor="middle">{text}</text>')
    for j, vb in enumerate(b.values):
        svg.append(f'<text x="{x0 - 10}" y="{y0 - (j + 0.5) * ch + 5:.1f}" text-anchor="end">{escape(_label(vb))}</text>')
    return svg


def summary_svg(points: list[GridPoint], rows: dict, axes: list[Axis], metric: str = "train_loss") -> str:
    """The SVG document: a curve for one varied key, a heatmap for two (the first two)."""
    varied = [a for a in axes if a.key != "seed"] or [Axis("seed", tuple(sorted({p.seed for p in points})))]
    if len(varied) == 1:
        svg = _frame(f"final {metric.replace('_', ' ')} against {varied[0].key}", varied[0].key,
                     metric.replace("_", " ")) + _curve(points, rows, varied[0], metric)
    else:
        svg = _frame(f"final {metric.replace('_', ' ')} (mean over seeds)", varied[0].key, varied[1].key) \
            + _heatmap(points, rows, varied, metric)
    return "\n".join(svg + ["</svg>"]) + "\n"
