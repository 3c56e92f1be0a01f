"""The 32² context encoder: corefill.nn's context encoder configured as the source builds it."""
from corefill.nn.context_encoder import ContextEncoder


class CifarContextEncoder(ContextEncoder):
    """A 3x3 conv ends the decoder (the source's layout); the Params have no ``max_channels``,
    so channels double without a cap."""

    def __init__(self, **params):
        super().__init__(head="conv", **params)
