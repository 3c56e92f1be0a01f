"""The ``mix`` masker: each mask from one of several maskers, drawn by weight."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import torch
from pydantic import ValidationError

from ..errors import CorefillError, DataError, RecipeError
from ..registry import BuildContext, build
from .mix_params import MixEntry, MixParams


def build_entry(index: int, entry: MixEntry, context: BuildContext) -> Any:
    """The entry's masker, built now; a failure is one line naming the entry."""
    where = f"mix masker: maskers.{index}"
    try:
        spec = context.lookup().get("masker", entry.name)
        masker = build(spec, entry.params, context)
    except CorefillError as exc:  # an unknown name (unvalidated params), a missing folder
        raise type(exc)(f"{where} ({entry.name}): {exc}") from None
    except ValidationError as exc:  # params that skipped validation (model_construct)
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise RecipeError(f"{where}.params.{field} ({entry.name}): {first['msg']}") from None
    if getattr(masker, "whole_image", False):
        raise RecipeError(f"{where}.name: a mix cannot contain {entry.name!r}: its mask is the "
                          "whole image")
    return masker


class MixMasker:
    """One of ``maskers`` per mask, with probability proportional to its weight."""

    random = True

    def __init__(self, params: MixParams, context: Optional[BuildContext] = None):
        context = context or BuildContext()
        self.maskers = [build_entry(i, entry, context) for i, entry in enumerate(params.maskers)]
        weights = np.array([entry.weight for entry in params.maskers], dtype=np.float64)
        self.cumulative = np.cumsum(weights) / weights.sum()

    def pick(self, rng: np.random.Generator) -> int:
        """The index of the masker drawing this mask (one uniform draw from ``rng``)."""
        index = int(np.searchsorted(self.cumulative, rng.random(), side="right"))
        return min(index, len(self.maskers) - 1)

    def __call__(self, height: int, width: int, *, rng: np.random.Generator,
                 name: Optional[str] = None) -> torch.Tensor:
        if rng is None:
            raise DataError("mix masker needs an rng to choose a masker (it is random)")
        return self.maskers[self.pick(rng)](height, width, rng=rng, name=name)
