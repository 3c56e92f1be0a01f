"""Params of the context-encoder generator (no torch import here)."""
from pydantic import Field, model_validator

from corefill.nn import context_encoder_params

_ContextEncoderBase = context_encoder_params(
    "_ContextEncoderBase", "", module=__name__, image_size=64, hole_size=None, channels=1,
    channels_help="image channels (1 = grey radiographs)", base_channels=32, max_channels=256,
    mask_channel=True, mask_help="feed the mask as an extra input channel (tells the net where the hole is)",
)


class ContextEncoderParams(_ContextEncoderBase):
    """Context encoder (Pathak et al. 2016): encoder -> channel-wise FC -> up-conv decoder.

    Expects the masked image in [-1, 1] (hole pixels zeroed) of size ``image_size``;
    produces only the hole's bounding-box content in [-1, 1] (tanh), ``hole_size`` square,
    resized to the mask's actual box when that differs. With ``links`` the decoder also
    reads the encoder's features at every scale (U-Net links) and produces the whole
    ``image_size`` image in [-1, 1], for holes of any shape and place.
    """

    links: bool = Field(False, description="U-Net links from the encoder to the decoder; the "
                        "whole image is generated (hole_size must be unset)")

    @model_validator(mode="after")
    def _links_generate_the_image(self) -> "ContextEncoderParams":
        if self.links and self.hole_size is not None:
            raise ValueError("links generate the whole image: leave hole_size unset")
        return self
