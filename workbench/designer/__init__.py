"""The network designer: draw, edit and watch the network (issue 5).

Integration API for the main window
-----------------------------------
    from workbench.designer import DesignerPanel, default_output, pair_note

    panel = DesignerPanel(network, feature_names, output_names, problem, init, seed)
    #   network: engine.Network   feature_names / output_names: list[str] | None (x1.., y1.. if None)
    #   problem: "binary" | "multiclass" | "regression"
    #   init: initialiser name for the parts an edit creates   seed: the experiment seed
    #   (optional divergence=...; default: default_output(problem)[1])
    dock.setWidget(panel)
    editor, view = panel.editor, panel.view   # NetworkEditor, NetworkView

    editor.aboutToEdit.connect(pause_run)          # () before an edit is computed: pause the worker
                                                   #   (and, if you hold a newer snapshot than the last
                                                   #   frame, editor.set_live_parameters(snapshot.parameters))
    editor.networkChanged.connect(on_network)      # (Network) after every edit / undo / redo / set_io:
                                                   #   rebuild the trainer from it (its weights are the
                                                   #   trained ones, new parts initialised) and write
                                                   #   editor.network_document() into the experiment
    editor.editRefused.connect(status_message)     # (str) engine's message; the panel shows it too
    editor.divergenceChanged.connect(controls.set_divergence)   # (str) default divergence after set_io
    editor.set_divergence(name)                    # run controls changed the divergence (pair note)
    editor.set_io(n_inputs, n_outputs, feature_names, output_names, problem)   # dataset changed
    editor.set_network(network)                    # experiment loaded / reset (clears undo)

    # each GUI frame (~30 Hz) from the latest snapshot; 2-8-8-8-1 ≈ 1 ms:
    view.update_weights(snapshot.parameters, snapshot.gradient)   # flat vectors, engine Layout order
    view.set_trace(snapshot_trace, sample)         # optional: z_j^(k), y_j^(k) in unit tooltips

    view.weightSelected.connect(inspector.select_weight) # (k, i, j) = w_ij^(k), engine indices
    view.unitSelected.connect(inspector.select_unit)     # (k, j); k = 0 is input x_j
    view.select_weight(k, i, j, emit=False)              # highlight a selection made elsewhere

Indices: k = 1..N as the engine (0 = inputs), i, j from 0 as W[k][i, j]; the drawing and its
tooltips number units from 1 as the lecture does.

update_weights hands each vector to the editor (set_live_parameters, a reference, not a
copy), so an edit starts from the trained weights and undo returns to them. A vector whose
length does not fit the current network (a frame from before the trainer was rebuilt) is
ignored: update_weights returns False.

Undo / redo: `panel.undo_action` / `panel.redo_action` (Ctrl+Z, Ctrl+Shift+Z) are scoped to the
panel (Qt.WidgetWithChildrenShortcut) so they do not clash with the window's own Ctrl+Z; put
`editor.undo_action(menu)` / `editor.redo_action(menu)` in a menu if wanted (then set the
shortcut context there). Keys in the view, on the selected layer: + / − units, Insert /
Shift+Insert add a layer after / before, Delete removes it, A opens the activation menu,
← / → move the layer selection.
"""

from .model import NetworkEditor, default_output, pair_note
from .panel import DesignerPanel
from .view import NetworkView

__all__ = ["DesignerPanel", "NetworkEditor", "NetworkView", "default_output", "pair_note"]
