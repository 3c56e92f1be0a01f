"""``corefill inpaint``: complete the holes of a user's images with a trained generator.

The model is a trained checkpoint or a model file written by ``corefill export`` (ONNX,
TorchScript); both go through one pipeline (:func:`run_images`), the model being a
``runner(input, mask) -> output`` (:mod:`.exported`). What the model needs comes from the
checkpoint's ``data_spec`` (or the exported model's copy of it) only (image size, channels,
value range, masker, output region: see :mod:`corefill.engine.spec`). A checkpoint written
before ``data_spec`` existed gets one derived by building its recipe's train split once
(its data must still be where the recipe says; otherwise re-train).

Each hole is filled as :mod:`.fill` says for the ``strategy`` (``auto``: each hole in
windows scaled so it looks like the model's training holes; ``resize``: the whole image at
the model's size), and only the hole is taken from the model. The result,
``<stem>_inpainted.png``, has the image's own size, channels and bit depth, and every known
pixel is exactly the original's. ``<stem>_comparison.png`` shows original | masked |
result (8-bit). Images whose channels differ from the model's (grey given to an RGB model
or the reverse) are converted for the model, reported in one warning per run; a hole unlike
any the model trained on (much thicker or thinner, or most of its window) gets one warning
line per image.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

from ...errors import CheckpointError, DataError
from ...plugins import resolve_registries
from . import images
from . import fill
from .masks import MaskFolder, image_hole, recipe_hole

ARTIFACT_LIST = Path("preprocessing") / "artifacts_to_regenerate.txt"


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def inpaint(checkpoint: str | Path | None = None, inputs: Sequence[str | Path] = (), *,
            out_dir: str | Path, model: str | Path | None = None,
            masks_dir: str | Path | None = None, device: str = "cpu", registries=None,
            warn: Optional[Callable[[str], None]] = None, strategy: str = "auto") -> list[Path]:
    """Complete every input; returns the files written (result, comparison per image).

    The model is a trained ``checkpoint`` or a ``model`` file written by ``corefill
    export`` (ONNX or TorchScript: run without the code that trained it; see
    :mod:`.exported`): exactly one of them. ``inputs``: image files or folders
    (PNG/JPEG/TIFF/BMP/DICOM); none = the images the run's preprocessing set apart (a
    checkpoint only). ``masks_dir``: masks named like the inputs (white = hole); none = the
    recipe's masker. ``warn`` receives warning lines (default: stderr). ``strategy``:
    ``auto``, ``crop`` or ``resize`` (:mod:`.fill`).
    """
    registries = resolve_registries(registries)
    if (checkpoint is None) == (model is None):
        raise DataError("inpaint: give a checkpoint or an exported model (one of them)")
    if model is not None:
        runner, source, spec, seed = _exported(Path(model), device)
        if not inputs:
            raise DataError(f"{model}: an exported model has no run folder; pass images to "
                            "inpaint")
        paths = expand_inputs(inputs)
    else:
        source = Path(checkpoint)
        runner, recipe, spec = load(source, device, registries)
        seed = recipe.seed
        paths = expand_inputs(inputs) if inputs else artifact_inputs(source, recipe, registries)
    return run_images(runner, spec, paths, out_dir=Path(out_dir), seed=seed, source=source,
                      masks_dir=masks_dir, device=device, registries=registries,
                      warn=warn or _stderr, strategy=strategy)


def _exported(model: Path, device: str) -> tuple[Any, Path, dict[str, Any], int]:
    """``(runner, source, data_spec, seed)`` of a model file written by ``corefill export``."""
    from .exported import load as load_exported

    runner, meta = load_exported(model, device)
    _check_inpainter(meta["data_spec"], model)
    return runner, model, meta["data_spec"], meta["seed"]


def run_images(runner: Any, spec: dict[str, Any], paths: Sequence[Path], *, out_dir: Path,
               seed: int, source: Path, masks_dir: str | Path | None, device: str,
               registries, warn: Callable[[str], None], strategy: str = "auto") -> list[Path]:
    """The per-image pipeline for any ``runner(input, mask) -> output`` (a PyTorch
    generator or an exported model): read, mask, complete, composite, write."""
    import torch

    masks = MaskFolder(Path(masks_dir)) if masks_dir else None
    if masks is None and spec["item_masks"]:
        raise DataError(f"{source}: the model was trained on masks its dataset brought; "
                        "pass --masks DIR (white = hole)")
    masker = None if masks else masker_of(spec, registries)
    strategy = fill.resolve(strategy, spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    written: list[Path] = []
    for path in paths:
        pixels = images.read_pixels(path)
        if images.colour_channels(pixels) != spec["channels"]:
            kind = "grey" if images.colour_channels(pixels) == 1 else "RGB"
            counts[kind] = counts.get(kind, 0) + 1
            examples.setdefault(kind, []).append(path.name)
        with torch.no_grad():
            result, hole, notes = inpaint_one(runner, spec, pixels, path, masks=masks,
                                              masker=masker, seed=seed, device=device,
                                              strategy=strategy)
        if notes:
            warn(unusual_holes(path.name, notes))
        stem = _unique_stem(path, written)
        written.append(images.write_png(out_dir / f"{stem}_inpainted.png", result))
        written.append(images.write_png(out_dir / f"{stem}_comparison.png",
                                        images.comparison(pixels, hole, result)))
    note = images.conversion_note(counts, examples, spec["channels"])
    if note:
        warn(note)
    return written


def inpaint_one(generator: Any, spec: dict[str, Any], pixels: np.ndarray, path: Path, *,
                masks: Optional[MaskFolder], masker: Any, seed: int, device: str = "cpu",
                strategy: str = "auto") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``(result pixels, hole, notes on unusual holes)`` for one image at its own size."""
    height, width = pixels.shape[:2]
    if masks is not None:
        hole = masks.hole(path, height, width)
    else:
        model_h, model_w = spec["size"]
        hole = image_hole(recipe_hole(masker, seed, path.stem, model_h, model_w), height, width)
    fill.check_hole(hole, path)
    result, notes = fill.fill_pixels(generator, spec, pixels, hole, strategy=strategy,
                                     device=device)
    return result, hole, notes


def unusual_holes(name: str, notes: list[str]) -> str:
    """One warning line for an image whose holes are unlike the model's training holes."""
    more = f" (and {len(notes) - 1} more such hole{'s' if len(notes) > 2 else ''})" \
        if len(notes) > 1 else ""
    return f"{name}: {notes[0]}{more}; its fill may be poor"


def load(checkpoint: Path, device: str, registries) -> tuple[Any, Any, dict[str, Any]]:
    """``(generator in eval mode, recipe, data_spec)`` of an inpainting checkpoint."""
    generator, recipe, spec = load_any(checkpoint, device, registries)
    _check_inpainter(spec, checkpoint)
    return generator, recipe, spec


def load_any(checkpoint: Path, device: str, registries) -> tuple[Any, Any, dict[str, Any]]:
    """``(generator in eval mode, recipe, data_spec)`` from one read of the checkpoint,
    translation models (pix2pix) included."""
    from .. import spec as specs
    from ..checkpoint import load_trained

    generator, recipe, state = load_trained(checkpoint, device, registries)
    if state.get("data_spec") is not None:  # None: the spec could not be taken
        spec = specs.check(state["data_spec"], str(checkpoint))
    else:
        spec = _older_checkpoint_spec(checkpoint, recipe, generator, registries)
    return generator, recipe, with_training_holes(spec, registries)


def with_training_holes(spec: dict[str, Any], registries) -> dict[str, Any]:
    """``spec`` with the figures of its training holes, measured from its masker where a
    checkpoint written before they were recorded lacks them (and the masker is installed)."""
    if "holes" in spec or spec["masker"]["name"] == "none" or spec["conditional_input"]:
        return spec
    from ..hole_stats import of_masker

    try:
        masker = masker_of(spec, registries)
    except Exception:  # noqa: BLE001 - a masker gone missing: windows use their defaults
        return spec
    return {**spec, "holes": of_masker(masker, *spec["size"])}


def _check_inpainter(spec: dict[str, Any], source: Path) -> None:
    if spec["conditional_input"]:
        raise DataError(f"{source}: the model maps its dataset's own inputs (e.g. label "
                        "maps) to images, not masked images; inpaint needs an inpainting model")


def _older_checkpoint_spec(checkpoint: Path, recipe: Any, generator: Any,
                           registries) -> dict[str, Any]:
    from .. import spec as specs

    try:
        return specs.from_recipe(recipe, generator, registries)
    except DataError as exc:
        raise CheckpointError(f"{checkpoint}: has no data_spec (written by an older corefill) "
                              f"and its training data cannot be rebuilt ({exc}); re-train "
                              "to write one") from None


def masker_of(spec: dict[str, Any], registries) -> Any:
    """The masker the model was trained with (None for ``none``: the whole image is hole)."""
    from ...registry import BuildContext, build
    from ..spec import with_data

    name = spec["masker"]["name"]
    if name == "none":
        return None
    return build(registries.get("masker", name), spec["masker"]["params"],
                 with_data(spec, BuildContext(registries=registries)))


def run_folder(checkpoint: Path) -> Path:
    """``RUN/checkpoints/best.pt`` -> ``RUN``."""
    checkpoint = Path(checkpoint)
    return checkpoint.parent.parent if checkpoint.parent.name == "checkpoints" else checkpoint.parent


def artifact_inputs(checkpoint: Path, recipe: Any, registries) -> list[Path]:
    """The images preprocessing set apart for regeneration, listed in the run folder; when
    the list is missing the train split is rebuilt and asked to write it."""
    run = run_folder(checkpoint)
    listing = run / ARTIFACT_LIST
    if not listing.is_file():
        from .. import build

        dataset = build.dataset(recipe, build.context(registries), "train")
        if hasattr(dataset, "write_report"):
            dataset.write_report(run)
    if not listing.is_file():
        raise DataError(f"{run}: no INPUT given and the run has no {ARTIFACT_LIST} "
                        "(its dataset does not set images apart); pass images to inpaint")
    lines = [line.strip() for line in listing.read_text(encoding="utf-8").splitlines()]
    return [run / line for line in lines if line]


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to their images and DICOM files (sorted)."""
    from ...datasets import io

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


def _unique_stem(path: Path, written: list[Path]) -> str:
    taken = {p.name for p in written}
    stem, k = path.stem, 1
    while f"{stem}_inpainted.png" in taken:
        k += 1
        stem = f"{path.stem}-{k}"
    return stem
