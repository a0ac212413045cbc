"""How a run ended, in one word: ok, diverged or plateau.

    diverged  the trainer's guard stopped it (a non-finite loss, gradient or update)
    plateau   classification whose training loss stopped moving while its accuracy stayed at
              chance: over the last half of the evaluations the loss changed by less than
              PLATEAU_CHANGE (relative) and the final training accuracy is at most the largest
              class share + CHANCE_MARGIN (saturated units, a too-large or too-small step size)
    ok        anything else (it may still be slow: look at the loss curve)
"""

from __future__ import annotations

import numpy as np

PLATEAU_CHANGE = 0.01
CHANCE_MARGIN = 0.05
OUTCOMES = ("ok", "diverged", "plateau")


def chance_accuracy(labels: np.ndarray) -> float:
    """The accuracy of always answering the most frequent class (labels 0..K−1)."""
    labels = np.asarray(labels)
    return float(np.bincount(labels).max() / len(labels)) if len(labels) else float("nan")


def outcome(trainer) -> str:
    """ok / diverged / plateau for a trainer after training (reads its history's evaluations)."""
    if trainer.stopped is not None and trainer.stopped.kind == "diverged":
        return "diverged"
    if not trainer.classification:
        return "ok"
    h = trainer.history
    return "plateau" if is_plateau(h.evaluation("train_loss"), h.evaluation("train_accuracy"),
                                   chance_accuracy(trainer.targets)) else "ok"


def is_plateau(loss: np.ndarray, accuracy: np.ndarray, chance: float) -> bool:
    """Evaluated training losses flat over their last half and the last accuracy at chance."""
    if len(loss) < 3:
        return False
    recent = loss[len(loss) // 2:]
    change = (recent.max() - recent.min()) / max(abs(recent[0]), 1e-12)
    return bool(change < PLATEAU_CHANGE and accuracy[-1] <= chance + CHANCE_MARGIN)


def _first_step(steps: np.ndarray, reached: np.ndarray) -> int | None:
    hits = np.flatnonzero(reached)
    return int(steps[hits[0]]) if len(hits) else None


def first_reaching(steps, accuracy, target: float) -> int | None:
    """The first of `steps` whose accuracy ≥ target (None if none is): iterations to target."""
    with np.errstate(invalid="ignore"):
        return _first_step(np.asarray(steps), np.asarray(accuracy) >= target)


def iterations_to_target(history, target_accuracy: float | None, target_loss: float | None) -> int | None:
    """The first evaluated iteration whose training accuracy ≥ target (or training loss ≤ target)."""
    steps = history.evaluation("step")
    if target_accuracy is not None:
        return _first_step(steps, history.evaluation("train_accuracy") >= target_accuracy)
    if target_loss is not None:
        return _first_step(steps, history.evaluation("train_loss") <= target_loss)
    return None
