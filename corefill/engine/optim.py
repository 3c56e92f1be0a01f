"""Optimisers and learning-rate schedules of a training run (the recipe's `train` settings)."""
from __future__ import annotations

from typing import Any, Optional

import torch


def optimizer(module: torch.nn.Module, settings, device: torch.device) -> torch.optim.Adam:
    return torch.optim.Adam(
        module.parameters(), lr=settings.lr, betas=tuple(settings.betas),
        weight_decay=settings.weight_decay, fused=device.type == "cuda" or None,
    )


class LinearDecay:
    """pix2pix: constant learning rate until ``start``, then linearly towards 0 at the end."""

    def __init__(self, start: int, total: int) -> None:
        self.start, self.total = start, total

    def __call__(self, epoch: int) -> float:
        return 1.0 - max(0, epoch - self.start) / float(max(1, self.total - self.start + 1))


def scheduler(opt: torch.optim.Optimizer, settings, max_epochs: int) -> Optional[Any]:
    """Stepped once per epoch."""
    if settings.name == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=settings.step_size,
                                               gamma=settings.gamma)
    if settings.name == "linear":
        return torch.optim.lr_scheduler.LambdaLR(opt, LinearDecay(settings.decay_start, max_epochs))
    return None
