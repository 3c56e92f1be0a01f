"""Parameters of the built-in losses (no torch here: read by `corefill components`)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..params import Params


class HoleLossParams(Params):
    """Reconstruction error over hole pixels only (mask = 1). Any image value range.

    `mean` divides by the number of hole pixels × channels (0 when there is no hole);
    `sum` adds the errors up, as the RGB-GAN source's reconstruction loss does.
    """

    reduction: Literal["mean", "sum"] = Field(
        "mean", description="mean over hole pixels and channels, or plain sum"
    )


class FullLossParams(Params):
    """Reconstruction error over the whole image, hole and known pixels. Any value range."""

    reduction: Literal["mean", "sum"] = Field(
        "mean", description="mean over all pixels and channels, or plain sum"
    )


class L1HoleParams(HoleLossParams):
    """Mean absolute error over hole pixels (mask = 1). Any image value range."""


class L2HoleParams(HoleLossParams):
    """Mean squared error over hole pixels (mask = 1), the context-encoder loss. Any value range."""


class L1Params(FullLossParams):
    """Mean absolute error over the whole image (pix2pix's L1 term). Any value range."""


class L2Params(FullLossParams):
    """Mean squared error over the whole image. Any value range."""


class AdversarialParams(Params):
    """Adversarial objective on raw discriminator logits (no sigmoid applied by D)."""


class BCEParams(AdversarialParams):
    """Vanilla GAN: binary cross-entropy on raw logits (stable softplus form); D loss = real + fake term."""


class LSGANParams(AdversarialParams):
    """Least-squares GAN: MSE of raw logits to 1 (real) / 0 (fake); D loss = real + fake term."""


class HingeParams(AdversarialParams):
    """Hinge GAN: D uses relu(1 - real) + relu(1 + fake) on raw logits; G uses -fake."""
