"""Regenerate the hole region of images with a trained generator (``corefill inpaint``).

Given a checkpoint, each input image is read (PNG/JPEG/TIFF/BMP or DICOM), brought to the
size and value range the model was trained on, masked (the recipe's masker, or a mask file
of the same name from ``masks_dir``), completed, and written as ``<stem>_inpainted.png``
beside ``<stem>_comparison.png`` (original | masked | inpainted).

With no inputs, the run folder's list of images set apart by preprocessing is used
(``RUN/preprocessing/artifacts_to_regenerate.txt``, as the knee plugin writes it); when the
list is missing, the training dataset is rebuilt from the checkpoint's recipe and asked to
write it (datasets that can, expose ``write_report(run_dir)``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from .errors import CorefillError, DataError

ARTIFACT_LIST = Path("preprocessing") / "artifacts_to_regenerate.txt"


@dataclass
class ModelSpec:
    """What the inputs must look like for the trained generator."""

    size: Optional[int]
    channels: int
    value_range: tuple[float, float]


def model_spec(recipe: Any, generator: Any) -> ModelSpec:
    params = recipe.data.dataset.params
    size = params.get("size")
    if not isinstance(size, int):
        size = getattr(generator, "image_size", None)
    return ModelSpec(size, int(params.get("channels", 1)),
                     tuple(params.get("value_range", (-1.0, 1.0))))


def run_folder(checkpoint: Path) -> Path:
    """``RUN/checkpoints/best.pt`` -> ``RUN``."""
    checkpoint = Path(checkpoint)
    return checkpoint.parent.parent if checkpoint.parent.name == "checkpoints" else checkpoint.parent


def artifact_inputs(checkpoint: Path, recipe: Any, registries=None) -> list[Path]:
    """The images preprocessing set apart for regeneration, from the run folder."""
    run = run_folder(checkpoint)
    listing = run / ARTIFACT_LIST
    if not listing.is_file():
        _rebuild_report(run, recipe, registries)
    if not listing.is_file():
        raise DataError(f"{run}: no INPUT given and the run has no {ARTIFACT_LIST} "
                        "(its dataset does not set images apart); pass images to inpaint")
    lines = [line.strip() for line in listing.read_text(encoding="utf-8").splitlines()]
    return [run / line for line in lines if line]


def _rebuild_report(run: Path, recipe: Any, registries) -> None:
    from .engine import build

    if registries is None:
        from .plugins import registries as installed

        registries = installed()
    dataset = build.dataset(recipe, registries, "train")
    if hasattr(dataset, "write_report"):
        dataset.write_report(run)


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to their images and DICOM files (sorted)."""
    from .datasets import io

    found: list[Path] = []
    for entry in inputs:
        path = Path(entry)
        if path.is_dir():
            found += io.list_files(path, io.IMAGE_EXTENSIONS + io.DICOM_EXTENSIONS)
        elif path.is_file():
            found.append(path)
        else:
            raise DataError(f"{path}: input image not found")
    return found


def read_input(path: Path, spec: ModelSpec) -> np.ndarray:
    """An input image as float32 (H, W, C) in [0, 1] at the model's size."""
    from .datasets import io

    if path.name.lower().endswith(io.DICOM_EXTENSIONS):
        image = io.read_dicom(path)[:, :, None]
        if spec.channels == 3:
            image = np.repeat(image, 3, axis=2)
    else:
        image = io.read_image(path, spec.channels)
    return _square(image, spec.size)


def _square(image: np.ndarray, size: Optional[int], nearest: bool = False) -> np.ndarray:
    import cv2

    if size is None or image.shape[:2] == (size, size):
        return image
    if nearest:
        interpolation = cv2.INTER_NEAREST
    else:
        shrinking = image.shape[0] * image.shape[1] > size * size
        interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    resized = cv2.resize(image, (size, size), interpolation=interpolation)
    return resized[:, :, None] if resized.ndim == 2 else resized


def read_mask(masks_dir: Path, image_path: Path, shape: tuple[int, int]) -> np.ndarray:
    """The mask file named like the image (any image extension); > 0.5 = hole."""
    from .datasets import io

    candidates = [p for p in io.list_images(masks_dir) if p.stem == image_path.stem]
    if not candidates:
        raise DataError(f"{masks_dir}: no mask named {image_path.stem}.* for {image_path}")
    mask = io.read_image(candidates[0], 1)
    mask = _square(mask, shape[0], nearest=True)
    if mask.shape[:2] != shape:
        raise DataError(f"{candidates[0]}: mask is {mask.shape[:2]}, image is {shape}")
    return (mask[:, :, 0] > 0.5).astype(np.float32)


def inpaint(checkpoint: str | Path, inputs: Sequence[str | Path] = (), *, out_dir: str | Path,
            masks_dir: str | Path | None = None, device: str = "cpu",
            registries=None) -> list[Path]:
    """Complete every input with the checkpoint's generator; returns the files written."""
    import torch

    from .engine import load_generator

    checkpoint = Path(checkpoint)
    generator, recipe = load_generator(checkpoint, device, registries=registries)
    spec = model_spec(recipe, generator)
    paths = expand_inputs(inputs) if inputs else artifact_inputs(checkpoint, recipe, registries)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    masker = None if masks_dir else _masker(recipe, registries)
    written: list[Path] = []
    for path in paths:
        image = read_input(path, spec)
        if masks_dir:
            mask = read_mask(Path(masks_dir), path, image.shape[:2])
        else:
            mask = _recipe_mask(masker, recipe.seed, path.stem, image.shape[:2])
        with torch.no_grad():
            filled = complete(generator, image, mask, spec, torch.device(device))
        written += save_result(out, _unique_stem(path, written), image, mask, filled)
    return written


def _masker(recipe: Any, registries) -> Any:
    from .engine import build

    if registries is None:
        from .plugins import registries as installed

        registries = installed()
    return build.masker(recipe, registries)


def _recipe_mask(masker: Any, seed: int, name: str, shape: tuple[int, int]) -> np.ndarray:
    from .engine.data import name_seed

    if masker is None:
        return np.ones(shape, np.float32)
    rng = np.random.default_rng([seed, name_seed(name)])
    return masker(shape[0], shape[1], rng=rng, name=name)[0].numpy().astype(np.float32)


def complete(generator: Any, image: np.ndarray, mask: np.ndarray, spec: ModelSpec,
             device: Any) -> np.ndarray:
    """Run the generator on one image; returns the composite in [0, 1], (H, W, C)."""
    import torch

    from .engine.data import hole_box
    from .engine.steps import paste

    low, high = spec.value_range
    target = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))[None]
    target = (target * (high - low) + low).to(device)
    hole = torch.from_numpy(mask)[None, None].to(device)
    output = generator(target * (1 - hole), hole)
    if getattr(generator, "output_region", None) == "hole_box":
        output = paste(output, target, hole_box(hole[0].cpu())[None])
    composite = hole * output + (1 - hole) * target
    unit = ((composite - low) / (high - low)).clamp(0, 1)
    return unit[0].permute(1, 2, 0).cpu().numpy()


def _unique_stem(path: Path, written: list[Path]) -> str:
    taken = {p.name for p in written}
    stem, k = path.stem, 1
    while f"{stem}_inpainted.png" in taken:
        k += 1
        stem = f"{path.stem}-{k}"
    return stem


def _to_png(image: np.ndarray) -> bytes:
    import cv2

    pixels = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        pixels = pixels[:, :, ::-1]  # RGB -> OpenCV's BGR
    ok, data = cv2.imencode(".png", pixels)
    if not ok:
        raise CorefillError("could not encode a PNG")
    return data.tobytes()


def _write(path: Path, data: bytes) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def comparison(image: np.ndarray, mask: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """original | masked (hole shown mid-grey) | inpainted, separated by white bars."""
    masked = image * (1 - mask[:, :, None]) + 0.5 * mask[:, :, None]
    bar = np.ones((image.shape[0], 2, image.shape[2]), np.float32)
    return np.concatenate([image, bar, masked, bar, filled], axis=1)


def save_result(out: Path, stem: str, image: np.ndarray, mask: np.ndarray,
                filled: np.ndarray) -> list[Path]:
    return [
        _write(out / f"{stem}_inpainted.png", _to_png(filled)),
        _write(out / f"{stem}_comparison.png", _to_png(comparison(image, mask, filled))),
    ]
