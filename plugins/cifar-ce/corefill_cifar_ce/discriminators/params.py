"""Params of the centre critic (no torch import here)."""
from corefill.nn import context_discriminator_params

CentreCriticParams = context_discriminator_params(
    "CentreCriticParams",
    """Discriminator of the context encoder: real vs generated centre regions.

    Expects ``(N, channels, input_size, input_size)`` crops in [-1, 1] (other sizes are
    resized); produces one raw logit per image, ``(N, 1)`` (pair with `bce`).
    """,
    module=__name__, input_size=16, channels=3, base_channels=64, max_channels=None,
)
