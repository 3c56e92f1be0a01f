"""The knee centre discriminator is corefill.nn's, channels capped by ``max_channels``."""
from corefill.nn import ContextDiscriminator
from corefill.plugin import BuildContext

from .params import ContextDiscriminatorParams


# -- registration ----------------------------------------------------------------------
def context_discriminator(params: ContextDiscriminatorParams,
                          context: BuildContext) -> ContextDiscriminator:
    """Every argument from the Params."""
    return ContextDiscriminator(input_size=params.input_size,
                                channels=params.image_channels(context),
                                base_channels=params.base_channels,
                                max_channels=params.max_channels)
