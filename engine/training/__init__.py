"""Training: the phase-steppable trainer, its history, and structural edits of a network."""
