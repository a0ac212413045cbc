"""Backprop Workbench: the Qt application (imports engine; nothing imports workbench)."""
