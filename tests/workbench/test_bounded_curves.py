"""The curve views' history copy stays bounded and still draws the whole run (band and trend)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from workbench.plots.curves import GradientNormView, History, LossView


def _snapshot(start, end, events=()):
    t = np.arange(start + 1, end + 1, dtype=float)
    rows = SimpleNamespace(start=start, end=end, columns={
        "step": t, "epoch": t / 10, "loss": 1.0 / t, "learning_rate": np.full_like(t, 0.1),
        "gradient_norms": np.column_stack([1.0 / t, 2.0 / t])})
    no_evaluations = SimpleNamespace(start=0, end=0, columns={n: np.empty(0) for n in (
        "step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")})
    return SimpleNamespace(run_id=1, iterations=rows, evaluations=no_evaluations, events=events)


def test_history_copy_is_bounded_and_the_loss_view_draws_from_the_first_iteration(qtbot):
    history = History()
    chunk = 50_000
    for start in range(0, 1_000_000, chunk):
        assert history.update(_snapshot(start, start + chunk))
    assert len(history.iterations) == 1_000_000 and history.n_layers == 2
    assert history.iterations.recent.size <= 2 * 16384 and history.iterations.envelopes.size <= 4096
    view, norms = LossView(history), GradientNormView(history)
    qtbot.addWidget(view)
    qtbot.addWidget(norms)
    view.refresh()
    norms.refresh()
    x, y = view.train.getData()
    assert x[0] < 1000 and x[-1] == 1_000_000 and np.isclose(10 ** y.max(), 1.0)  # log axis: the first, highest loss kept
    nx, ny = norms.curves[1].getData()
    assert nx[-1] > 990_000 and np.isclose(ny[-1], np.log10(2.0 / nx[-1]), atol=0.01)  # log axis: ‖∂Div/∂W^(2)‖ = 2/t
    assert np.isclose(history.epoch_at(500_000), 50_000.0, rtol=1e-3)
