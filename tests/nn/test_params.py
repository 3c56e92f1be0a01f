"""Context-encoder Params: class bodies on corefill.nn's field types, torch-free, validated;
the former factories still work, with a DeprecationWarning."""
import subprocess
import sys
from typing import ClassVar

import pytest
from pydantic import ValidationError

from corefill.nn import (BaseChannels, CentreParams, Channels, HoleSize, ImageSize,
                         InputSize, MaskChannel, MaxChannels)


class EncoderParams(CentreParams):
    """A test encoder."""
    default_channels: ClassVar[int] = 1
    image_size: ImageSize = 32
    hole_size: HoleSize = None
    channels: Channels = None
    base_channels: BaseChannels = 8
    mask_channel: MaskChannel = False


class CappedParams(EncoderParams):
    max_channels: MaxChannels = 64


class DiscParams(CentreParams):
    input_size: InputSize = 16
    channels: Channels = None
    base_channels: BaseChannels = 8


def test_params_modules_import_without_torch():
    code = ("import sys, corefill.nn.params, corefill_knee_ce.generators.params, "
            "corefill_cifar_ce.discriminators.params; assert 'torch' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_class_bodies_keep_their_defaults_ranges_and_docstring():
    assert EncoderParams.__doc__ == "A test encoder." and "max_channels" not in EncoderParams.model_fields
    assert EncoderParams().hole_size is None and CappedParams().model_dump()["max_channels"] == 64
    assert "power of 2" in EncoderParams.model_fields["image_size"].description
    assert DiscParams().model_dump() == {"input_size": 16, "channels": None, "base_channels": 8}
    # channels: the recipe's, else the dataset's, else the plugin's default
    assert EncoderParams().image_channels(None) == 1 and DiscParams().image_channels(None) == 3
    assert EncoderParams(channels=3).image_channels(None) == 3
    assert EncoderParams().image_channels(type("Context", (), {"channels": 3})()) == 3


@pytest.mark.parametrize("bad, message", [
    ({"image_size": 48}, "image_size must be a power of two"),
    ({"hole_size": 24}, "hole_size must be a power of two"),
    ({"image_size": 16, "hole_size": 32}, "hole_size 32 exceeds image_size 16"),
    ({"image_size": 4096}, "less than or equal to 1024"),  # the type's range
    ({"base_channels": 2}, "greater than or equal to 4"),
    ({"max_channels": 64}, "Extra inputs are not permitted"),  # the field is left out
])
def test_bad_values_are_rejected(bad, message):
    with pytest.raises(ValidationError, match=message):
        EncoderParams(**bad)


def test_the_former_factories_warn_and_still_build_the_same_fields():
    from corefill.nn import context_discriminator_params, context_encoder_params

    with pytest.warns(DeprecationWarning, match="context_encoder_params is deprecated"):
        old = context_encoder_params("Old", "An old encoder.", module=__name__, image_size=32,
                                     hole_size=None, channels=1, channels_help="grey",
                                     base_channels=8, max_channels=None, mask_channel=False,
                                     mask_help="mask")
    assert old.__doc__ == "An old encoder." and old().image_channels(None) == 1
    assert old().model_dump() == {**EncoderParams().model_dump(), "dropout": 0.0,
                                  "upsample": "transposed"}
    with pytest.raises(ValidationError, match="must be a power of two"):
        old(image_size=48)
    with pytest.warns(DeprecationWarning, match="context_discriminator_params"):
        disc = context_discriminator_params("D", "A disc.", module=__name__, input_size=16,
                                            channels=1, base_channels=8, max_channels=32)
    assert disc().model_dump() == {"input_size": 16, "channels": None, "base_channels": 8,
                                   "max_channels": 32}
