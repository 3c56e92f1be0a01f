"""The pix2pix discriminator is corefill.nn's 70×70 PatchGAN."""
from corefill.nn import PatchGAN
from corefill.plugin import BuildContext

from .params import PatchGANParams


# -- registration ----------------------------------------------------------------------
def patchgan(params: PatchGANParams, context: BuildContext) -> PatchGAN:
    """Channels as the recipe says, else what a conditional D sees of the dataset:
    cat(input, image) (one-hot labels + grey MRI = 5 without one)."""
    known = context.input_channels is not None and context.channels is not None
    in_channels = params.in_channels or (
        context.input_channels + context.channels if known else 5)
    return PatchGAN(in_channels=in_channels, base_channels=params.base_channels,
                    num_layers=params.num_layers)
