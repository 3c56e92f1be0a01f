"""Parameters of the built-in maskers (no torch here: read by `corefill components`).

Every masker returns a float32 ``(1, H, W)`` mask with values in {0, 1}, 1 = hole.
"""
from __future__ import annotations

import math
from typing import Literal, Optional, Union

from pydantic import Field, model_validator

from ..params import Params


class CenterParams(Params):
    """A centred rectangular hole (as in the context-encoder papers). Produces a (1, H, W) {0,1} mask, 1 = hole.

    Give `size` in pixels (e.g. 40 for the 40×40 hole in 256² of the masked-autoencoder source), or leave it
    unset to use `fraction` of each side (0.5 = half the side, as context encoders do).
    """

    size: Optional[Union[int, tuple[int, int]]] = Field(
        None, description="hole size in pixels: one int (square) or [height, width]; "
        "unset = use `fraction`"
    )
    fraction: float = Field(
        0.5, gt=0, le=1, description="hole side as a fraction of the image side when `size` is unset"
    )

    @model_validator(mode="after")
    def _positive_size(self) -> "CenterParams":
        sides = (self.size,) if isinstance(self.size, int) else (self.size or ())
        if any(side < 1 for side in sides):
            raise ValueError("size must be >= 1 pixel")
        return self


class RandomBoxParams(Params):
    """Rectangular holes at random positions. Produces a (1, H, W) {0,1} mask, 1 = hole.

    Each box's height and width are drawn independently, uniformly in
    [min_fraction, max_fraction] of the corresponding image side.
    """

    min_fraction: float = Field(0.1, gt=0, le=1, description="smallest box side / image side")
    max_fraction: float = Field(0.5, gt=0, le=1, description="largest box side / image side")
    count: int = Field(1, ge=1, le=64, description="number of boxes (they may overlap)")

    @model_validator(mode="after")
    def _ordered(self) -> "RandomBoxParams":
        if self.min_fraction > self.max_fraction:
            raise ValueError("min_fraction must be <= max_fraction")
        return self


class FreeFormParams(Params):
    """DeepFill-v2-style free-form brush strokes. Produces a (1, H, W) {0,1} mask, 1 = hole.

    Each stroke is a random walk of `min_vertices..max_vertices` segments drawn with
    OpenCV lines and round joints. Widths and segment lengths are fractions of the shorter
    image side so the look is the same at any resolution (defaults = 12–40 px at 256²).
    Strokes that would push the hole area above `max_hole_fraction` are dropped.
    """

    min_strokes: int = Field(1, ge=1, description="fewest strokes")
    max_strokes: int = Field(4, ge=1, description="most strokes")
    min_vertices: int = Field(4, ge=1, description="fewest segments per stroke")
    max_vertices: int = Field(12, ge=1, description="most segments per stroke")
    min_width: float = Field(12 / 256, gt=0, le=1, description="thinnest brush, fraction of the shorter side")
    max_width: float = Field(40 / 256, gt=0, le=1, description="widest brush, fraction of the shorter side")
    mean_angle: float = Field(2 * math.pi / 5, ge=0, le=2 * math.pi, description="mean turning angle (radians)")
    angle_range: float = Field(2 * math.pi / 15, ge=0, le=math.pi, description="turning-angle jitter (radians)")
    max_hole_fraction: float = Field(0.5, gt=0, le=1, description="largest allowed hole area / image area")

    @model_validator(mode="after")
    def _ordered(self) -> "FreeFormParams":
        for low, high in (("min_strokes", "max_strokes"), ("min_vertices", "max_vertices"),
                          ("min_width", "max_width")):
            if getattr(self, low) > getattr(self, high):
                raise ValueError(f"{low} must be <= {high}")
        return self


class ShapesParams(Params):
    """Random lines, circles and ellipses drawn with OpenCV (as the RGB-GAN source does). (1, H, W) {0,1}, 1 = hole.

    Counts of each shape are drawn uniformly in [0, max_*] (at least one shape in total);
    line/outline thickness is a fraction of the shorter side. Shapes that would push the
    hole area above `max_hole_fraction` are dropped.
    """

    max_lines: int = Field(6, ge=0, le=100, description="most random lines")
    max_circles: int = Field(6, ge=0, le=100, description="most random circles (filled or outlined)")
    max_ellipses: int = Field(6, ge=0, le=100, description="most random ellipse arcs")
    min_thickness: float = Field(3 / 256, gt=0, le=1, description="thinnest stroke, fraction of the shorter side")
    max_thickness: float = Field(12 / 256, gt=0, le=1, description="thickest stroke, fraction of the shorter side")
    max_hole_fraction: float = Field(0.5, gt=0, le=1, description="largest allowed hole area / image area")

    @model_validator(mode="after")
    def _some_shape(self) -> "ShapesParams":
        if self.max_lines + self.max_circles + self.max_ellipses == 0:
            raise ValueError("at least one of max_lines, max_circles, max_ellipses must be > 0")
        if self.min_thickness > self.max_thickness:
            raise ValueError("min_thickness must be <= max_thickness")
        return self


class FromFilesParams(Params):
    """Masks read from a folder, matched to items by name (file stem). (1, H, W) {0,1}, 1 = hole.

    `<root>/<name>.<ext>` is read as greyscale; files may hold 0/1 or 0/255 values
    (binarised at half the scale). `polarity` says which colour marks the hole. The mask
    must have exactly the requested size.
    """

    root: str = Field(min_length=1, description="folder of mask images")
    polarity: Literal["white-is-hole", "black-is-hole"] = Field(
        description="which colour marks the hole in the files"
    )
    extensions: tuple[str, ...] = Field(
        (".png", ".bmp", ".tif", ".tiff", ".jpg", ".jpeg"),
        min_length=1, description="file extensions tried, in order",
    )


class FullMaskParams(Params):
    """Image-to-image translation: every pixel is generated, so the (1, H, W) mask is all ones."""
