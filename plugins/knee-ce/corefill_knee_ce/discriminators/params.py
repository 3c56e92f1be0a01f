"""Params of the context-encoder discriminator (no torch import here)."""
from corefill.nn import context_discriminator_params

ContextDiscriminatorParams = context_discriminator_params(
    "ContextDiscriminatorParams",
    """DCGAN-style critic of the centre region: real vs generated hole-box content.

    Expects ``(N, channels, input_size, input_size)`` crops in [-1, 1]; produces one
    raw logit per image, shape ``(N, 1)`` (no sigmoid: pair it with a BCE-with-logits loss).
    """,
    module=__name__, input_size=32, channels=1, base_channels=32, max_channels=256,
)
