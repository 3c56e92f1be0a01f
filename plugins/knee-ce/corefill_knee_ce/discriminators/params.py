"""Params of the context-encoder discriminator (no torch import here)."""
from typing import ClassVar

from corefill.nn import BaseChannels, CentreParams, Channels, InputSize, MaxChannels


class ContextDiscriminatorParams(CentreParams):
    """DCGAN-style critic of the centre region: real vs generated hole-box content.

    Expects ``(N, channels, input_size, input_size)`` crops in [-1, 1]; produces one
    raw logit per image, shape ``(N, 1)`` (no sigmoid: pair it with a BCE-with-logits loss).
    """

    default_channels: ClassVar[int] = 1  # grey radiographs
    input_size: InputSize = 32
    channels: Channels = None
    base_channels: BaseChannels = 32
    max_channels: MaxChannels = 256
