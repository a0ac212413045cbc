"""The Runs dock: sibling runs from the same start, trained in lockstep with the current run."""
