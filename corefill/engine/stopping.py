"""How training stops: early stopping on a validation metric (and best-value tracking),
and a limit (``train.max_steps`` / ``train.max_minutes``) said out loud (a failure is
:mod:`.failure`'s).

Early-stopping rules:
- ``patience``: stop after ``patience`` validations in a row without a strict improvement.
- ``bad-epochs`` (the masked-autoencoder source's rule): a validation worse than the best so far adds 1, one that is
  not worse subtracts 1 (never below 0); stop when the count reaches ``patience``.
"""
from __future__ import annotations

import math
from typing import Any, Optional

# Why training ended before ``train.max_epochs`` (``None``: it ran them all).
CAPS = ("max_steps", "max_minutes")


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


def stop_reason(train: Any, *, epoch: int, step: int, stopped_early: bool) -> Optional[str]:
    """``None`` (all epochs ran), ``"early_stopping"``, ``"max_steps"`` or ``"max_minutes"``."""
    if stopped_early:
        return "early_stopping"
    if epoch >= train.max_epochs:
        return None
    if train.max_steps is not None and step >= train.max_steps:
        return "max_steps"
    # Under DDP another rank's clock may have stopped everyone: still the time limit.
    return "max_minutes" if train.max_minutes is not None else None


def training_summary(train: Any, *, step: int, epoch: int, seconds: float, images: int,
                     stopped_by: Optional[str], epoch_steps: int, folder: Any = "RUN",
                     steady: Optional[tuple[int, float]] = None) -> dict[str, Any]:
    """report.json's ``training``: what ran, and why it ended before ``max_epochs`` if it
    did (``stopped_early`` is true then; ``stopped_by`` says why). Its images/s are those
    after the warm-up where ``steady`` (images, seconds after it) timed any
    (``warm_up_left_out``), else all ``images`` in ``seconds``."""
    planned = train.max_epochs * epoch_steps
    left_out = steady is not None and steady[1] > 0
    timed_images, timed = steady if left_out else (images, seconds)
    summary = {"steps": step, "epochs": epoch, "seconds": seconds,
               "train_images_per_s": float(f"{timed_images / timed:.3g}") if timed > 0 else None,
               "warm_up_left_out": left_out,
               "stopped_early": stopped_by is not None, "stopped_by": stopped_by,
               "planned_epochs": train.max_epochs, "planned_steps": planned}
    if stopped_by in CAPS:
        summary.update(_cap(train, stopped_by, step=step, epoch=epoch, planned_steps=planned,
                            folder=folder, at_epoch_end=epoch_steps > 0 and
                            step == epoch * epoch_steps))
    return summary


def _cap(train: Any, reason: str, *, step: int, epoch: int, planned_steps: int,
         folder: Any, at_epoch_end: bool = False) -> dict[str, Any]:
    """The limit that stopped training, and how to lift it (epochs counted from 1)."""
    limit = getattr(train, reason)
    where = f"after epoch {epoch}" if at_epoch_end else f"epoch {epoch + 1}"
    return {
        "limit": limit,
        "how_to_lift": f"-o train.{reason}=null, or continue this run with a larger limit: "
                       f"corefill run RECIPE --out {folder} --resume -o train.{reason}=LARGER",
        "note": f"train.{reason}={limit:g} stopped training at step {step} of "
                f"{planned_steps} ({where} of {train.max_epochs})",
    }
