"""The 32² context encoder: corefill.nn's context encoder configured as the paper builds it."""
from corefill.nn import ContextEncoder
from corefill.plugin import BuildContext

from .params import CifarContextEncoderParams


# -- registration ----------------------------------------------------------------------
def cifar_context_encoder(params: CifarContextEncoderParams,
                          context: BuildContext) -> ContextEncoder:
    """A 3x3 conv ends the decoder (the paper's layout); the Params have no
    ``max_channels``, so channels double without a cap."""
    return ContextEncoder(
        image_size=params.image_size, hole_size=params.hole_size,
        channels=params.image_channels(context),
        base_channels=params.base_channels, max_channels=None,
        mask_channel=params.mask_channel, dropout=params.dropout, upsample=params.upsample,
        head="conv")
