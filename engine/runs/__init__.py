"""Runs you keep and compare: forks of a run, sibling runs that differ in one setting trained in
lockstep from the same start, and a bounded timeline of checkpoints to go back to.

    fork.py        fork(run): a new run with the exact state (θ, optimiser, batch order, history)
    comparison.py  siblings of an experiment differing in one key; lockstep training; the table
    timeline.py    checkpoints every N iterations within a memory budget (thinned when full)
"""
