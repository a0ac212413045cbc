"""Function mode: objectives that are formulas f(x) or f(x, y) instead of a network — the calculus
refresher of the lecture's first half — with their gradients, Hessians, critical-point test and
the same optimisers as networks. Imports engine.core and engine.analysis only."""
