"""The optimisation-geometry sub-commands (`hessian`, `landscape`) and their shared set-up:
an experiment (and optional weights) → the training loss L(θ) at θ, in float64."""
