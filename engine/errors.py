"""The engine's own error types: every bad input ends in one of these, never a bare traceback."""


class WorkbenchError(Exception):
    """Base class of every error the engine raises on purpose (bad input, impossible setting)."""


class ConfigurationError(WorkbenchError, ValueError):
    """An impossible setting: unknown activation name, negative size, bad hyperparameter."""
