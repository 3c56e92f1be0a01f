"""Pixel reconstruction losses: `(output, target, mask) -> scalar`, mask 1 = hole."""
from __future__ import annotations

from typing import Literal, Optional

import torch

from ..registry import BuildContext
from .params import FullLossParams, HoleLossParams, LogL2HoleParams


def _elementwise(output: torch.Tensor, target: torch.Tensor, power: int) -> torch.Tensor:
    diff = output - target
    return diff.abs() if power == 1 else diff.square()


class HoleLoss:
    """L1 (power 1) or L2 (power 2) error over hole pixels."""

    adversarial = False

    def __init__(self, *, power: int, reduction: Literal["mean", "sum"]):
        self.power = power
        self.reduction = reduction

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.to(output.dtype).expand_as(output)
        total = (_elementwise(output, target, self.power) * mask).sum()
        if self.reduction == "sum":
            return total
        # clamp: a batch without holes gives 0 (still attached to the graph), not NaN.
        return total / mask.sum().clamp_min(1.0)


class LogHoleLoss:
    """Mean over images (those with a hole) of ``log(hole MSE + eps)``."""

    adversarial = False

    def __init__(self, *, eps: float):
        self.eps = float(eps)

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.to(output.dtype).expand_as(output)
        area = mask.flatten(1).sum(dim=1)
        mse = (_elementwise(output, target, 2) * mask).flatten(1).sum(dim=1) / area.clamp_min(1.0)
        has_hole = (area > 0).to(output.dtype)
        # clamp: a batch without holes gives 0 (still attached to the graph), not NaN.
        return (torch.log(mse + self.eps) * has_hole).sum() / has_hole.sum().clamp_min(1.0)


class FullLoss:
    """L1 (power 1) or L2 (power 2) error over every pixel."""

    adversarial = False

    def __init__(self, *, power: int, reduction: Literal["mean", "sum"]):
        self.power = power
        self.reduction = reduction

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        errors = _elementwise(output, target, self.power)
        return errors.sum() if self.reduction == "sum" else errors.mean()


# -- registration: one builder per registered name, from its Params -----------------------
def l1_hole(params: HoleLossParams, context: Optional[BuildContext] = None) -> HoleLoss:
    return HoleLoss(power=1, reduction=params.reduction)


def l2_hole(params: HoleLossParams, context: Optional[BuildContext] = None) -> HoleLoss:
    return HoleLoss(power=2, reduction=params.reduction)


def log_l2_hole(params: LogL2HoleParams, context: Optional[BuildContext] = None) -> LogHoleLoss:
    return LogHoleLoss(eps=params.eps)


def l1_full(params: FullLossParams, context: Optional[BuildContext] = None) -> FullLoss:
    return FullLoss(power=1, reduction=params.reduction)


def l2_full(params: FullLossParams, context: Optional[BuildContext] = None) -> FullLoss:
    return FullLoss(power=2, reduction=params.reduction)
