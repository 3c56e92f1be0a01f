"""Params of the CIFAR context encoder (no torch import here)."""
from corefill.nn import (BaseChannels, CentreParams, Channels, Dropout, HoleSize, ImageSize,
                         MaskChannel, Upsample)


class CifarContextEncoderParams(CentreParams):
    """Context encoder (Pathak et al. 2016) for small images: conv encoder down to 4x4,
    channel-wise fully connected bottleneck, up-conv decoder to the centre hole.

    Expects the masked image in [-1, 1] (hole zeroed), ``image_size`` square; produces only
    the hole's bounding box in [-1, 1] (tanh), ``hole_size`` square, resized to the mask's
    box when that differs. Channels double without a cap (the paper's network).
    """

    image_size: ImageSize = 32
    hole_size: HoleSize = 16
    channels: Channels = None  # RGB (default_channels 3) without the dataset's
    base_channels: BaseChannels = 64
    mask_channel: MaskChannel = False  # the paper feeds the image alone
    dropout: Dropout = 0.0
    upsample: Upsample = "transposed"
