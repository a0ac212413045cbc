"""The network designer: draw, edit and watch the network (issue 5).

Integration API for the main window
-----------------------------------
    from workbench.designer import DesignerPanel, default_output, pair_note

    panel = DesignerPanel(network, feature_names, output_names, problem, init, seed)
    #   network: engine.Network        problem: "binary" | "multiclass" | "regression"
    #   init: initialiser name for new parts (e.g. "xavier_uniform")   seed: the experiment seed
    dock.setWidget(panel)

    editor = panel.editor                     # NetworkEditor
    editor.networkChanged.connect(on_network) # (Network) after every edit / undo / redo / set_io:
                                              #   pause the worker, rebuild the trainer with it,
                                              #   write editor.network_document() into the experiment
    editor.editRefused.connect(status_bar_message)   # (str) the engine's message; also shown in the panel
    editor.divergenceChanged.connect(...)      # (str) default divergence after set_io
    editor.set_divergence(name)                # when the run controls change the divergence (pair note)
    editor.set_io(n_inputs, n_outputs, feature_names, output_names, problem)   # dataset changed
    editor.set_network(network)                # experiment loaded / weights reset (clears undo)

    # each GUI frame (~30 Hz), from the latest snapshot; < 5 ms for 2-8-8-8-1:
    panel.view.update_weights(snapshot.parameters, snapshot.gradient)  # flat vectors (Layout order)
    panel.view.set_trace(trace, sample)        # optional: z, y of one sample in unit tooltips

    panel.view.weightSelected.connect(inspector.show_weight)   # (k, i, j): w_ij^(k), engine indices
    panel.view.unitSelected.connect(inspector.show_unit)       # (k, j); k = 0 is input x_j

Undo / redo: `panel.undo_action` / `panel.redo_action` (Ctrl+Z, Ctrl+Shift+Z) are scoped to the
panel (Qt.WidgetWithChildrenShortcut) so they do not clash with the window's own Ctrl+Z; add
`editor.undo_action(menu)` / `editor.redo_action(menu)` to an Edit menu if wanted.
A frame whose vector length does not fit the current network (sent before the trainer was
rebuilt) is ignored: update_weights returns False.
"""

from .model import (AddLayer, ChangeUnits, NetworkEdit, NetworkEditor, RemoveLayer, SetActivation,
                    default_output, pair_note)
from .panel import DesignerPanel
from .view import NetworkView

__all__ = ["DesignerPanel", "NetworkEditor", "NetworkView", "NetworkEdit", "AddLayer", "RemoveLayer",
           "ChangeUnits", "SetActivation", "default_output", "pair_note"]
