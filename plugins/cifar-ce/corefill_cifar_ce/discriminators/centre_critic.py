"""The source's centre critic: corefill.nn's context discriminator with uncapped channels."""
from corefill.nn.context_encoder import ContextDiscriminator


class CentreCritic(ContextDiscriminator):
    """Strided 4x4 convs down to 4x4 (channels doubling without a cap), one logit per image."""

    def __init__(self, **params):
        super().__init__(max_channels=None, **params)
