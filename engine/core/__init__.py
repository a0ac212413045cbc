"""The lecture's mathematics: activations f_k, divergences Div(y, d), the network's forward and
backward pass, optimisers, learning-rate schedules, initialisers and target encoding.

Imports NumPy and the standard library only, and nothing else of the engine.
"""
