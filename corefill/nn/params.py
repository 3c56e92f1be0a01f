"""Params of the context encoder and its discriminator, declared once for every plugin that
configures them (no torch import here: registries and ``corefill validate`` read these).

A plugin gets its own Params class, with its own defaults and docstring, from
:func:`context_encoder_params` / :func:`context_discriminator_params`; leaving
``max_channels`` out leaves the field out (channels then double without a cap).
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, create_model, field_validator, model_validator

from ..params import Params

_POW2 = "(power of 2)"


class _CentreParams(Params):
    """Sides must be powers of two (each level halves or doubles them down to 4x4)."""

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


def _width_fields(channels: int, channels_help: str, base_channels: int,
                  max_channels: Optional[int]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "channels": (Optional[int], Field(None, ge=1, le=4, description=(
            f"{channels_help}; null = the dataset's ({channels} without one)"))),
        "base_channels": (int, Field(base_channels, ge=4, le=512,
                                     description="channels of the first conv (doubling)")),
    }
    if max_channels is not None:
        fields["max_channels"] = (int, Field(max_channels, ge=8, le=2048,
                                             description="cap on channels in deeper layers"))
    return fields


def context_encoder_params(name: str, doc: str, *, module: str, image_size: int,
                           hole_size: Optional[int], channels: int, channels_help: str,
                           base_channels: int, max_channels: Optional[int],
                           mask_channel: bool, mask_help: str) -> type[Params]:
    """A Params class for :class:`corefill.nn.ContextEncoder` with these defaults."""
    hole_type = Optional[int] if hole_size is None else int
    hole_help = "side of the generated centre box " + (
        "; default image_size // 2" if hole_size is None else _POW2)
    return _with_default_channels(channels, create_model(
        name, __base__=_CentreParams, __doc__=doc, __module__=module,
        image_size=(int, Field(image_size, ge=8, le=1024,
                               description=f"input height = width {_POW2}")),
        hole_size=(hole_type, Field(hole_size, ge=8, le=512, description=hole_help)),
        **_width_fields(channels, channels_help, base_channels, max_channels),
        mask_channel=(bool, Field(mask_channel, description=mask_help)),
        dropout=(float, Field(0.0, ge=0.0, lt=1.0,
                              description="dropout after the channel-wise FC")),
        upsample=(Literal["transposed", "nearest", "bilinear"], Field(
            "transposed", description="decoder doubling: 4x4 transposed conv (the paper), or "
            "a nearest/bilinear resize + 3x3 conv (no checkerboard texture)")),
    ))


def context_discriminator_params(name: str, doc: str, *, module: str, input_size: int,
                                 channels: int, base_channels: int,
                                 max_channels: Optional[int]) -> type[Params]:
    """A Params class for :class:`corefill.nn.ContextDiscriminator` with these defaults."""
    return _with_default_channels(channels, create_model(
        name, __base__=_CentreParams, __doc__=doc, __module__=module,
        input_size=(int, Field(input_size, ge=8, le=1024,
                               description=f"side of the judged box {_POW2}")),
        **_width_fields(channels, "image channels", base_channels, max_channels),
    ))


def _with_default_channels(channels: int, params_cls: type[Params]) -> type[Params]:
    params_cls.default_channels = channels  # a class attribute, not a field
    return params_cls
