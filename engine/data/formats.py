"""The file formats a user's data can come in, and `load_file`, which picks one by the file's name.

`FORMATS` (name → `FileFormat`) is the one list of formats: the loader, the file-name patterns
(also the GUI's file-dialog filter) and the options each loader takes. Adding a format is one
loader module and one entry here.
"""

from __future__ import annotations

import fnmatch
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.core.errors import ConfigurationError, DataError
from engine.data.array_formats import load_npy, load_npz
from engine.data.csv_format import load_csv
from engine.data.dataset import Dataset
from engine.data.idx_format import load_idx


@dataclass(frozen=True)
class FileFormat:
    """One kind of data file: its loader, the (lower-case) name patterns it answers to, its options."""

    name: str
    description: str
    patterns: tuple[str, ...]
    loader: Callable[..., Dataset]

    @property
    def options(self) -> tuple[str, ...]:
        """The keyword options the loader takes after the path(s)."""
        parameters = list(inspect.signature(self.loader).parameters.values())
        positional = 2 if self.name == "idx" else 1
        return tuple(p.name for p in parameters[positional:])

    def matches(self, filename: str) -> bool:
        return any(fnmatch.fnmatch(filename, pattern) for pattern in self.patterns)


FORMATS: dict[str, FileFormat] = {
    "csv": FileFormat("csv", "CSV/TSV text table", ("*.csv", "*.tsv", "*.txt", "*.dat", "*.data"), load_csv),
    "npz": FileFormat("npz", "NumPy archive (X, y)", ("*.npz",), load_npz),
    "npy": FileFormat("npy", "NumPy matrix (last column is the target)", ("*.npy",), load_npy),
    "idx": FileFormat("idx", "MNIST-style IDX images + labels",
                      ("*ubyte", "*.idx", "*.idx1", "*.idx3", "*-idx*"), load_idx),
}


def _plain_name(path) -> str:
    """The file's lower-case name without a trailing .gz (every format may be gzipped)."""
    return Path(path).name.lower().removesuffix(".gz")


def format_of(path) -> FileFormat | None:
    """The format a file's name says it is in (IDX first: its names contain other suffixes), or None."""
    name = _plain_name(path)
    for key in ("idx", "csv", "npz", "npy"):
        if FORMATS[key].matches(name):
            return FORMATS[key]
    return None


def file_dialog_filter() -> str:
    """A Qt file-dialog filter naming every format's patterns (and their gzipped forms)."""
    patterns = [p for fmt in FORMATS.values() for p in fmt.patterns] + ["*.gz"]
    return f"Data files ({' '.join(patterns)});;All files (*)"


def guess_idx_labels(images_path) -> Path | None:
    """The MNIST naming "...-images-idx3-ubyte" → "...-labels-idx1-ubyte", if that file exists."""
    path = Path(images_path)
    guess = path.with_name(path.name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1"))
    return guess if guess != path and guess.exists() else None


def load_file(path, **options) -> Dataset:
    """Load any supported file by its name (.csv/.tsv/.txt, .npz, .npy, IDX, each optionally .gz).

    Options go to the matching loader; IDX images take `labels_path` (guessed from the MNIST
    naming when omitted).
    """
    path = Path(path)
    fmt = format_of(path)
    if fmt is None:
        suffix = Path(_plain_name(path)).suffix
        known = ", ".join(p for f in FORMATS.values() for p in f.patterns)
        raise DataError(f"unknown file type {suffix or '(no suffix)'!r}; supported are {known}, optionally gzipped",
                        path)
    args: tuple = (path,)
    if fmt.name == "idx":
        labels_path = options.pop("labels_path", None) or guess_idx_labels(path)
        if labels_path is None:
            raise DataError("is an IDX image file; give the matching labels file as labels_path", path)
        args = (path, labels_path)
    try:
        inspect.signature(fmt.loader).bind(*args, **options)
    except TypeError as exc:
        raise ConfigurationError(f"{fmt.loader.__name__}: {exc}") from None
    return fmt.loader(*args, **options)
