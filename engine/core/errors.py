"""The engine's own error types: every bad input ends in one of these, never a bare traceback."""


class WorkbenchError(Exception):
    """Base class of every error the engine raises on purpose (bad input, impossible setting)."""


class ConfigurationError(WorkbenchError, ValueError):
    """An impossible setting: unknown activation name, negative size, bad hyperparameter."""


class DataError(WorkbenchError, ValueError):
    """A data file or array that cannot be used: names the file, and the row and column where known.

    `row` is 1-based, counted as a text editor shows lines; `column` is 1-based or a column name.
    """

    def __init__(self, message, path=None, row=None, column=None):
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.reason = message
        where = []
        if self.path is not None:
            where.append(self.path)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class ExperimentError(WorkbenchError, ValueError):
    """An experiment file or setting that cannot be used.

    `key` is the JSON path of the offending entry, e.g. "training.optimizer.learning_rate"
    ("" when the whole file is at fault); the message starts with it, after the file's path
    when `path` is given: "runs/e.json: training.batch_size: must be …".
    """

    def __init__(self, key: str, message: str, path=None):
        self.key = key
        self.reason = message
        self.path = None if path is None else str(path)
        where = [p for p in (self.path, key) if p]
        super().__init__(": ".join(where + [message]))
