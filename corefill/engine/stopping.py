"""Early stopping and best-value tracking on a validation metric.

Rules:
- ``patience``: stop after ``patience`` validations in a row without a strict improvement.
- ``bad-epochs`` (the masked-autoencoder source's rule): a validation worse than the best so far adds 1, one that is
  not worse subtracts 1 (never below 0); stop when the count reaches ``patience``.
"""
from __future__ import annotations

import math
from typing import Any, Optional


def improves(value: float, best: Optional[float], higher_is_better: bool) -> bool:
    if best is None or math.isnan(best):
        return not math.isnan(value)
    return value > best if higher_is_better else value < best


class BestTracker:
    """Remembers the best value of one validation key."""

    def __init__(self, key: str, higher_is_better: bool) -> None:
        self.key = key
        self.higher_is_better = higher_is_better
        self.best: Optional[float] = None
        self.best_epoch: Optional[int] = None

    def update(self, value: float, epoch: int) -> bool:
        """Record ``value``; True when it is a new best."""
        if improves(value, self.best, self.higher_is_better):
            self.best, self.best_epoch = float(value), epoch
            return True
        return False

    def state_dict(self) -> dict[str, Any]:
        return {"key": self.key, "best": self.best, "best_epoch": self.best_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.best_epoch = state["best"], state["best_epoch"]


class EarlyStopper:
    """Decides after each validation whether training should stop."""

    def __init__(self, key: str, patience: int, rule: str, higher_is_better: bool) -> None:
        if rule not in ("patience", "bad-epochs"):
            raise ValueError(f"unknown early-stopping rule {rule!r}")
        self.tracker = BestTracker(key, higher_is_better)
        self.patience = patience
        self.rule = rule
        self.count = 0

    @property
    def key(self) -> str:
        return self.tracker.key

    def update(self, value: float, epoch: int) -> bool:
        """Record a validation value; True when training should stop."""
        previous = self.tracker.best
        better = self.tracker.update(value, epoch)
        if self.rule == "patience":
            self.count = 0 if better else self.count + 1
        else:
            worse = previous is not None and improves(previous, value, self.tracker.higher_is_better)
            worse = worse or math.isnan(value)
            self.count = self.count + 1 if worse else max(0, self.count - 1)
        return self.count >= self.patience

    def state_dict(self) -> dict[str, Any]:
        return {"count": self.count, "tracker": self.tracker.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.count = state["count"]
        self.tracker.load_state_dict(state["tracker"])
