"""Evaluation mask sets as a protocol: ``corefill masks --preset lama-thin --size 256 ...``.

A set is a folder of 1-bit PNGs (white = hole) named ``00000.png``, ``00001.png``, ... and
``manifest.json``: the generator and its parameters, the seed, the random number generator,
corefill's and numpy's versions and each file's sha256. Mask ``i`` is drawn by LaMa's
algorithm (:mod:`corefill.maskers.lama`) from numpy's PCG64 seeded with ``(seed, i)``, with
:mod:`corefill.maskers.portable`'s exact-arithmetic drawing and PNG writing, so the same
arguments give byte-identical files on every machine. The ``from-files`` masker checks the
checksums before it evaluates on a set.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError

FORMAT = "corefill-mask-set/1"
MANIFEST = "manifest.json"
PRESETS = ("lama-thin", "lama-medium", "lama-thick")


def mask_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, index])))


def _masker(preset: str, size: int):
    from .maskers.lama import LamaMasker
    from .maskers.lama_params import LamaThickParams, LamaThinParams, LamaMediumParams
    from .maskers.portable import direction, thick_line

    params_class = {"lama-thin": LamaThinParams, "lama-medium": LamaMediumParams,
                    "lama-thick": LamaThickParams}[preset]
    params = params_class(preset=512 if size >= 512 else 256)
    masker = LamaMasker(params, None)
    masker.line = lambda canvas, start, end, width: thick_line(canvas, start, end, width)
    masker.direction = direction
    return masker, params


def draw_mask(masker, size: int, seed: int, index: int) -> np.ndarray:
    """Mask ``index`` of a set (uint8, 1 = hole), after LaMa's area cap."""
    return masker(size, size, rng=mask_rng(seed, index))[0].numpy().astype(np.uint8)


def write_set(preset: str, size: int, count: int, seed: int, out: Path) -> dict[str, Any]:
    """Write ``count`` masks and the manifest into ``out``; returns the manifest."""
    from . import __version__
    from .engine.outputs import write_atomic
    from .maskers.portable import mask_png

    if preset not in PRESETS:
        raise DataError(f"masks: --preset {preset!r} is not one of {', '.join(PRESETS)}")
    masker, params = _masker(preset, size)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for index in range(count):
        data = mask_png(draw_mask(masker, size, seed, index))
        name = f"{index:05d}.png"
        write_atomic(out / name, data)
        files[name] = hashlib.sha256(data).hexdigest()
    strokes, boxes = params.published()
    manifest = {
        "format": FORMAT,
        "generator": {"name": preset, "algorithm": "LaMa MixedMaskGenerator (corefill.maskers.lama), "
                      "portable drawing (corefill.maskers.portable)",
                      "preset_size": params.preset, "max_hole_fraction": params.max_hole_fraction,
                      "strokes": asdict(strokes), "boxes": asdict(boxes) if boxes else None},
        "size": size, "count": count, "seed": seed,
        "rng": "numpy PCG64 seeded with SeedSequence([seed, index])",
        "numpy": np.__version__, "corefill": __version__, "polarity": "white-is-hole",
        "files": files,
    }
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest


def verify_set(folder: Path) -> list[str]:
    """The set's file names (sorted) after checking every sha256; DataError (one line) when
    a file is missing or differs from the manifest."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"mask set {path}: unreadable manifest ({type(exc).__name__}: {exc})") from None
    for name, expected in sorted(files.items()):
        target = folder / name
        if not target.is_file():
            raise DataError(f"mask set {path}: files.{name}: {target} is missing")
        found = hashlib.sha256(target.read_bytes()).hexdigest()
        if found != expected:
            raise DataError(f"mask set {path}: files.{name}: sha256 {found[:12]}… does not match "
                            f"the manifest's {expected[:12]}… (the mask was changed; regenerate the set "
                            f"with corefill masks)")
    return sorted(files)


def mask_for(names: list[str], item: str) -> str:
    """The set's file for a dataset item: picked by the sha256 of the item's name, so the
    same image gets the same mask on every machine, whatever the dataset's order."""
    digest = hashlib.sha256(Path(str(item)).name.encode("utf-8")).digest()
    return names[int.from_bytes(digest[:8], "big") % len(names)]
