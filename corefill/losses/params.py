"""Parameters of the built-in losses (no torch here: read by `corefill components`)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..params import Params


class HoleLossParams(Params):
    """Reconstruction error over hole pixels only (mask = 1). Any image value range.

    `mean` divides by the number of hole pixels × channels (0 when there is no hole);
    `sum` adds the errors up, as seed 004's reconstruction loss does.
    """

    reduction: Literal["mean", "sum"] = Field(
        "mean", description="mean over hole pixels and channels, or plain sum"
    )


class FullLossParams(Params):
    """Reconstruction error over the whole image, hole and known pixels. Any value range."""

    reduction: Literal["mean", "sum"] = Field(
        "mean", description="mean over all pixels and channels, or plain sum"
    )


class AdversarialParams(Params):
    """Adversarial objective on raw discriminator logits (no sigmoid applied by D)."""
