"""The 32² context encoder: corefill.nn's context encoder configured as the source builds it."""
from corefill.nn.context_encoder import ContextEncoder


class CifarContextEncoder(ContextEncoder):
    """Channels double without a cap and a 3x3 conv ends the decoder (the source's layout)."""

    def __init__(self, **params):
        super().__init__(head="conv", max_channels=None, **params)
