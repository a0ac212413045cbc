"""The data panel: choose, generate, import and draw the dataset (issue 6).

Integration API for the main window
===================================

Create and dock it::

    from workbench.datapanel import DatasetPanel, DatasetChoice, PointDrawingTool, AxisPicker

    self.data_panel = DatasetPanel()                      # DatasetPanel(parent=None, default="spirals")
    dock = QDockWidget("Data"); dock.setWidget(self.data_panel)
    self.data_panel.datasetChosen.connect(self.on_dataset_chosen)   # Signal(object): a DatasetChoice
    self.data_panel.sliceChanged.connect(self.on_slice_changed)     # Signal(int, int): axes (i, j)

`DatasetChoice` (frozen dataclass, emitted when the user applies a choice: the "Use this dataset"
button, a bundled-set button (one click), or every edit while "apply immediately" is ticked):

    choice.section   dict  the experiment's "dataset" section (JSON-ready; always carries "seed",
                           "test_fraction", "standardize"); store it in the experiment as is.
                           engine.run.build() on that section gives bit-identical data.
    choice.dataset   engine.data.Dataset           all examples, raw units
    choice.data      engine.data.preparation.PreparedData   split + standardisation the trainer uses
    choice.n_inputs, choice.n_outputs, choice.problem, choice.source, choice.summary()

The main window adapts n_0 / n_N of the network to (choice.n_inputs, choice.n_outputs) — e.g.
`experiment.with_dataset_sizes(choice.n_inputs, choice.n_outputs)` — and, if that re-initialises
weights, asks the user first (and can undo by calling `set_section(old_section)`). When the
sizes did not change (e.g. another drawn point with "apply immediately") it may swap the data
and keep the weights.

Calls the main window makes:

    panel.current_choice -> DatasetChoice | None       the active (last applied) choice
    panel.pending_choice() -> DatasetChoice | None     what the open page previews
    panel.set_section(section: dict, base_dir=None, seed: int = 0, emit: bool = False)
            -> DatasetChoice | None                    show an opened experiment's dataset; makes it
                                                       active; errors are shown inline (returns None)
    panel.accept_drop(path) -> bool                    forward a file dropped on the whole window
                                                       (background load; loadFinished(bool) follows)
    panel.open_file(path) / panel.browse()             import a file / open the file dialog
    panel.choose_builtin(name, **params) / panel.choose_bundled(name, apply=True)
    panel.apply() -> DatasetChoice | None              same as pressing "Use this dataset"
    panel.attach_drawing(plot_item: pg.PlotItem) -> PointDrawingTool
            let the user draw points on the central decision view; the tool is active while the
            panel's Draw page is open (clicks add points; right-click / Shift+click: next class;
            Alt+drag or the eraser checkbox: erase; plain drag still pans). `tool.detach()` removes it.
            The view's own ViewBox menu is disabled while the tool is active. After the host
            calls plot_item.clear() (e.g. DecisionView.set_run), call `tool.refresh()` to put the
            drawn-points overlay back (the next drawn point also does it).
    panel.axis_picker: AxisPicker                      shown when the data has more than 2 features
        .slice_axes() -> (i, j)                        features on the horizontal / vertical axis
        .slice_fixed(data: PreparedData) -> np.ndarray (n_inputs,): training-set means in the
                                                       network's (standardised) units, e.g.
                                                       DecisionGrid(..., axes=(i, j), fixed=...)
        .caption_text() -> str                         e.g. "petal_length × petal_width; other
                                                       features held at their mean" ("" for ≤ 2)
        .sliceChanged(int, int)                        (re-emitted by the panel as sliceChanged)
    panel.shutdown()                                   from closeEvent: stops the background loader

Other signals: loadFinished(bool) after a background import (True: ready to apply; False: the
error is shown inline in red, naming file, row and column, and the previous dataset stays
active); pendingChanged(object) whenever the preview changes. Nothing in the panel raises to
the caller: every engine error becomes inline text.

Drag-and-drop onto the panel itself is handled; forward drops elsewhere with accept_drop().
Large files (e.g. MNIST 60,000 × 784 IDX) load in a worker thread (concurrent.futures, polled by
a QTimer), with a busy bar; the GUI thread never blocks on a load.
"""

from .axes import CAPTION, AxisPicker
from .choice import DatasetChoice, realize
from .drawing import PointDrawingTool, PointSet
from .panel import DatasetPanel

__all__ = ["AxisPicker", "CAPTION", "DatasetChoice", "DatasetPanel", "PointDrawingTool", "PointSet",
           "realize"]
