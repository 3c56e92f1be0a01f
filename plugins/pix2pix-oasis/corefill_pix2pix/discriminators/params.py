"""Parameters of the PatchGAN discriminator (no torch import)."""
from pydantic import Field

from corefill.params import Params


class PatchGANParams(Params):
    """pix2pix PatchGAN: one real/fake logit per overlapping patch (70×70 with 3 layers).

    Sees images in [-1, 1]; for pix2pix the recipe sets ``discriminator.input: conditional``
    so ``in_channels`` = input channels + image channels (one-hot 4 + MRI 1 = 5).
    Output: raw logits (N, 1, h, w), about side/8 - 2 per side for 3 layers.
    """

    in_channels: int = Field(5, ge=1, le=128, description="channels of what D sees")
    base_channels: int = Field(64, ge=4, le=256, description="filters of the first conv (ndf)")
    num_layers: int = Field(
        3, ge=1, le=6, description="stride-2 convs after the first; 3 gives a 70×70 receptive field"
    )
