"""The fields of the context encoder and its discriminator, as types a plugin's Params class
body uses with its own defaults (no torch import here: registries and ``corefill validate``
read these)::

    class MyEncoderParams(CentreParams):
        \"\"\"My context encoder ... in [-1, 1].\"\"\"
        default_channels: ClassVar[int] = 1   # without recipe or dataset channels
        image_size: ImageSize = 64
        hole_size: HoleSize = None
        channels: Channels = None
        ...

Each type carries its range and description; the default is the plugin's, written once in
its class body. A plugin without ``max_channels`` leaves the field out (channels then
double without a cap).
"""
from __future__ import annotations

import warnings
from typing import Any, ClassVar, Literal, Optional

from pydantic import Field, field_validator, model_validator
from typing_extensions import Annotated

from ..params import Params

_POW2 = "(power of 2)"

ImageSize = Annotated[int, Field(ge=8, le=1024, description=f"input height = width {_POW2}")]
HoleSize = Annotated[Optional[int], Field(ge=8, le=512, description=(
    f"side of the generated centre box {_POW2}; null: image_size // 2"))]
InputSize = Annotated[int, Field(ge=8, le=1024, description=f"side of the judged box {_POW2}")]
Channels = Annotated[Optional[int], Field(ge=1, le=4, description=(
    "image channels; null = the dataset's (the plugin's default_channels without one)"))]
BaseChannels = Annotated[int, Field(ge=4, le=512, description="channels of the first conv (doubling)")]
MaxChannels = Annotated[int, Field(ge=8, le=2048, description="cap on channels in deeper layers")]
MaskChannel = Annotated[bool, Field(description=(
    "feed the mask as an extra input channel (tells the net where the hole is)"))]
Dropout = Annotated[float, Field(ge=0.0, lt=1.0, description="dropout after the channel-wise FC")]
Upsample = Annotated[Literal["transposed", "nearest", "bilinear"], Field(description=(
    "decoder doubling: 4x4 transposed conv (the paper), or a nearest/bilinear resize + "
    "3x3 conv (no checkerboard texture)"))]


class CentreParams(Params):
    """Base of context-encoder Params: sides must be powers of two (each level halves or
    doubles them down to 4x4), a hole no larger than the image."""

    default_channels: ClassVar[int] = 3  # image channels without recipe or dataset ones

    @field_validator("image_size", "hole_size", "input_size", check_fields=False)
    @classmethod
    def _power_of_two(cls, value, info):
        if value is not None and value & (value - 1):
            raise ValueError(f"{info.field_name} must be a power of two, got {value}")
        return value

    @model_validator(mode="after")
    def _hole_fits(self):
        hole, image = getattr(self, "hole_size", None), getattr(self, "image_size", None)
        if hole is not None and image is not None and hole > image:
            raise ValueError(f"hole_size {hole} exceeds image_size {image}")
        return self

    def image_channels(self, context: Any) -> int:
        """``channels`` if the recipe sets it, else the dataset's, else the plugin's default."""
        return self.channels or getattr(context, "channels", None) or self.default_channels


# -- the former factories (deprecated: write the class body) ----------------------------
def context_encoder_params(name: str, doc: str, *, module: str, image_size: int,
                           hole_size: Optional[int], channels: int, channels_help: str = "",
                           base_channels: int, max_channels: Optional[int],
                           mask_channel: bool, mask_help: str = "") -> type[Params]:
    """Deprecated: a Params class for :class:`corefill.nn.ContextEncoder` with these
    defaults. Declare a class body on :class:`CentreParams` with the field types instead."""
    _deprecated("context_encoder_params")
    fields = {"image_size": (ImageSize, image_size), "hole_size": (HoleSize, hole_size),
              "channels": (Channels, None), "base_channels": (BaseChannels, base_channels),
              "mask_channel": (MaskChannel, mask_channel), "dropout": (Dropout, 0.0),
              "upsample": (Upsample, "transposed")}
    if max_channels is not None:
        fields["max_channels"] = (MaxChannels, max_channels)
    return _params_class(name, doc, module, channels, fields)


def context_discriminator_params(name: str, doc: str, *, module: str, input_size: int,
                                 channels: int, base_channels: int,
                                 max_channels: Optional[int]) -> type[Params]:
    """Deprecated: a Params class for :class:`corefill.nn.ContextDiscriminator`."""
    _deprecated("context_discriminator_params")
    fields = {"input_size": (InputSize, input_size), "channels": (Channels, None),
              "base_channels": (BaseChannels, base_channels)}
    if max_channels is not None:
        fields["max_channels"] = (MaxChannels, max_channels)
    return _params_class(name, doc, module, channels, fields)


def _deprecated(name: str) -> None:
    warnings.warn(f"corefill.nn.{name} is deprecated and goes in the next major release: "
                  "declare the Params class body with corefill.nn's field types "
                  "(docs/plugins.md)", DeprecationWarning, stacklevel=3)


def _params_class(name: str, doc: str, module: str, channels: int,
                  fields: dict[str, tuple[Any, Any]]) -> type[Params]:
    namespace = {"__doc__": doc, "__module__": module,
                 "__annotations__": {key: kind for key, (kind, _) in fields.items()},
                 **{key: default for key, (_, default) in fields.items()}}
    params_cls = type(name, (CentreParams,), namespace)
    params_cls.default_channels = channels
    return params_cls
