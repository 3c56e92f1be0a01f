"""The Python API for programs that hold images in memory: ``corefill.load``.

    import corefill

    model = corefill.load("runs/knee/checkpoints/best.pt")   # or an exported .onnx / .pt
    result = model.inpaint(image, mask)                       # strategy="auto" | "crop" | "resize"

``image``: a numpy array (H, W) or (H, W, C) of uint8, uint16 or float in [0, 1] (RGB(A)
order), a PIL image, or a torch tensor (C, H, W) or (N, C, H, W) in [0, 1]. ``mask``: the
same kinds, at the image's size, non-zero (numpy, PIL) or above 0.5 (float, tensors) where
the hole is (1 = hole). The result has the image's kind, size, channels and type; its known
pixels are the image's own. The pipeline is ``corefill inpaint``'s (:mod:`corefill.engine.
inference`), so a file read by the CLI and the same pixels given here give the same result.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError


class Inpainter:
    """A trained model ready to fill holes: ``runner(input, mask)`` and its ``data_spec``."""

    def __init__(self, runner: Any, spec: dict[str, Any], *, source: Path, device: str) -> None:
        self.runner, self.spec, self.source, self.device = runner, spec, source, device
        self.notes: list[str] = []  # what was unusual about the last call's holes

    def inpaint(self, image: Any, mask: Any, strategy: str = "auto") -> Any:
        """``image`` with the hole of ``mask`` filled, in ``image``'s own kind (module doc)."""
        import torch

        from .engine.inference import fill

        pixels, back = _as_pixels(image)
        hole = _as_hole(mask, pixels.shape[:2])
        fill.check_hole(hole, "mask")
        with torch.no_grad():
            result, self.notes = fill.fill_pixels(self.runner, self.spec, pixels, hole,
                                                  strategy=strategy, device=self.device)
        return back(result)


def load(path: str | Path, *, device: str = "cpu", registries: Any = None) -> Inpainter:
    """A checkpoint (``RUN/checkpoints/best.pt``) or a model written by ``corefill export``
    (``.onnx``; TorchScript ``.pt``) as an :class:`Inpainter`."""
    from .engine.inference import exported, run
    from .plugins import resolve_registries

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such checkpoint or model file")
    if _is_exported(path):
        runner, meta = exported.load(path, device)
        spec = run.with_training_holes(meta["data_spec"], resolve_registries(registries))
    else:
        runner, _, spec = run.load(path, device, resolve_registries(registries))
    return Inpainter(runner, spec, source=path, device=device)


def _is_exported(path: Path) -> bool:
    """ONNX, or a TorchScript archive carrying corefill's metadata (a checkpoint has none)."""
    from .engine.inference.exported import EXTRA_FILE, ONNX_SUFFIXES

    if path.suffix.lower() in ONNX_SUFFIXES:
        return True
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(name.endswith(f"extra/{EXTRA_FILE}") for name in archive.namelist())


def _as_pixels(image: Any) -> tuple[np.ndarray, Any]:
    """``(pixels (H, W, C) uint8/uint16, a function giving a result back in image's kind)``."""
    if type(image).__module__.startswith("PIL."):
        from PIL import Image

        array = np.asarray(image)
        return _array_pixels(array)[0], lambda out: Image.fromarray(_squeeze(out, array.ndim))
    if type(image).__module__.startswith("torch"):
        return _tensor_pixels(image)
    if isinstance(image, np.ndarray):
        return _array_pixels(image)
    raise DataError(f"image: expected a numpy array, PIL image or torch tensor, got "
                    f"{type(image).__name__}")


def _squeeze(pixels: np.ndarray, ndim: int) -> np.ndarray:
    return pixels[:, :, 0] if ndim == 2 else pixels


def _array_pixels(array: np.ndarray) -> tuple[np.ndarray, Any]:
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 2, 3, 4)):
        raise DataError(f"image: expected (H, W) or (H, W, C) with C in 1-4, got {array.shape}")
    layered = array[:, :, None] if array.ndim == 2 else array
    if layered.dtype in (np.uint8, np.uint16):
        return np.ascontiguousarray(layered), lambda out: _squeeze(out, array.ndim)
    if not np.issubdtype(layered.dtype, np.floating):
        raise DataError(f"image: pixel type {array.dtype} (use uint8, uint16 or float in [0, 1])")
    pixels = np.round(np.clip(layered, 0, 1) * 65535.0).astype(np.uint16)

    def back(out: np.ndarray) -> np.ndarray:  # known pixels exactly the caller's floats
        filled = out.astype(array.dtype) / array.dtype.type(65535.0)
        changed = out != pixels
        return _squeeze(np.where(changed, filled, layered), array.ndim)

    return pixels, back


def _tensor_pixels(tensor: Any) -> tuple[np.ndarray, Any]:
    import torch

    if tensor.dim() == 4:
        if tensor.shape[0] != 1:
            raise DataError(f"image: one image at a time, got a batch of {tensor.shape[0]}")
        pixels, back = _tensor_pixels(tensor[0])
        return pixels, lambda out: back(out)[None]
    if tensor.dim() != 3:
        raise DataError(f"image: expected a (C, H, W) or (1, C, H, W) tensor, got {tuple(tensor.shape)}")
    array = tensor.detach().float().cpu().permute(1, 2, 0).numpy()
    pixels, back = _array_pixels(array)
    return pixels, lambda out: torch.from_numpy(
        np.ascontiguousarray(back(out).reshape(array.shape).transpose(2, 0, 1))
    ).to(tensor.device, tensor.dtype)


def _as_hole(mask: Any, shape: tuple[int, int]) -> np.ndarray:
    """A bool (H, W) hole from any of the kinds :class:`Inpainter` takes."""
    if type(mask).__module__.startswith("torch"):
        mask = mask.detach().float().cpu().numpy()
    array = np.asarray(mask)
    array = array.reshape(array.shape[-2:]) if array.ndim > 2 and array.size == np.prod(
        array.shape[-2:]) else array
    if array.ndim == 3:
        array = array.max(axis=2)
    if array.shape != tuple(shape):
        raise DataError(f"mask: shape {array.shape} is not the image's {tuple(shape)}")
    if np.issubdtype(array.dtype, np.floating):
        return array > 0.5
    return array != 0
