"""Computations on a network that the views show: the gradient check, decision grids,
the chain rule for one weight (inspection) and contour lines of a sampled field."""
