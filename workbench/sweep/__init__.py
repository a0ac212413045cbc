"""The Sweep dialog: many runs of the current experiment over a grid of settings, in the background.

    runner.py  engine.sweep's run_sweep on a process pool in a background thread; progress polled
    plot.py    the metric against the varied key (a heatmap for two keys); a click picks a run
    dialog.py  the form (keys, values, seeds, steps, workers, folder), Run / Cancel, results
"""

#: Run ▸ Sweep…'s tooltip
SWEEP_TIP = "Many runs of this experiment over a grid of settings and seeds: step size against convergence"


def open_sweep(window):
    """Run ▸ Sweep… (dialog.open_sweep); the dialog, the process pool and engine.sweep are
    imported at the first use, not while the window starts."""
    from .dialog import open_sweep as open_dialog

    return open_dialog(window)
