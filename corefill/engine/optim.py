"""Optimisers and learning-rate schedules of a training run (the recipe's `train` settings).

Adam's implementation: torch's default on CPU updates one weight tensor at a time, which is
13-25% of a batch-1 pix2pix step (≈ 57 M weights); the fused kernel does the same update in
one pass, 5x faster on a 2-core EPYC. ``fused: auto`` takes it wherever torch has it for the
weights' device and dtype, and falls back to torch's default elsewhere.
"""
from __future__ import annotations

from typing import Any, Optional

import torch

from ..errors import RecipeError


class Adam(torch.optim.Adam):
    """torch's Adam that keeps its own implementation when a checkpoint is loaded.

    ``Optimizer.load_state_dict`` copies every group setting from the saved state, ``fused``
    and ``foreach`` included: a run resumed with another ``fused`` setting would silently
    keep the old implementation."""

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        kept = [{key: group[key] for key in ("fused", "foreach", "capturable")}
                for group in self.param_groups]
        super().load_state_dict(state_dict)
        for group, settings in zip(self.param_groups, kept):
            group.update(settings)
            if settings["fused"] or settings["capturable"]:
                continue
            for param in group["params"]:  # the plain loop reads `step` on the host
                step = self.state.get(param, {}).get("step")
                if isinstance(step, torch.Tensor) and step.device.type != "cpu":
                    self.state[param]["step"] = step.to("cpu", torch.float32)


def optimizer(module: torch.nn.Module, settings, device: torch.device) -> torch.optim.Adam:
    """Adam over ``module``'s weights as ``settings`` (a recipe's OptimizerSettings) say."""
    params = list(module.parameters())
    options = dict(lr=settings.lr, betas=tuple(settings.betas),
                   weight_decay=settings.weight_decay)
    fused = getattr(settings, "fused", "auto")
    if fused is not False and _has_fused_kernel(params):
        return Adam(params, fused=True, **options)
    if fused is True:
        raise RecipeError(f"train optimizer: fused: true, but torch {torch.__version__} has "
                          f"no fused Adam for these weights on {device.type}")
    return Adam(params, **options)  # torch's default, as the reference implementations


def _has_fused_kernel(params: list[torch.Tensor]) -> bool:
    # torch checks only at the first step, so a fallback must ask before building.
    try:
        from torch.optim.optimizer import _get_fused_kernels_supported_devices
        devices = set(_get_fused_kernels_supported_devices())
    except ImportError:  # a torch that moved it: the two devices measured
        devices = {"cpu", "cuda"}
    return all(p.device.type in devices and torch.is_floating_point(p) for p in params)


def implementation(opt: torch.optim.Optimizer) -> str:
    """``fused``, ``foreach`` or ``default`` (torch's choice): what the first group runs."""
    group = opt.param_groups[0]
    if group.get("fused"):
        return "fused"
    return "foreach" if group.get("foreach") else "default"


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
