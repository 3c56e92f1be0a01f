"""Params of the completion autoencoder (no torch import here)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.plugin import Params


class CompletionAutoencoderParams(Params):
    """Conv autoencoder: `depth` conv + max-pool stages, then `depth` upsample + conv.

    Expects the image with its hole set to 0 (the engine's ``input``; with the source's [0, 1]
    range that is black), any size divisible by 2**depth; produces the full image. The output
    activation sets the range: sigmoid -> [0, 1] (the source), tanh -> [-1, 1], none -> unbounded.
    """

    channels: Optional[int] = Field(
        None, ge=1, le=4, description="image channels (1 = grey, as the source); null = the dataset's")
    base_channels: int = Field(32, ge=4, le=512, description="channels of the first conv (doubling per stage)")
    depth: int = Field(4, ge=1, le=7, description="encoder stages (conv + 2x2 max-pool); the decoder mirrors them")
    mask_channel: bool = Field(False, description="also feed the mask (the source does not)")
    output_activation: Literal["sigmoid", "tanh", "none"] = Field(
        "sigmoid", description="sigmoid for data in [0, 1], tanh for [-1, 1]"
    )
    init: Literal["he", "default"] = Field(
        "he", description="he: the source's 'Xavier/2' (normal, std sqrt(2 / fan_in)); default: PyTorch's"
    )
