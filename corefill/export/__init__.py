"""``corefill export``: a trained generator as ONNX or TorchScript, with its data spec.

:func:`export` writes the file; :mod:`corefill.engine.inference.exported` reads it back
(``corefill inpaint --model FILE``). The ``export`` extra brings onnx and onnxruntime
(``pip install corefill[export]``); TorchScript needs only torch.

Imports nothing heavy: torch, onnx load when :func:`export` runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

FORMATS = ("onnx", "torchscript")
SUFFIX = {"onnx": ".onnx", "torchscript": ".pt"}

__all__ = ["export", "FORMATS"]


def export(checkpoint: str | Path, fmt: str, *, out: Optional[str | Path] = None,
           registries=None) -> Path:
    """Write the generator of ``checkpoint`` as ``fmt`` (``"onnx"`` | ``"torchscript"``);
    ``out`` defaults to the checkpoint's name with the format's suffix, beside it
    (``best.pt`` -> ``best.onnx``, ``best.torchscript.pt``). Returns the file written."""
    from .writer import export_checkpoint

    checkpoint = Path(checkpoint)
    return export_checkpoint(checkpoint, fmt, Path(out) if out else default_out(checkpoint, fmt),
                             registries=registries)


def default_out(checkpoint: Path, fmt: str) -> Path:
    # A TorchScript file keeps .pt, so the checkpoint's own name must not be reused.
    stem = checkpoint.stem + (".torchscript" if fmt == "torchscript" else "")
    return checkpoint.with_name(stem + SUFFIX[fmt])
