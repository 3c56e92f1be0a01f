"""Per-sample pixel metrics: L1, L2, PSNR and tolerance accuracy, over the hole or the image."""
from __future__ import annotations

import math
from typing import Literal, Optional

import torch

from ..params import Params
from ..registry import BuildContext
from .params import AccuracyParams, PSNRParams

Region = Literal["hole", "full"]


def region_mean(values: torch.Tensor, mask: torch.Tensor, region: Region) -> torch.Tensor:
    """Mean of ``values`` (N, C, H, W) per sample over the region; NaN for an empty hole."""
    if region == "full":
        return values.flatten(1).mean(dim=1)
    weights = mask.to(values.dtype).expand_as(values)
    # 0/0 = NaN on purpose: a sample without hole pixels has no hole error.
    return (values * weights).flatten(1).sum(dim=1) / weights.flatten(1).sum(dim=1)


def _errors(output: torch.Tensor, target: torch.Tensor, power: int) -> torch.Tensor:
    # float64 so tiny errors (PSNR near its cap, accuracy near its tolerance) are exact enough.
    diff = output.double() - target.double()
    return diff.abs() if power == 1 else diff.square()


class ErrorMetric:
    """Mean absolute (power 1) or squared (power 2) error per sample."""

    higher_is_better = False
    per_sample = True

    def __init__(self, *, name: str, power: int, region: Region):
        self.name, self.power, self.region = name, power, region

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return region_mean(_errors(output, target, self.power), mask, self.region).float()


class PSNRMetric:
    """10·log10(1 / MSE) per sample (peak 1), capped at ``max_db`` for identical images."""

    higher_is_better = True
    per_sample = True

    def __init__(self, *, name: str, region: Region, max_db: float):
        self.name, self.region, self.max_db = name, region, max_db

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mse = region_mean(_errors(output, target, 2), mask, self.region)
        floor = 10.0 ** (-self.max_db / 10)  # the MSE at which PSNR reaches the cap
        return (10 * torch.log10(1.0 / mse.clamp_min(floor))).float()


class AccuracyMetric:
    """1 for a sample whose mean hole error is within ``tolerance``, else 0 (the masked-autoencoder source's accuracy)."""

    higher_is_better = True
    per_sample = True

    def __init__(self, *, name: str, error: Literal["mse", "l1"], tolerance: float):
        self.name, self.tolerance = name, tolerance
        self.power = 2 if error == "mse" else 1

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hole_error = region_mean(_errors(output, target, self.power), mask, "hole")
        within = (hole_error <= self.tolerance).float()
        return torch.where(torch.isnan(hole_error), torch.full_like(within, math.nan), within)


# -- registration: one builder per registered name, from its Params -----------------------
def l1_hole(params: Params, context: Optional[BuildContext] = None) -> ErrorMetric:
    return ErrorMetric(name="l1_hole", power=1, region="hole")


def l1_full(params: Params, context: Optional[BuildContext] = None) -> ErrorMetric:
    return ErrorMetric(name="l1_full", power=1, region="full")


def l2_hole(params: Params, context: Optional[BuildContext] = None) -> ErrorMetric:
    return ErrorMetric(name="l2_hole", power=2, region="hole")


def l2_full(params: Params, context: Optional[BuildContext] = None) -> ErrorMetric:
    return ErrorMetric(name="l2_full", power=2, region="full")


def psnr_hole(params: PSNRParams, context: Optional[BuildContext] = None) -> PSNRMetric:
    return PSNRMetric(name="psnr_hole", region="hole", max_db=params.max_db)


def psnr_full(params: PSNRParams, context: Optional[BuildContext] = None) -> PSNRMetric:
    return PSNRMetric(name="psnr_full", region="full", max_db=params.max_db)


def accuracy_hole(params: AccuracyParams, context: Optional[BuildContext] = None) -> AccuracyMetric:
    return AccuracyMetric(name="accuracy_hole", error=params.error, tolerance=params.tolerance)
