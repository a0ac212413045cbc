"""The landscape dock's probe: the plane, the path on it and a slice, computed in the worker.

`LandscapeProbe.compute` copies θ, the loss and the kept path at the snapshot moment (its first
chunk), then runs time-sliced (engine.analysis: plane_request.axes_steps, landscape_steps,
path_on_plane): the axes, the R × R plane, −∇L on it, the path projected with its real loss, and
the slice L(θ + α v) with the curvature along v. Its `after_step` keeps the optimiser's path
(engine.analysis.trajectory_record: bounded, thinned evenly). `Pacing` keeps it to ~20 % of the
worker while training; a new `request` (set by the panel) is computed at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine.analysis.landscape import Landscape, Slice, landscape_steps, projected_gradient
from engine.analysis.path_on_plane import PathOnPlane, path_on_plane_steps, slice_steps
from engine.analysis.plane_request import PlaneAxes, axes_steps
from engine.analysis.training_loss import TrainingLoss
from engine.analysis.trajectory_record import TrajectoryRecord, path_matrix

from ..worker.pacing import Pacing, timed

RESOLUTION = 31
SLICE_RESOLUTION = 101
#: where a slice may run: along e₁, e₂ or the descent direction −∇L (scaled to ‖e₁‖)
SLICES = ("e1", "e2", "descent")


@dataclass(frozen=True)
class LandscapeRequest:
    """What the panel asks for (replaced whole, never changed: the worker reads it at any time)."""

    axes: str = "random"
    names: tuple[str, ...] = ()  # the two parameters (axes "parameters")
    span: float = 1.0
    resolution: int = RESOLUTION
    slice_along: str = "e1"


@dataclass(frozen=True)
class LandscapePayload:
    """One sampled plane around θ at `iteration`, the gradient's plane components, the path, a slice."""

    iteration: int
    surface: Landscape
    gradient: np.ndarray  # (2,): ∇L projected on (e1, e2)
    directions: str  # the axes used ("random" after a fallback)
    note: str  # why another choice fell back to random ("" otherwise)
    theta: np.ndarray = field(default=None, repr=False)  # the plane's centre (read-only copy)
    axes: PlaneAxes | None = None
    path: PathOnPlane | None = None
    slice: Slice | None = None
    request: LandscapeRequest = LandscapeRequest()
    plane_seconds: float = 0.0  # worker seconds the R × R plane took (its chunks only)


class LandscapeProbe:
    """The plane around θ; while training at most every second, and at most ~20 % of the worker."""

    name = "landscape"

    def __init__(self):
        self.request = LandscapeRequest()  # set by the panel (GUI thread); read at the next compute
        self.pacing = Pacing(base=1.0)
        self.record = TrajectoryRecord()
        self._known: dict = {}  # iteration → real L(θ_i) of the kept path points
        self._known_key = None

    @property
    def interval(self) -> float:
        return self.pacing.interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        """A fixed pace (tests): `seconds` between starts, whatever a computation costs."""
        self.pacing.base, self.pacing.share = float(seconds), math.inf

    def ask(self, request: LandscapeRequest) -> None:
        """A new request (GUI thread): computed at the next snapshot, training or not."""
        self.request = request
        self.pacing.restart()

    def after_step(self, trainer) -> None:
        """After every update (worker thread): keep θ on the path (a copy every stride-th iteration)."""
        self.record.offer(id(trainer), trainer.iteration, trainer.network.parameters)

    def compute(self, trainer, paused: bool):
        return self.pacing.run(self._work(trainer))

    def _work(self, trainer):
        """Its first chunk copies θ, the loss and the kept path; the rest never touches the trainer."""
        theta = np.array(trainer.network.parameters, dtype=np.float64)
        theta.flags.writeable = False
        loss = TrainingLoss.of_trainer(trainer)
        iteration, request = trainer.iteration, self.request
        if len(self.record) == 0:  # the path starts here (θ before the first update has no after_step)
            self.record.offer(id(trainer), iteration, theta)
        points = self.record.points()
        key = (id(trainer), points[0].iteration if points else None, loss.l2, loss.l1)
        if key != self._known_key:  # another run, a restarted record or other penalties
            self._known, self._known_key = {}, key
        yield 0.0
        its, path = path_matrix(points, theta, iteration)
        axes = yield from axes_steps(loss, theta, request.axes, request.names, path, request.span)
        spent: list[float] = []
        surface = yield from timed(landscape_steps(loss, theta, axes.e1, axes.e2, request.span, request.resolution), spent)
        _, gradient = loss.gradient(theta)
        on_plane = yield from path_on_plane_steps(loss, theta, axes.e1, axes.e2, its, path, self._known)
        v = slice_direction(request.slice_along, axes, gradient)
        cut = yield from slice_steps(loss, theta, v, request.span, SLICE_RESOLUTION)
        return LandscapePayload(iteration, surface, projected_gradient(axes.e1, axes.e2, gradient), axes.kind,
                                axes.note, theta, axes, on_plane, cut, request, spent[0])


def slice_direction(along: str, axes: PlaneAxes, gradient: np.ndarray) -> np.ndarray:
    """v of the slice: e₁, e₂, or −∇L scaled to ‖e₁‖ (so α has the plane's units); e₁ at a zero gradient."""
    if along == "e2":
        return axes.e2
    if along == "descent":
        norm = float(np.linalg.norm(gradient))
        if norm > 0:
            return -gradient * (float(np.linalg.norm(axes.e1)) / norm)
    return axes.e1
