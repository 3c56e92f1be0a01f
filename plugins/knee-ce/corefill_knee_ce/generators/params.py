"""Params of the context-encoder generator (no torch import here)."""
from corefill.nn.params import context_encoder_params

ContextEncoderParams = context_encoder_params(
    "ContextEncoderParams",
    """Context encoder (Pathak et al. 2016): encoder -> channel-wise FC -> up-conv decoder.

    Expects the masked image in [-1, 1] (hole pixels zeroed) of size ``image_size``;
    produces only the hole's bounding-box content in [-1, 1] (tanh), ``hole_size`` square,
    resized to the mask's actual box when that differs.
    """,
    module=__name__, image_size=64, hole_size=None, channels=1,
    channels_help="image channels (1 = grey radiographs)", base_channels=32, max_channels=256,
    mask_channel=True, mask_help="feed the mask as an extra input channel (tells the net where the hole is)",
)
