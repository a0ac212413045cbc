"""The Runs dock: kept runs (Compare…, Fork) trained in lockstep with the current run, its timeline.

    probe.py           the runs probe (worker thread): kept runs, lockstep catch-up, the timeline
    dock.py            the dock widget: buttons, table, timeline bar, overlay plot, small multiples
    timeline_bar.py    the scrubber over the checkpoints, their spacing N and memory bound
    multiples.py       the shown runs' decision boundaries side by side
    overlay.py         the kept runs dashed over the window's loss, accuracy and gradient-norm plots
    compare_dialog.py  Compare…: a preset or a dotted key and values
"""
