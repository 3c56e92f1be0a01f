"""GAN objectives on raw logits: `generator_loss(fake)`, `discriminator_loss(real, fake)`.

The discriminator loss is the sum of its real and fake terms (no 0.5 factor); scale it
with the recipe's loss weight if a halved D loss is wanted.
"""
from __future__ import annotations

from typing import Any, Optional

import torch
import torch.nn.functional as F


class _GANLoss:
    """Built as every component is, ``(params, context)``; these objectives take no params."""

    adversarial = True

    def __init__(self, params: Any = None, context: Optional[Any] = None) -> None:
        del params, context  # nothing to configure


class VanillaGANLoss(_GANLoss):
    """Binary cross-entropy with logits; softplus keeps it stable for large |logits|."""

    def generator_loss(self, fake_logits: torch.Tensor) -> torch.Tensor:
        # BCE(fake, label 1) = log(1 + exp(-x)) = softplus(-x)
        return F.softplus(-fake_logits).mean()

    def discriminator_loss(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


class LSGANLoss(_GANLoss):
    """Least squares GAN: mean squared distance of the logits to the labels 1 (real) / 0 (fake)."""

    def generator_loss(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return (fake_logits - 1).square().mean()

    def discriminator_loss(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        return (real_logits - 1).square().mean() + fake_logits.square().mean()


class HingeGANLoss(_GANLoss):
    """Hinge loss: D pushes real logits above +1 and fake below -1; G raises fake logits."""

    def generator_loss(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return -fake_logits.mean()

    def discriminator_loss(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
