"""The inspector: every number of the forward and backward pass, explained (issue 7).

Integration API (what the main window uses)
-------------------------------------------
::

    from workbench.inspector import InspectorPanel, InspectorState
    from workbench.commands import WeightEditCommand

    panel = InspectorPanel(parent)                      # put it in a QDockWidget
    # on the GUI thread, whenever a new snapshot arrives (≤ 30 Hz):
    panel.show_state(state)                             # state: InspectorState (frozen, copies)
    # the worker thread builds the state from its live trainer (copies everything), as the
    # inspector's probe (workbench.panels.inspector.InspectorProbe): snapshot.probes["inspector"]
    state = InspectorState.from_trainer(trainer, paused=not running)

    # selection, e.g. from the network designer or a click on a data point
    panel.select_weight(k, i, j)                        # w_ij^(k): i in layer k−1, j in layer k, from 0
    panel.select_unit(k, j)                             # unit j of layer k
    panel.select_sample(t)                              # sample t of the mini-batch

    # signals
    panel.phaseRequested.connect(lambda: worker.send(StepPhase()))   # Step forward / backward / Update
    panel.selectionChanged.connect(lambda k, i, j: designer.view.select_weight(k, i, j, emit=False))
    panel.weightEdited.connect(on_weight_edited)                     # (k, i, j, new value), only while paused

    def on_weight_edited(k, i, j, value):
        old = panel.weight_value(k, i, j)
        undo_stack.push(WeightEditCommand(k, i, j, value, old, apply=set_weight))
        # push() runs redo → set_weight(k, i, j, value); Ctrl+Z → set_weight(k, i, j, old)

    def set_weight(k, i, j, value):                   # route to the worker (it owns the network)
        worker.send(SetWeight(k, i, j, value))        # workbench.worker.commands; it publishes a new state

`InspectorState` fields: network, trace, grads, d, divergence, next_phase, iteration,
pass_parameters (θ the trace was computed with, when it differs from network: after an
update), paused (False disables editing, the step buttons and the numeric check), learning_rate,
fused (the trainer's y − d shortcut flag). Showing the same state object twice is a no-op.

The inspector keeps its own history of every weight and gradient per finished iteration
(`ParameterHistory`, bounded memory), appended on each `show_state` whose iteration advanced.

Pieces, usable on their own: `WeightInspector`, `LayerView`, `StepThroughBar`, `Heatmap`.
Indices are the engine's (W[i, j] = w_ij^(k), units from 0, layers k = 1..N).
"""

from .heatmap import Heatmap
from .history import ParameterHistory
from .layer_view import LayerView
from .panel import InspectorPanel
from .state import InspectorState
from .step_bar import StepThroughBar
from .weight_inspector import WeightInspector

__all__ = ["Heatmap", "InspectorPanel", "InspectorState", "LayerView", "ParameterHistory",
           "StepThroughBar", "WeightInspector"]
