"""Where the bundled data lives: `resources/` beside the packages in a checkout (or an
editable install), `<prefix>/share/backprop-workbench/` in a regular install (pyproject's
data-files put it there)."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2] / "resources"
_INSTALLED = [Path(p) / "share" / "backprop-workbench" for p in (sys.prefix, sysconfig.get_path("data"))]


def resource_dir(kind: str) -> Path:
    """The folder of bundled `kind` ("datasets", "experiments"); the checkout's if it has one."""
    for base in [_CHECKOUT, *_INSTALLED]:
        if (base / kind).is_dir():
            return base / kind
    return _CHECKOUT / kind
