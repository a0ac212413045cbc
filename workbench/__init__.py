"""Backprop Workbench: the Qt application (windows, panels, plots, the training worker).

Imports `engine`; nothing in `engine` imports this package.
"""
