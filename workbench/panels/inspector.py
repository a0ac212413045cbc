"""The inspector panel: every number of the forward and backward pass (workbench.inspector)."""

from __future__ import annotations

from ..inspector import InspectorState


class InspectorProbe:
    """The inspector's state (copies of trace, gradients and network); twice a second while training."""

    name = "inspector"
    interval = 0.5

    def compute(self, trainer, paused: bool) -> InspectorState:
        return InspectorState.from_trainer(trainer, paused=paused)
