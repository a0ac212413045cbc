"""The one colour palette: class k is drawn in CLASS_COLOURS[k mod 8] everywhere (plots, data panel, drawing tool).

Okabe–Ito order: distinguishable with every common colour-vision deficiency.
"""

CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def class_colour(k: int) -> str:
    """The colour of class k (cycling past the eighth class)."""
    return CLASS_COLOURS[k % len(CLASS_COLOURS)]
