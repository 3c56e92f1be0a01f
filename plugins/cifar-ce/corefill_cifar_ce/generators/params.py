"""Params of the CIFAR context encoder (no torch import here)."""
from corefill.nn import context_encoder_params

CifarContextEncoderParams = context_encoder_params(
    "CifarContextEncoderParams",
    """Context encoder (Pathak et al. 2016) for small images: conv encoder down to 4x4,
    channel-wise fully connected bottleneck, up-conv decoder to the centre hole.

    Expects the masked image in [-1, 1] (hole zeroed), ``image_size`` square; produces only
    the hole's bounding box in [-1, 1] (tanh), ``hole_size`` square, resized to the mask's
    box when that differs.
    """,
    module=__name__, image_size=32, hole_size=16, channels=3,
    channels_help="image channels (3 = RGB)", base_channels=64, max_channels=None,
    mask_channel=False, mask_help="also feed the mask (the source does not)",
)
