"""Parameters of the LaMa evaluation maskers (pydantic only: read by `corefill components`).

The published parameter sets of LaMa (Suvorov et al., WACV 2022; github advimman/lama),
``configs/data_gen/random_{thin,medium,thick}_{256,512}.yaml``, as tables; the maskers
themselves are in :mod:`corefill.maskers.lama`, which says how each number is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Optional

from pydantic import Field

from ..params import Params


@dataclass(frozen=True)
class Strokes:
    """``irregular_kwargs`` of a LaMa config (pixels at the preset's size)."""

    min_times: int  # fewest strokes
    max_times: int  # most strokes as configured (LaMa's generator draws up to one more)
    max_width: int  # brush width is 5 + [0, max_width) pixels
    max_angle: int  # a segment's direction is 0.01 + one of 0 .. max_angle - 1 radians
    max_len: int  # a segment's length is 10 + [0, max_len) pixels


@dataclass(frozen=True)
class Boxes:
    """``box_kwargs`` of a LaMa config (pixels at the preset's size) and ``box_proba``."""

    weight: float  # box_proba: a mask is boxes with probability weight / (1 + weight)
    min_times: int  # fewest boxes
    max_times: int  # most boxes
    margin: int  # boxes keep this far from the image border
    bbox_min_size: int  # box sides are bbox_min_size .. bbox_max_size pixels
    bbox_max_size: int


# (strokes, boxes or None) per preset size, from configs/data_gen/random_<kind>_<size>.yaml.
PRESETS: dict[str, dict[int, tuple[Strokes, Optional[Boxes]]]] = {
    "thin": {
        256: (Strokes(min_times=4, max_times=50, max_width=10, max_angle=4, max_len=40), None),
        512: (Strokes(min_times=4, max_times=70, max_width=20, max_angle=4, max_len=100), None),
    },
    "medium": {
        256: (Strokes(min_times=4, max_times=5, max_width=50, max_angle=4, max_len=100),
              Boxes(weight=0.3, min_times=1, max_times=5, margin=0,
                    bbox_min_size=10, bbox_max_size=50)),
        512: (Strokes(min_times=4, max_times=10, max_width=100, max_angle=4, max_len=200),
              Boxes(weight=0.3, min_times=1, max_times=5, margin=0,
                    bbox_min_size=30, bbox_max_size=150)),
    },
    "thick": {
        256: (Strokes(min_times=1, max_times=5, max_width=100, max_angle=4, max_len=200),
              Boxes(weight=0.3, min_times=1, max_times=3, margin=10,
                    bbox_min_size=30, bbox_max_size=150)),
        512: (Strokes(min_times=1, max_times=5, max_width=250, max_angle=4, max_len=450),
              Boxes(weight=0.3, min_times=1, max_times=4, margin=10,
                    bbox_min_size=30, bbox_max_size=300)),
    },
}


class LamaParams(Params):
    """LaMa's random evaluation masks. Produces a (1, H, W) float32 {0,1} mask, 1 = hole.

    Each mask is either brush strokes (random polygonal chains of thick lines) or, for the
    presets that mix them in, a few rectangles; `preset` picks LaMa's parameter set for
    256² or 512² images, and every length in it is scaled by min(H, W) / preset, so a mask
    at any size looks like LaMa's at the preset's size. Masks covering more than
    `max_hole_fraction` of the image are drawn again, as LaMa's mask-dataset script drops them.
    """

    kind: ClassVar[str] = ""

    preset: Literal[256, 512] = Field(
        256, description="LaMa's parameter set: the one for 256² images or the one for 512² "
        "images (lengths are scaled by min(H, W) / preset)"
    )
    max_hole_fraction: float = Field(
        0.5, gt=0, le=1, description="largest hole area / image area; bigger masks are drawn "
        "again (LaMa's max_tamper_area: 0.5)"
    )

    def published(self) -> tuple[Strokes, Optional[Boxes]]:
        """The preset's (strokes, boxes) in pixels at the preset's size; boxes None = none."""
        return PRESETS[self.kind][self.preset]


class LamaThinParams(LamaParams):
    """LaMa's "random thin" masks: many narrow strokes. (1, H, W) float32 {0,1}, 1 = hole.

    configs/data_gen/random_thin_{256,512}.yaml: 4-51 strokes (4-71 at 512) of 1-5 segments,
    segments 10-49 px long (10-109), brushes 5-14 px wide (5-24); no boxes. Lengths scale
    with min(H, W) / preset; masks over `max_hole_fraction` of the image are drawn again.
    """

    kind: ClassVar[str] = "thin"


class LamaMediumParams(LamaParams):
    """LaMa's "random medium" masks: a few wider strokes or small boxes. (1, H, W) float32 {0,1}, 1 = hole.

    configs/data_gen/random_medium_{256,512}.yaml: with probability 1/1.3, 4-6 strokes (4-11
    at 512) of 1-5 segments 10-109 px long (10-209), brushes 5-54 px wide (5-104); else 1-5
    boxes with sides 10-50 px (30-150). Lengths scale with min(H, W) / preset; masks over
    `max_hole_fraction` of the image are drawn again.
    """

    kind: ClassVar[str] = "medium"


class LamaThickParams(LamaParams):
    """LaMa's "random thick" masks: a few very wide strokes or large boxes. (1, H, W) float32 {0,1}, 1 = hole.

    configs/data_gen/random_thick_{256,512}.yaml: with probability 1/1.3, 1-6 strokes of 1-5
    segments 10-209 px long (10-459 at 512), brushes 5-104 px wide (5-254); else 1-3 boxes (1-4)
    with sides 30-150 px (30-300), 10 px from the border. Lengths scale with min(H, W) /
    preset; masks over `max_hole_fraction` of the image are drawn again.
    """

    kind: ClassVar[str] = "thick"
