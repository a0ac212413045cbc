"""Computations on a network that the views show: the gradient check, decision grids,
the chain rule for one weight (inspection), contour lines of a sampled field, and the
optimisation geometry — the training loss L(θ) (training_loss), exact Hessian-vector products
and the Hessian (hessian), Lanczos (lanczos), the second-derivative test and step-size rule
(critical_points), the curvature report (curvature), landscape directions and planes
(directions, landscape) and a pure-NumPy contour plot image (contour_plot)."""
