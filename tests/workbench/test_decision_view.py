"""The central view for each problem kind: binary heatmap + contour, multi-class colours, 1-D regression."""

from __future__ import annotations

import numpy as np
import pytest

from engine.io.experiment import Experiment, default_experiment
from tests.workbench.gui_support import make_window, wait_snapshot
from workbench.session import Session

CASES = {
    "multiclass": ({"builtin": "blobs", "samples": 120, "classes": 3, "test_fraction": 0.2},
                   [2, 8, 3], ["tanh", "softmax"], "cross_entropy"),
    "regression_1d": ({"builtin": "sine", "samples": 60, "test_fraction": 0.2}, [1, 8, 1], ["tanh", "identity"], "l2"),
    "regression": ({"builtin": "bump", "samples": 80, "test_fraction": 0.2}, [2, 8, 1], ["tanh", "identity"], "l2"),
}


def session_for(kind: str) -> Session:
    ds, sizes, acts, div = CASES[kind]
    doc = default_experiment().to_dict()
    doc["dataset"] = ds
    doc["network"].update(sizes=sizes, activations=acts)
    doc["training"]["divergence"] = div
    return Session(Experiment.from_dict(doc))


@pytest.mark.parametrize("kind", sorted(CASES))
def test_other_problem_kinds_draw(qtbot, settings, kind):
    w = make_window(qtbot, settings, session_for(kind))
    assert w.decision.kind == kind
    for _ in range(20):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 20)
    w.refresh()
    image = w.decision.plot_widget.grab().toImage()
    assert image.width() > 100
    if kind == "regression_1d":
        x, y = w.decision.f_curve.getData()
        assert len(x) == 400 and np.all(np.isfinite(y))
    else:
        assert w.decision.image.image is not None
    w.close()


def test_binary_contour_follows_the_output(qtbot, settings):
    w = make_window(qtbot, settings)
    for _ in range(200):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 200)
    w.refresh()
    x, y = w.decision.iso.getData()
    assert x is not None and len(x) > 10
    w.close()


def test_log_axes_label_only_one_two_five_per_decade():
    from workbench.plots.curves import SparseLogAxis

    axis = SparseLogAxis("left")
    values = np.log10([0.02, 0.03, 0.05, 0.07, 0.1, 0.3, 0.5, 0.9])
    labels = axis.logTickStrings(list(values), 1.0, 0.1)
    assert [bool(t) for t in labels] == [True, False, True, False, True, False, True, False]
    narrow = list(np.log10([0.3, 0.4]))  # no 1, 2 or 5 in range: keep every label
    assert all(axis.logTickStrings(narrow, 1.0, 0.1))


def _shown_view(qtbot, width: int, height: int):
    """(run, DecisionView) of the default experiment, shown at width × height and drawn with θ0."""
    from engine.run import build
    from workbench.plots.decision import DecisionView

    run = build(default_experiment())
    view = DecisionView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    view.set_run(run)
    view.update_parameters(run.network.parameters.copy())
    return run, view


def test_decision_grid_covers_the_whole_view_after_a_resize(qtbot):
    """No white bands: after each resize the image of y^(N) is refitted to the view box (data's aspect kept)."""
    run, view = _shown_view(qtbot, 400, 400)
    vb = view.plot.getViewBox()
    data = run.data
    def covered():  # the image reaches every edge of the visible view box
        (x0, x1), (y0, y1) = vb.viewRange()
        rect = view.image.mapRectToView(view.image.boundingRect())
        tol = 1e-6 * (x1 - x0)
        return (rect.left() <= x0 + tol and rect.right() >= x1 - tol and rect.top() <= y0 + tol
                and rect.bottom() >= y1 - tol)

    for width, height in ((780, 300), (360, 760), (700, 520)):  # within the 800×800 offscreen screen
        view.resize(width, height)
        qtbot.waitUntil(lambda w=width, h=height: abs(view.width() - max(w, view.minimumSizeHint().width())) <= 1
                        and abs(view.height() - h) <= 1)
        qtbot.waitUntil(covered, timeout=3000)
        sx, sy = vb.viewPixelSize()
        assert abs(sx / sy - 1) < 1e-6  # the spirals stay round
        # the grid the network is evaluated on is the image's rectangle (standardised units)
        rect = view.image.mapRectToView(view.image.boundingRect())
        lo = data.inverse_transform(np.array([[view._grid.x_range[0], view._grid.y_range[0]]]))[0]
        assert abs(lo[0] - rect.left()) < 1e-5 and abs(lo[1] - rect.top()) < 1e-5
        expected = view._grid.evaluate(run.network)[:, :, 0]
        assert np.allclose(view.image.image, expected, atol=1e-6)  # redrawn on the refitted grid


def test_decision_reset_keeps_the_points_and_draws_the_new_weights(qtbot, settings):
    """Reset and network edits on the same data keep the picture's items (rebuilding them was most of a
    Reset's time); another dataset lays the picture out again."""
    w = make_window(qtbot, settings)
    view = w.decision
    wait_snapshot(qtbot, w, lambda s: s.iteration == 0)
    w.refresh()
    start = view.image.image.copy()
    for _ in range(30):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 30)
    w.refresh()
    items = list(view.plot.listDataItems())
    assert not np.array_equal(view.image.image, start)
    w.reset_run()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 0)
    w.refresh()
    assert view.plot.listDataItems() == items  # the same scatter items …
    assert np.array_equal(view.image.image, start)  # … showing θ0 again
    doc = default_experiment().to_dict()
    doc["dataset"] = {"builtin": "moons", "samples": 100}
    w.controller.install_run(Session(Experiment.from_dict(doc)).build())
    assert view.plot.listDataItems() != items  # other points: laid out again


def test_a_zoomed_decision_view_keeps_its_zoom_when_resized(qtbot):
    """Zoomed in with the mouse, then the dock resized: the view keeps its centre and scale (it
    used to jump back to the whole data); other data fits the view to the data again."""
    from engine.run import build

    _, view = _shown_view(qtbot, 500, 500)
    vb = view.plot.getViewBox()
    whole = vb.viewRange()[0][1] - vb.viewRange()[0][0]
    vb.scaleBy((0.25, 0.25), center=(0.3, 0.2))  # as the mouse wheel does
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])
    (a0, a1), (b0, b1) = vb.viewRange()
    centre = ((a0 + a1) / 2, (b0 + b1) / 2)
    view.resize(640, 420)
    qtbot.waitUntil(lambda: view._fitted_shape == (round(vb.width()), round(vb.height())), timeout=3000)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x1 - x0 < 0.5 * whole
    assert abs((x0 + x1) / 2 - centre[0]) < 0.02 * whole and abs((y0 + y1) / 2 - centre[1]) < 0.02 * whole
    doc = default_experiment().to_dict()
    doc["dataset"]["samples"] = 300
    view.set_run(build(Experiment.from_dict(doc)))  # other data: the whole data again
    assert not view.zoomed and vb.viewRange()[0][1] - vb.viewRange()[0][0] > 0.5 * whole


def test_a_change_of_the_view_range_does_not_lay_the_points_out_again(qtbot, monkeypatch):
    """The data points stay where they are when the view is fitted, zoomed or resized (pyqtgraph's
    dynamicRangeLimit re-sent every point to its ScatterPlotItem at each range change)."""
    import pyqtgraph as pg

    _, view = _shown_view(qtbot, 500, 500)
    vb = view.plot.getViewBox()
    scatters = [item.scatter for item in view.plot.listDataItems() if isinstance(item, pg.PlotDataItem)]
    counts = [len(s.points()) for s in scatters]
    assert len(scatters) >= 2 and min(counts) > 0  # the training and test points of each class
    sent = []
    monkeypatch.setattr(pg.ScatterPlotItem, "setData", lambda self, *a, **k: sent.append(self))
    vb.scaleBy((0.5, 0.5))
    view._show_fitted()
    view.resize(640, 420)
    qtbot.waitUntil(lambda: view._fitted_shape == (round(vb.width()), round(vb.height())), timeout=3000)
    assert sent == []
    assert [len(s.points()) for s in scatters] == counts
