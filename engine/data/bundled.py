"""The bundled real datasets (`BUNDLED`: name → `BundledSpec`), shipped in resources/datasets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.core.errors import ConfigurationError
from engine.data.dataset import Dataset
from engine.data.resources import resource_dir

# ---- bundled real datasets ------------------------------------------------------------

RESOURCE_DIR = resource_dir("datasets")


@dataclass(frozen=True)
class BundledSpec:
    """A real dataset shipped in resources/datasets (see its README.md for source and licence)."""

    name: str
    problem: str
    description: str
    filename: str
    n_samples: int
    n_features: int
    n_classes: int

    @property
    def path(self) -> Path:
        return RESOURCE_DIR / self.filename


BUNDLED: dict[str, BundledSpec] = {
    "iris": BundledSpec("iris", "multiclass", "Iris flowers (Fisher 1936): 4 measurements in cm, 3 species",
                        "iris.csv", 150, 4, 3),
    "digits": BundledSpec("digits", "multiclass",
                          "UCI handwritten digits: 8x8 images, pixel counts 0..16, digits 0-9",
                          "digits.npz", 1797, 64, 10),
}


def load_bundled(name: str) -> Dataset:
    """Load a bundled real dataset ("iris" or "digits") from resources/datasets."""
    from engine.data.array_formats import load_npz
    from engine.data.csv_format import load_csv

    spec = BUNDLED.get(name)
    if spec is None:
        raise ConfigurationError(f"unknown bundled dataset {name!r}; bundled datasets are {', '.join(BUNDLED)}")
    if name == "iris":
        return load_csv(spec.path, target="species", problem="multiclass", name=name)
    data = load_npz(spec.path, problem="multiclass")
    features = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    return Dataset(data.X, labels=data.labels, feature_names=features, class_names=data.class_names, name=name)
