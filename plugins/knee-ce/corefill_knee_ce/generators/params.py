"""Params of the context-encoder generator (no torch import here)."""
from typing import ClassVar

from pydantic import Field, model_validator

from corefill.nn import (BaseChannels, CentreParams, Channels, Dropout, HoleSize, ImageSize,
                         MaskChannel, MaxChannels, Upsample)


class ContextEncoderParams(CentreParams):
    """Context encoder (Pathak et al. 2016): encoder -> channel-wise FC -> up-conv decoder.

    Expects the masked image in [-1, 1] (hole pixels zeroed) of size ``image_size``;
    produces only the hole's bounding-box content in [-1, 1] (tanh), ``hole_size`` square,
    resized to the mask's actual box when that differs. With ``links`` the decoder also
    reads the encoder's features at every scale (U-Net links) and produces the whole
    ``image_size`` image in [-1, 1], for holes of any shape and place.
    """

    default_channels: ClassVar[int] = 1  # grey radiographs
    image_size: ImageSize = 64
    hole_size: HoleSize = None
    channels: Channels = None
    base_channels: BaseChannels = 32
    max_channels: MaxChannels = 256
    mask_channel: MaskChannel = True
    dropout: Dropout = 0.0
    upsample: Upsample = "transposed"
    links: bool = Field(False, description="U-Net links from the encoder to the decoder; the "
                        "whole image is generated (hole_size must be unset)")

    @model_validator(mode="after")
    def _links_generate_the_image(self) -> "ContextEncoderParams":
        if self.links and self.hole_size is not None:
            raise ValueError("links generate the whole image: leave hole_size unset")
        return self
