"""The panels the window docks: one module each, listed once in `PANELS` (see base.Panel).

A new panel: its module here (a `BasePanel` subclass, with a probe if it needs the live
trainer) and one line below. Order: construction order (a panel may use those before it),
the View menu's order and, weighted by `frame_share`, the order frames visit them.
"""

from .controls import RunControlsPanel
from .curvature import CurvaturePanel
from .curves import AccuracyPanel, GradientNormPanel, LossPanel
from .dataset import DataPanel
from .decision import DecisionPanel
from .function import FunctionPanel
from .inspector import InspectorDockPanel
from .landscape import LandscapePanel
from .messages import MessagesPanel
from .network import NetworkPanel
from .runs import RunsPanel

PANELS = [
    DecisionPanel,
    RunControlsPanel,
    DataPanel,
    InspectorDockPanel,
    LossPanel,
    AccuracyPanel,
    GradientNormPanel,
    MessagesPanel,
    NetworkPanel,
    LandscapePanel,
    CurvaturePanel,
    FunctionPanel,
    RunsPanel,
]
