"""How training stops: early stopping on a validation metric (and best-value tracking),
a limit (``train.max_steps`` / ``train.max_minutes``) said out loud, and failures that keep
the trained work.

Early-stopping rules:
- ``patience``: stop after ``patience`` validations in a row without a strict improvement.
- ``bad-epochs`` (the masked-autoencoder source's rule): a validation worse than the best so far adds 1, one that is
  not worse subtracts 1 (never below 0); stop when the count reaches ``patience``.
"""
from __future__ import annotations

import math
import shlex
import traceback
from pathlib import Path
from typing import Any, Optional

from ..errors import ComponentError, CorefillError, first_line, one_line
from .blame import culprit

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


class TrainingFailed(CorefillError):
    """Something failed after training steps; the work done is in a checkpoint (when one
    could be written). ``recipe_args`` is how the CLI names the recipe in the commands."""

    def __init__(self, reason: str, *, folder: Any, saved_step: Optional[int],
                 step: int, recipe_args: str = "RECIPE") -> None:
        super().__init__(reason)
        self.reason, self.folder, self.recipe_args = reason, folder, recipe_args
        self.saved_step, self.step = saved_step, step

    def __str__(self) -> str:
        if self.saved_step is None:
            return f"{self.reason}; no checkpoint could be written"
        folder = shlex.quote(str(self.folder))
        last = shlex.quote(f"{self.folder}/checkpoints/last.pt")
        lost = "" if self.saved_step == self.step else \
            f" (steps {self.saved_step + 1}-{self.step} could not be saved)"
        return (f"{self.reason}. The trained weights (step {self.saved_step}) are in "
                f"{last}{lost}: evaluate them with `corefill evaluate {self.recipe_args} "
                f"--checkpoint {last} --out DIR`, or fix the cause and continue with "
                f"`corefill run {self.recipe_args} --out {folder} --resume`")


def rescue(runner: Any, error: BaseException) -> None:
    """After a failure in ``runner`` (a Trainer): put the trained work on disk (unless a
    step was cut in half, or the test evaluation has loaded best.pt's weights), then raise
    ``TrainingFailed`` saying how to evaluate or resume it. A failure inside a component
    (a network's forward, a loss, a masker) names the component and its plugin; one before
    the first step is a ComponentError (nothing trained to keep)."""
    interrupted = isinstance(error, KeyboardInterrupt)
    if not runner.dist.is_main or (interrupted and runner.state.step == 0):
        raise error
    named = None if interrupted else culprit(error, getattr(runner, "suspects", []))
    if runner.state.step == 0 and named is None and not isinstance(error, ComponentError):
        raise error  # before any step, in the engine itself: its traceback is the report
    save_error = _save_trained(runner) if runner.state.step > 0 else ""
    if interrupted:
        if runner.saved_step is not None:
            runner.progress.line(f"interrupted: {runner.folder}/checkpoints/last.pt holds "
                                 f"step {runner.saved_step}; continue with --resume")
        raise error
    failed = f"{named} failed: " if named else ""
    reason = f"{runner.phase}: {failed}{failure_line(error)}{save_error}"
    reason += _error_log(runner.folder, error)
    if runner.state.step == 0:
        raise ComponentError(f"{reason}; nothing was trained") from error
    raise TrainingFailed(reason, folder=runner.folder, saved_step=runner.saved_step,
                         step=runner.state.step) from error


def _save_trained(runner: Any) -> str:
    """Write last.pt where it would hold steps not on disk yet and the networks are whole;
    '' or what went wrong writing it."""
    if runner.saved_step == runner.state.step or runner.in_step or runner.finishing:
        return ""
    try:
        runner.flush_losses()  # the losses of the steps about to be saved
    except Exception:
        pass  # those log lines are lost; the weights need not be
    try:
        runner.save("last")
    except Exception as exc:  # e.g. a full disk: say so, keep the first error
        return f"; writing last.pt failed too: {failure_line(exc)}"
    return ""


def _error_log(folder: Any, error: BaseException) -> str:
    """Write the whole traceback to ``folder/error.log`` (the console gets one line);
    returns where it is, for that line."""
    log = Path(folder) / "error.log"
    try:
        log.write_text("".join(traceback.format_exception(type(error), error,
                                                          error.__traceback__)))
    except OSError:
        return ""
    return f" (traceback in {log})"


def failure_line(error: BaseException) -> str:
    """An error as one line; a corefill error's text is already written for the user, and
    a loader worker's error is told by the worker's own last line."""
    text = first_line(error, "")
    if text.startswith("Caught ") and "DataLoader worker" in text:
        last = str(error).strip().splitlines()[-1].strip()  # "OSError: <file>: ..."
        return last.split(": ", 1)[-1] if isinstance(error, CorefillError) else last
    return text if isinstance(error, CorefillError) else one_line(error)
