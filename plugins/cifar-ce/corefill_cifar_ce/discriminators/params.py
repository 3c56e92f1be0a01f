"""Params of the centre critic (no torch import here)."""
from corefill.nn import BaseChannels, CentreParams, Channels, InputSize


class CentreCriticParams(CentreParams):
    """Discriminator of the context encoder: real vs generated centre regions.

    Expects ``(N, channels, input_size, input_size)`` crops in [-1, 1] (other sizes are
    resized); produces one raw logit per image, ``(N, 1)`` (pair with `bce`). Channels
    double without a cap (the paper's network).
    """

    input_size: InputSize = 16
    channels: Channels = None  # RGB (default_channels 3) without the dataset's
    base_channels: BaseChannels = 64
