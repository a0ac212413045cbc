"""Changing one setting of an experiment document by its dotted key ("training.divergence").

Sweeps vary keys this way and comparisons build their sibling runs this way, so both mean the
same by a key as the experiment file does.
"""

from __future__ import annotations

from typing import Any

from engine.core.errors import ExperimentError


def set_key(document: dict, key: str, value: Any) -> None:
    """Set a dotted key in an experiment document; a new optimiser name resets its other
    hyperparameters to that optimiser's defaults (the learning rate is kept), as `train --optimizer` does."""
    *parents, last = key.split(".")
    node = document
    for i, part in enumerate(parents):
        child = node.get(part) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            raise ExperimentError(".".join(parents[: i + 1]), f"{key}: no section {part!r} to set {last!r} in")
        node = child
    if key == "training.optimizer.name" and value != node.get("name"):
        rate = node.get("learning_rate")
        node.clear()
        if rate is not None:
            node["learning_rate"] = rate
    node[last] = value
