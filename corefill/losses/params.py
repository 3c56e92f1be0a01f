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


class LogL2HoleParams(Params):
    """Mean over images of log(hole MSE + eps): the loss whose minimum is the best mean hole
    PSNR (PSNR = -10·log10 MSE), so every image weighs as it does in ``psnr_hole``, where
    plain L2 lets a few high-error images outweigh many smooth ones. Any value range; images
    without a hole pixel add nothing.
    """

    eps: float = Field(
        1e-4, gt=0, description="added to each image's hole MSE before the log, in the value "
        "range's squared units (1e-4 in [-1, 1] caps a crop's weight near 46 dB PSNR)"
    )


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
