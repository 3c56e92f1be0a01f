"""The served model: a checkpoint loaded once, and the two things the page asks of it.

- inpainting models: fill a painted hole (1 = hole) at the image's own size through
  ``corefill inpaint``'s pipeline (the strategy's windows or whole-image round trip, only
  the hole taken back, known pixels exactly the original's), with notes on holes unlike
  its training holes (:func:`holes_line` says which those were); Telea's result on the
  same hole goes beside it;
- translation models (``data_spec.conditional_input``, e.g. pix2pix: segmentation -> MRI):
  generate the whole image from a conditioning image.

A conditioning image is encoded for the network as the datasets of this project encode
theirs: with 1 or 3 input channels its grey or RGB levels are mapped to the value range
(a label map stored as evenly spaced grey levels, k * 255 / (classes - 1), becomes the
"scaled" labels); with more input channels it is such a label map, one-hot encoded.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional

import numpy as np

from ..engine.inference import images

CENTRED = 0.02  # training holes all this close to the centre (fraction of the side): centred


class _GivenHole:
    """A painted hole in the shape of ``MaskFolder``, so ``inpaint_one`` is reused as is."""

    def __init__(self, hole: np.ndarray) -> None:
        self._hole = hole

    def hole(self, _path: Path, height: int, width: int) -> np.ndarray:
        if self._hole.shape != (height, width):  # the page sends it at the image's size
            resized = images.resize(self._hole.astype(np.uint8)[:, :, None], height, width,
                                    nearest=True)
            return resized[:, :, 0] > 0
        return self._hole


class ServedModel:
    """A trained generator with its ``data_spec``, recipe and run folder."""

    def __init__(self, checkpoint: str | Path, *, device: str = "cpu", registries=None) -> None:
        from ..engine.inference.run import load_any, run_folder
        from ..plugins import resolve_registries

        self.checkpoint = Path(checkpoint)
        self.device = device
        self.registries = resolve_registries(registries)
        # Translation models are welcome (the page gives them a conditioning image); a model
        # trained on its dataset's own masks too (painted masks stand in for them).
        self.generator, self.recipe, self.spec = load_any(self.checkpoint, device,
                                                          self.registries)
        self.run = run_folder(self.checkpoint)
        self.translation = bool(self.spec["conditional_input"])
        self._lock = threading.Lock()  # one forward pass at a time (CPU threads are shared)

    @property
    def mode(self) -> str:
        return "translation" if self.translation else "inpainting"

    @property
    def run_name(self) -> str:
        return self.run.name

    def strategy_for(self, strategy: str) -> str:
        """What ``strategy`` (auto | crop | resize) means for this model: crop or resize."""
        from ..engine.inference.fill import resolve

        return resolve(strategy, self.spec)

    def fill_with_notes(self, pixels: np.ndarray, hole: np.ndarray,
                        strategy: str = "auto") -> tuple[np.ndarray, list[str]]:
        """``(model result, notes on holes unlike the model's training holes)``."""
        import torch

        from ..engine.inference.run import inpaint_one

        with self._lock, torch.no_grad():
            result, _, notes = inpaint_one(self.generator, self.spec, pixels, Path("upload"),
                                           masks=_GivenHole(hole), masker=None, seed=0,
                                           device=self.device, strategy=strategy)
        return result, notes

    def translate(self, condition: np.ndarray) -> np.ndarray:
        """The generated image (uint8, model channels) at the conditioning image's size."""
        import torch

        from ..engine.composite import complete
        from ..engine.data import middle

        height, width = condition.shape[:2]
        model_h, model_w = self.spec["size"]
        low, high = self.spec["value_range"]
        encoded = encode_condition(condition, self.spec)
        small = images.resize(encoded, model_h, model_w, nearest=True)  # labels stay labels
        net_input = torch.from_numpy(np.ascontiguousarray(small.transpose(2, 0, 1)))[None]
        mask = torch.ones(1, 1, model_h, model_w)
        blank = torch.zeros(1, self.spec["channels"], model_h, model_w)
        batch = {"image": blank, "input": net_input, "mask": mask}
        with self._lock, torch.no_grad():
            batch = {k: v.to(self.device) for k, v in batch.items()}
            output = complete(self.generator, batch, self.spec["output_region"],
                              self.spec["blend"], middle(self.spec["value_range"]))
        unit = ((output - low) / (high - low)).clamp(0, 1)[0].permute(1, 2, 0).float().cpu()
        full = images.resize(unit.numpy(), height, width)
        return np.round(np.clip(full, 0, 1) * 255.0).astype(np.uint8)


def training_holes(spec: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The holes a model trained on, in pixels of its own size: thickness and extent (5th
    and 95th percentiles, :mod:`corefill.engine.hole_stats`) and whether they were all
    centred; None for a translation model or a spec that does not record them."""
    holes = spec.get("holes")
    if spec["conditional_input"] or not holes:
        return None
    side = min(spec["size"])

    def pixels(name: str) -> list[int]:
        low, _, high = holes[name]
        return [max(1, round(low * side)), max(1, round(high * side))]

    return {"thickness_px": pixels("thickness"), "extent_px": pixels("extent"),
            "centred": holes["centre_offset"][2] < CENTRED}


def holes_line(spec: dict[str, Any]) -> str:
    """For which holes the model is meant, e.g. "trained on holes 3-32 px thick and 8-48
    px across, in 64² grey images"."""
    height, width = spec["size"]
    images_of = f"{height}²" if height == width else f"{height}×{width}"
    images_of += " RGB images" if spec["channels"] == 3 else " grey images"
    if spec["conditional_input"]:
        return f"generates whole {images_of} from a conditioning image"
    holes = training_holes(spec)
    if holes is None:
        return f"trained on {images_of} (its training holes are not recorded)"
    centred = ", centred," if holes["centred"] else ""
    return (f"trained on holes {_span(holes['thickness_px'])} px thick and "
            f"{_span(holes['extent_px'])} px across{centred} in {images_of}")


def _span(pair: list[int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}-{pair[1]}"


def encode_condition(condition: np.ndarray, spec: dict[str, Any]) -> np.ndarray:
    """A conditioning image's pixels -> the network's input, (H, W, input_channels) float32."""
    channels = int(spec.get("input_channels", spec["channels"]))
    unit = images.to_unit(condition)
    if channels in (1, 3):
        low, high = spec["value_range"]
        return images.convert_channels(unit, channels) * np.float32(high - low) + np.float32(low)
    grey = images.convert_channels(unit, 1)[:, :, 0]
    labels = np.clip(np.round(grey * (channels - 1)), 0, channels - 1).astype(np.int64)
    return np.eye(channels, dtype=np.float32)[labels]


def decode_condition(encoded: np.ndarray, spec: dict[str, Any]) -> np.ndarray:
    """The inverse of :func:`encode_condition` as uint8 pixels (the page's test samples)."""
    channels = encoded.shape[2]
    if channels in (1, 3):
        low, high = spec["value_range"]
        unit = np.clip((encoded - low) / (high - low), 0, 1)
    else:
        unit = (encoded.argmax(axis=2).astype(np.float32) / (channels - 1))[:, :, None]
    return np.round(unit * 255.0).astype(np.uint8)


def telea(pixels: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Telea's fill of the same hole at the image's own size, channels and depth: the
    `telea` baseline component, so the page compares against what reports score (alpha
    untouched, known pixels exactly the original's)."""
    import torch

    from ..plugins import registries
    from ..registry import build

    # 8-bit images through OpenCV's 8-bit path (what cv2.inpaint gives them), others in float
    dtype = "uint8" if pixels.dtype == np.uint8 else "float32"
    baseline = build(registries().get("generator", "telea"),
                     {"value_range": [0.0, 1.0], "dtype": dtype})
    unit = torch.from_numpy(np.ascontiguousarray(images.to_unit(pixels).transpose(2, 0, 1)))
    mask = torch.from_numpy(hole.astype(np.float32))[None, None]
    filled = baseline(unit[None] * (1 - mask), mask)[0].permute(1, 2, 0).numpy()
    return images.fill_hole(pixels, filled, hole)
