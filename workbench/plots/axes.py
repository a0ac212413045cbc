"""Axes of the curve plots: log-scale tick labels in one style, a title that fits the axis, room at the edges."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: decades labelled as plain decimals when every label of the axis lies within them
PLAIN = (-3, 4)


def log_tick_labels(exponents) -> list[str]:
    """Labels for ticks at 10^e, all in one style: plain decimals ("0.002", "50") when every tick
    lies within 10^-3..10^4, otherwise all as powers of ten ("2·10⁻⁵", "10⁻⁴"), never a mix."""
    values = [10.0 ** float(e) for e in exponents]
    parts = []
    for v in values:
        n = int(np.floor(np.log10(v) + 1e-9))
        parts.append((round(v / 10.0 ** n, 6), n))
    if all(PLAIN[0] <= n < PLAIN[1] for _, n in parts):
        return [f"{v:.{max(0, -n)}f}" if n < 0 else f"{v:g}" for v, (_, n) in zip(values, parts)]
    return [("" if m == 1 else f"{m:g}·") + "10" + str(n).translate(SUPERSCRIPT) for m, n in parts]


class SparseLogAxis(pg.AxisItem):
    """A y axis that, on a log scale, labels only 1, 2 and 5 × 10ⁿ: the labels of 3..9 sit too
    close together in a short decade and overprint each other. A range with none of those keeps
    every label. All labels of the axis share one style (`log_tick_labels`).

    Its title is the longest of `set_titles`' texts that fits along the axis (in the label's
    current font): a short plot (a 1280×720 screen) shows "loss" rather than a cut-off formula.
    """

    titles: tuple[str, ...] = ()

    def logTickStrings(self, values, scale, spacing):
        strings = log_tick_labels(np.asarray(values, float) + np.log10(scale))
        sparse = [s if round(10 ** (v % 1), 6) in (1.0, 2.0, 5.0) else "" for v, s in zip(values, strings)]
        return sparse if any(sparse) else strings

    def set_titles(self, *titles: str) -> None:
        """The axis title, longest first; shown: the longest that fits the axis's length."""
        self.titles = tuple(titles)
        self.setLabel(titles[0])

    def setLabel(self, text=None, units=None, unitPrefix=None, siPrefixEnableRanges=None, unitPower=1, **kwargs):  # noqa: N802
        if text not in self.titles:
            self.titles = ()  # a title of its own: shown as it is
        super().setLabel(text, units, unitPrefix, siPrefixEnableRanges, unitPower, **kwargs)

    def _fitting_title(self) -> str:
        room = self.size().height() if self.orientation in ("left", "right") else self.size().width()
        style = ";".join(f"{k}: {v}" for k, v in self.labelStyle.items())
        for text in self.titles:
            self.label.setHtml(f"<span style='{style}'>{text} </span>")
            if self.label.boundingRect().width() <= room:
                return text
        return self.titles[-1]

    def _updateLabel(self):  # noqa: N802 - pyqtgraph override: every new text or style is fitted again
        if self.titles and self.label is not None:
            self.labelText = self._fitting_title()
        super()._updateLabel()

    def resizeEvent(self, ev=None):  # noqa: N802 - Qt override
        if self.titles and self.label is not None and self._fitting_title() != self.labelText:
            self._updateLabel()
        elif self.titles and self.label is not None:
            self.label.setHtml(self.labelString())  # measuring replaced the label's text
        super().resizeEvent(ev)


def edge_margins(font: QFont) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) px around a plot's layout for tick labels in `font`: half a line above and
    to the right, so the top tick label (accuracy's 1.0) and the last one along x are not cut at the edge."""
    half = QFontMetrics(font).height() // 2
    return 1, half + 2, half + 4, 1
