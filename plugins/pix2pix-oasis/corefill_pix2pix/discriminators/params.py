"""Parameters of the PatchGAN discriminator (no torch import)."""
from typing import Optional

from pydantic import Field

from corefill.plugin import Params


class PatchGANParams(Params):
    """pix2pix PatchGAN: one real/fake logit per overlapping patch (70×70 with 3 layers).

    Sees images in [-1, 1]; for pix2pix the recipe sets ``discriminator.input: conditional``
    so it sees input channels + image channels (one-hot 4 + MRI 1 = 5), which ``in_channels``
    null takes from the dataset (set it for a D that sees the image alone).
    Output: raw logits (N, 1, h, w), about side/8 - 2 per side for 3 layers.
    """

    in_channels: Optional[int] = Field(
        None, ge=1, le=128,
        description="channels of what D sees; null = the dataset's input + image channels "
                    "(a conditional D)")
    base_channels: int = Field(64, ge=4, le=256, description="filters of the first conv (ndf)")
    num_layers: int = Field(
        3, ge=1, le=6, description="stride-2 convs after the first; 3 gives a 70×70 receptive field"
    )
