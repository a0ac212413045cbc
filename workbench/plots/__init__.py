"""Live plots: decision boundary / fitted function, loss, accuracy, per-layer gradient norms."""

import pyqtgraph as pg

from workbench.palette import CLASS_COLOURS  # noqa: F401  (re-exported for the plots)

pg.setConfigOptions(antialias=False, background="w", foreground="k")
