"""Live plots: decision boundary / fitted function, loss, accuracy, per-layer gradient norms."""

import pyqtgraph as pg

pg.setConfigOptions(antialias=False, background="w", foreground="k")

# Okabe–Ito: distinguishable with every common colour-vision deficiency
CLASS_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
