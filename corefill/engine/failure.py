"""What a failed run tells its user: one line naming what failed (and the component and
plugin it failed in), where the trained work is, and how to evaluate or continue it.

The Trainer keeps the trained work (:meth:`Trainer.keep_work`); the functions here only
decide and word: they take a :class:`RunAtFailure`, the facts of the run when it failed,
and return what to raise.
"""
from __future__ import annotations

import shlex
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..errors import ComponentError, CorefillError, first_line, one_line
from .blame import culprit


@dataclass(frozen=True)
class RunAtFailure:
    """The facts of a run when it failed."""
    folder: Path
    phase: str  # what it was doing: "training (epoch 2)", "validation at step 40"...
    step: int  # steps trained
    saved_step: Optional[int]  # the step last.pt holds (None: no last.pt written)
    is_main: bool  # rank 0 (the only rank that reports and saves)
    suspects: list = field(default_factory=list)  # (network or loss, its label)


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


def keeps_work(error: BaseException, run: RunAtFailure) -> bool:
    """Whether the trained work should be put on disk before reporting ``error``."""
    return run.is_main and run.step > 0 and _reported(error, run)


def _reported(error: BaseException, run: RunAtFailure) -> bool:
    """False where ``error`` is raised as it came (another rank's, or the engine's own
    before any step, whose traceback is the report)."""
    if not run.is_main:
        return False
    if isinstance(error, KeyboardInterrupt):
        return run.step > 0
    return run.step > 0 or isinstance(error, ComponentError) or _named(error, run) is not None


def _named(error: BaseException, run: RunAtFailure) -> Optional[str]:
    if isinstance(error, KeyboardInterrupt):
        return None
    return culprit(error, run.suspects)


def explain(error: BaseException, run: RunAtFailure, save_error: str = "") -> BaseException:
    """What to raise for ``error``: the error itself (an interrupt, another rank's, the
    engine's own before any step), a ComponentError (before the first step: nothing
    trained to keep) or a TrainingFailed saying how to evaluate or continue the work.
    ``save_error``: what went wrong keeping the work, if anything."""
    if isinstance(error, KeyboardInterrupt) or not _reported(error, run):
        return error
    named = _named(error, run)
    failed = f"{named} failed: " if named else ""
    reason = f"{run.phase}: {failed}{failure_line(error)}{save_error}"
    reason += _error_log(run.folder, error)
    if run.step == 0:
        raised: BaseException = ComponentError(f"{reason}; nothing was trained")
    else:
        raised = TrainingFailed(reason, folder=run.folder, saved_step=run.saved_step,
                                step=run.step)
    raised.__cause__ = error
    return raised


def interrupted_line(run: RunAtFailure) -> Optional[str]:
    """What an interrupt (Ctrl-C) says: where the trained work is."""
    if not run.is_main or run.saved_step is None or run.step == 0:
        return None
    return (f"interrupted: {run.folder}/checkpoints/last.pt holds step {run.saved_step}; "
            f"continue with --resume")


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
