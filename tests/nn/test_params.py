"""Context-encoder Params declared once: torch-free, validated, configured per plugin."""
import subprocess
import sys

import pytest
from pydantic import ValidationError

from corefill.nn.params import context_discriminator_params, context_encoder_params


def _encoder(**defaults):
    settings = dict(module=__name__, image_size=32, hole_size=None, channels=3,
                    channels_help="image channels", base_channels=8, max_channels=None,
                    mask_channel=False, mask_help="feed the mask")
    return context_encoder_params("TestEncoderParams", "A test encoder.", **(settings | defaults))


def test_params_modules_import_without_torch():
    code = ("import sys, corefill.nn.params, corefill_knee_ce.generators.params, "
            "corefill_cifar_ce.discriminators.params; assert 'torch' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_defaults_docstring_and_optional_cap():
    plain, capped = _encoder(), _encoder(max_channels=64, hole_size=16)
    assert plain.__doc__ == "A test encoder." and "max_channels" not in plain.model_fields
    assert plain().hole_size is None and capped().model_dump()["max_channels"] == 64
    disc = context_discriminator_params("D", "A disc.", module=__name__, input_size=16,
                                        channels=1, base_channels=8, max_channels=None)
    assert disc().model_dump() == {"input_size": 16, "channels": None, "base_channels": 8}
    # channels: the recipe's, else the dataset's, else the plugin's default
    assert disc().image_channels(None) == 1 and disc(channels=3).image_channels(None) == 3
    assert disc().image_channels(type("Context", (), {"channels": 3})()) == 3


@pytest.mark.parametrize("bad, message", [
    ({"image_size": 48}, "image_size must be a power of two"),
    ({"hole_size": 24}, "hole_size must be a power of two"),
    ({"image_size": 16, "hole_size": 32}, "hole_size 32 exceeds image_size 16"),
    ({"max_channels": 64}, "Extra inputs are not permitted"),  # the field is left out
])
def test_bad_values_are_rejected(bad, message):
    with pytest.raises(ValidationError, match=message):
        _encoder()(**bad)
