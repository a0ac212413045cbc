"""MNIST-style IDX files (raw or gzipped): images and their labels file."""

from __future__ import annotations

import math
import numbers
import struct
from pathlib import Path

import numpy as np

from engine.core.errors import ConfigurationError, DataError
from engine.data.dataset import MAX_CLASSES, Dataset
from engine.data.reading import dataset_from_file, read_bytes

_IDX_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}

MAX_IDX_DIMENSIONS = 16
"""Most dimensions an IDX header may declare (MNIST uses 1 for labels and 3 for images)."""


def _read_idx(path: Path) -> np.ndarray:
    data = read_bytes(path)
    if len(data) < 4:
        raise DataError(f"is only {len(data)} bytes long: not an IDX file, or truncated", path)
    if data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES or data[3] == 0:
        raise DataError(f"is not an IDX file: its magic number is 0x{data[:4].hex()}, expected 0x0000080n "
                        "(n = number of dimensions)", path)
    ndim = data[3]
    if ndim > MAX_IDX_DIMENSIONS:
        raise DataError(f"has {ndim} dimensions in its header; at most {MAX_IDX_DIMENSIONS} are supported "
                        "(images are 3-D: count × rows × columns)", path)
    start = 4 + 4 * ndim
    if len(data) < start:
        raise DataError("is truncated inside its header", path)
    dims = struct.unpack(f">{ndim}I", data[4:start])
    dtype = _IDX_TYPES[data[2]]
    count = math.prod(dims)
    expected = count * dtype.itemsize
    if len(data) - start != expected:
        state = "truncated" if len(data) - start < expected else "longer than its header says"
        raise DataError(f"is {state}: the header promises {' x '.join(map(str, dims))} values ({expected} bytes) "
                        f"but {len(data) - start} bytes follow", path)
    return np.frombuffer(data, dtype=dtype, count=count, offset=start).reshape(dims)


def load_idx(images_path, labels_path, limit=None, seed=0, name=None) -> Dataset:
    """Load MNIST-style IDX images and labels (raw or .gz); images are flattened, bytes scaled to [0, 1].

    `limit` keeps a seeded random subset of that many examples (in file order).
    """
    images_path, labels_path = Path(images_path), Path(labels_path)
    images, labels = _read_idx(images_path), _read_idx(labels_path)
    if images.ndim < 2:
        raise DataError(f"holds a 1-D array of shape {images.shape}, not images; is it the labels file?", images_path)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise DataError(f"holds an array of shape {labels.shape} and type {labels.dtype}, "
                        "not one integer label per image", labels_path)
    if images.shape[0] != labels.shape[0]:
        raise DataError(f"holds {images.shape[0]} images but {labels_path.name} holds {labels.shape[0]} labels",
                        images_path)
    if images.shape[0] == 0:
        raise DataError("holds no images", images_path)
    if labels.min() < 0:
        raise DataError(f"holds a negative label {labels.min()}", labels_path)
    K = int(labels.max()) + 1
    if K > MAX_CLASSES:
        raise DataError(f"holds label {K - 1}, more than the {MAX_CLASSES} classes allowed", labels_path)
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 1:
            raise ConfigurationError(f"limit must be a positive whole number or None, got {limit!r}")
        if limit < images.shape[0]:
            keep = np.sort(np.random.default_rng(seed).choice(images.shape[0], size=int(limit), replace=False))
            images, labels = images[keep], labels[keep]
    if len(np.unique(labels)) < 2:
        raise DataError(f"holds only one class (label {labels[0]}); classification needs at least two", labels_path)
    X = images.reshape(images.shape[0], -1).astype(np.float64)
    if images.dtype == np.uint8:
        X *= 1.0 / 255.0
    if images.ndim == 3:
        features = tuple(f"pixel_{r}_{c}" for r in range(images.shape[1]) for c in range(images.shape[2]))
    else:
        features = ()
    return dataset_from_file(images_path, X, labels=labels.astype(np.int64), problem="binary" if K == 2 else "multiclass",
                   feature_names=features, class_names=tuple(str(k) for k in range(max(K, 2))),
                   name=name if name is not None else images_path.name)
