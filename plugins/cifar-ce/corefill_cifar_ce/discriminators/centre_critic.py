"""The source's centre critic is corefill.nn's context discriminator."""
from corefill.nn import ContextDiscriminator
from corefill.plugin import BuildContext

from .params import CentreCriticParams


# -- registration ----------------------------------------------------------------------
def cifar_centre_critic(params: CentreCriticParams, context: BuildContext) -> ContextDiscriminator:
    """The Params have no ``max_channels``, so channels double without a cap."""
    return ContextDiscriminator(input_size=params.input_size,
                                channels=params.image_channels(context),
                                base_channels=params.base_channels, max_channels=None)
