"""What inference needs to know about a trained model's data: ``data_spec`` in checkpoints.

Taken at training time from the BUILT train dataset and generator (the shape of one item,
the dataset's ``value_range``, the generator's ``output_region``), never guessed from
dataset param names: datasets name their size params differently, crops change the size,
and channels can be implied by the dataset rather than written in the recipe.

Stored as plain data (str, int, float, bool, list, dict), so ``torch.load(weights_only=True)``
reads it. Layout (``VERSION = 1``)::

    version: 1
    size: [height, width]        # images the generator was trained on
    channels: 1 | 3              # image channels (grey, RGB)
    value_range: [low, high]     # pixel range the generator reads and writes
    masker: {name, params}       # the recipe's masker (name "none": item masks or all-hole)
    mask_polarity: "1=hole"      # masks are float, 1 = hole (to fill), 0 = known
    item_masks: bool             # the dataset brought its own masks
    conditional_input: bool      # items carry their own `input` (e.g. label maps): not an
                                 # inpainter of masked images
    mask_channel: bool           # the generator concatenates the mask to its input
    output_region: "full" | "hole_box"   # full image, or only the hole's bounding box
    blend: "paste" | "poisson" | "residual"   # how the fill joins the known pixels
                                 # (recipe generator.blend); absent in older specs: paste
    holes: {thickness, extent, centre_offset, hole_fraction: [p5, p50, p95], masks}
                                 # the training holes (:mod:`corefill.engine.hole_stats`);
                                 # absent in older specs and for whole-image models
"""
from __future__ import annotations

import contextlib
import json
import random
from typing import Any, Iterator, Optional

import numpy as np
import torch

from ..errors import CheckpointError
from ..recipe import BLENDS

VERSION = 1
MASK_POLARITY = "1=hole"
_KEYS = ("version", "size", "channels", "value_range", "masker", "mask_polarity",
         "item_masks", "conditional_input", "mask_channel", "output_region")


@contextlib.contextmanager
def _rng_untouched() -> Iterator[None]:
    """Reading an item may draw random numbers (augmentation); a checkpoint save must not
    move any RNG, or a resumed run would no longer match an uninterrupted one."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        try:
            yield
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)


def _plain(value: Any) -> Any:
    """Recipe params as JSON-plain data (tuples become lists), safe for weights_only."""
    return json.loads(json.dumps(value, default=str))


def derive(*, dataset: Any, generator: Any, masker: Any, blend: str = "paste",
           built_masker: Any = None) -> dict[str, Any]:
    """The spec of ``generator`` trained on ``dataset`` (a built train split, unmasked) with
    ``masker`` (a recipe ``ComponentRef``: ``name`` and ``params``; ``built_masker`` the
    object it built, whose holes are measured) and the recipe's ``generator.blend``."""
    with _rng_untouched():
        item = dataset[0]
        holes = training_holes(dataset, item, built_masker)
    image = item["image"]
    channels, height, width = (int(n) for n in image.shape[-3:])
    low, high = getattr(dataset, "value_range", (-1.0, 1.0))
    region = getattr(generator, "output_region", None) or "full"
    return {
        "version": VERSION,
        "size": [height, width],
        "channels": channels,
        "value_range": [float(low), float(high)],
        "masker": {"name": str(masker.name), "params": _plain(dict(masker.params))},
        "mask_polarity": MASK_POLARITY,
        "item_masks": "mask" in item,
        "conditional_input": "input" in item,
        "input_channels": int(item["input"].shape[-3]) if "input" in item else channels,
        "mask_channel": bool(getattr(generator, "mask_channel", False)),
        "output_region": str(region),
        "blend": str(blend),
        **({"holes": holes} if holes else {}),
    }


def training_holes(dataset: Any, item: dict[str, Any], masker: Any) -> Optional[dict[str, Any]]:
    """The figures of the holes the model trains on: drawn from the masker at the item's
    size, or read from the dataset's own masks (its first items); None for a model that
    generates whole images."""
    from . import hole_stats

    height, width = (int(n) for n in item["image"].shape[-2:])
    if "mask" in item:
        count = min(len(dataset), hole_stats.SAMPLES // 4)
        masks = (dataset[i]["mask"].reshape(-1, height, width).amax(0).numpy() > 0.5
                 for i in range(count))
        return hole_stats.summarise(masks)
    if masker is None or getattr(masker, "whole_image", False) or "input" in item:
        return None
    return hole_stats.of_masker(masker, height, width)


def derive_or_none(*, dataset: Any, generator: Any, masker: Any,
                   blend: str = "paste", built_masker: Any = None) -> Optional[dict[str, Any]]:
    """:func:`derive`, or None if the item cannot be read: a checkpoint must never be lost
    to its spec (``inpaint`` then derives one from the recipe, as for older checkpoints)."""
    try:
        return derive(dataset=dataset, generator=generator, masker=masker, blend=blend,
                      built_masker=built_masker)
    except Exception:  # noqa: BLE001 - any dataset error; training itself is unaffected
        return None


def of_run(built: Any, recipe: Any) -> Optional[dict[str, Any]]:
    """:func:`derive_or_none` for a run's built components (what its checkpoints store)."""
    return derive_or_none(dataset=built.train_set.base, generator=built.generator,
                          masker=recipe.masker, blend=recipe.generator.blend,
                          built_masker=built.train_set.masker)


def from_recipe(recipe: Any, generator: Any, registries: Any) -> dict[str, Any]:
    """Rebuild the train split of ``recipe`` once and derive the spec (checkpoints written
    before ``data_spec`` existed); the data must still be where the recipe says."""
    from . import build

    return derive(dataset=build.dataset(recipe, build.context(registries), "train"), generator=generator,
                  masker=recipe.masker, blend=recipe.generator.blend)


def with_data(spec: Any, context: Any) -> Any:
    """``context`` (a BuildContext) with the value range and channels ``spec`` records; as
    it is when ``spec`` is not a spec (checkpoints written before data_spec existed)."""
    if not isinstance(spec, dict) or "value_range" not in spec:
        return context
    channels = spec.get("channels")
    return context.replace(value_range=tuple(spec["value_range"]), channels=channels,
                           input_channels=spec.get("input_channels", channels))


def check(spec: Any, where: str) -> dict[str, Any]:
    """``spec`` if it is a usable version-1 spec (a ``blend`` added where an older one has
    none), else a one-line CheckpointError."""
    if not isinstance(spec, dict):
        raise CheckpointError(f"{where}: data_spec is not a mapping")
    missing = [key for key in _KEYS if key not in spec]
    if missing:
        raise CheckpointError(f"{where}: data_spec lacks {', '.join(missing)}")
    if spec["version"] != VERSION:
        raise CheckpointError(f"{where}: data_spec version {spec['version']} is not "
                              f"{VERSION}; update corefill")
    size, channels = spec["size"], spec["channels"]
    if not (isinstance(size, list) and len(size) == 2 and all(int(n) > 0 for n in size)):
        raise CheckpointError(f"{where}: data_spec.size must be [height, width], got {size!r}")
    if channels not in (1, 3):
        raise CheckpointError(f"{where}: data_spec.channels must be 1 or 3, got {channels!r}")
    spec = {"blend": "paste", **spec}  # written before blending existed: pasted
    if spec["blend"] not in BLENDS:
        raise CheckpointError(f"{where}: data_spec.blend must be one of {', '.join(BLENDS)}, "
                              f"got {spec['blend']!r}")
    if spec["mask_polarity"] != MASK_POLARITY:
        raise CheckpointError(f"{where}: data_spec.mask_polarity {spec['mask_polarity']!r} "
                              f"is not {MASK_POLARITY!r}")
    return spec
