"""The knee context encoder is corefill.nn's, as the paper configures it: the up-conv head,
channels capped by ``max_channels``."""
from torch import nn

from corefill.nn import ContextEncoder, LinkedContextEncoder
from corefill.plugin import BuildContext

from .params import ContextEncoderParams


# -- registration ----------------------------------------------------------------------
def context_encoder(params: ContextEncoderParams, context: BuildContext) -> nn.Module:
    """Every argument from the Params (the paper's layout: the last doubling is the up-conv
    to the image; ``links``: the linked variant that generates the whole image)."""
    if params.links:
        return LinkedContextEncoder(
            image_size=params.image_size, channels=params.image_channels(context),
            base_channels=params.base_channels, max_channels=params.max_channels,
            mask_channel=params.mask_channel, dropout=params.dropout, upsample=params.upsample)
    return ContextEncoder(
        image_size=params.image_size, hole_size=params.hole_size,
        channels=params.image_channels(context),
        base_channels=params.base_channels, max_channels=params.max_channels,
        mask_channel=params.mask_channel, dropout=params.dropout, upsample=params.upsample,
        head="upconv")
