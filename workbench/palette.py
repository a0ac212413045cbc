"""The one colour palette: class k is drawn in CLASS_COLOURS[k mod 8] everywhere (plots, data panel, drawing tool).

Okabe–Ito order: distinguishable with every common colour-vision deficiency.
"""

CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def class_colour(k: int) -> str:
    """The colour of class k (cycling past the eighth class)."""
    return CLASS_COLOURS[k % len(CLASS_COLOURS)]


def high_contrast(colour, min_alpha: int = 170):
    """`colour` for a washed-out projector: the same hue, fully saturated, no lighter than mid-tone,
    and at least `min_alpha` opaque (a projector adds light: pale tints and thin translucency vanish)."""
    from PySide6.QtGui import QColor

    c = QColor(colour)
    h, s, lightness, a = c.getHslF()
    if s > 0.05:  # greys and black keep their hue-less lightness
        s = max(s, 0.9)
    return QColor.fromHslF(max(h, 0.0), s, min(lightness, 0.42), max(a, min_alpha / 255))
