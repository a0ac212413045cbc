"""The Sweep dialog: many runs of the current experiment over a grid of settings, in the background.

    runner.py  engine.sweep's run_sweep on a process pool in a background thread; progress polled
    plot.py    the metric against the varied key (a heatmap for two keys); a click picks a run
    dialog.py  the form (keys, values, seeds, steps, workers, folder), Run / Cancel, results
"""
