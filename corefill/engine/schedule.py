"""When the training loop does what: a limit reached, a mid-epoch checkpoint due, an
epoch end that validates. Pure decisions on the recipe's ``train`` section and counters."""
from __future__ import annotations

from typing import Any, Optional


def limit_reached(train: Any, *, step: int, seconds: float) -> bool:
    """``train.max_steps`` or ``train.max_minutes`` reached after ``step`` steps and
    ``seconds`` of training."""
    if train.max_steps is not None and step >= train.max_steps:
        return True
    return train.max_minutes is not None and seconds >= train.max_minutes * 60.0


def checkpoint_due(train: Any, *, step: int, saved_step: Optional[int],
                   since_save_s: float) -> bool:
    """A periodic last.pt is due (``checkpoint_every_steps`` / ``_minutes``); rank 0 alone
    saves, so its clock alone decides."""
    every_steps, minutes = train.checkpoint_every_steps, train.checkpoint_every_minutes
    if every_steps is not None and step - (saved_step or 0) >= every_steps:
        return True
    return minutes is not None and since_save_s >= minutes * 60.0


def validates(train: Any, epoch: int) -> bool:
    """Whether the end of ``epoch`` (counted from 1) validates, or only draws its grid."""
    return epoch % train.val_every == 0 or epoch == train.max_epochs
