"""Tracing a checkpoint's generator to ONNX or TorchScript, checking it, writing it.

The generator is traced as ``(input, mask) -> output`` on a batch of the model's size
whose mask is the recipe's (for a hole-box generator, the box it was trained to fill: the
trace keeps that output size, and inference stretches it onto other boxes as it does for
the PyTorch module). The traced model is checked against the PyTorch generator on fresh
inputs at batch sizes 1 and 3 before anything is written (max abs difference
:data:`TOLERANCE`); a generator that cannot be traced, or whose trace does not compute
what it does, is a one-line error naming the checkpoint.
"""
from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..engine.inference import exported
from ..engine.outputs import write_atomic
from ..errors import CheckpointError, CorefillError, one_line
from ..plugins import resolve_registries

TOLERANCE = 1e-4
OPSET = 17
DYNAMIC = {"input": {0: "batch"}, "mask": {0: "batch"}, "output": {0: "batch"}}


def export_checkpoint(checkpoint: Path, fmt: str, out: Path, *, registries=None) -> Path:
    """Export ``checkpoint``'s generator as ``fmt`` to ``out`` (atomically)."""
    from ..engine.inference.run import load_any

    if fmt == "onnx":
        _need_onnx()
    registries = resolve_registries(registries)
    generator, recipe, spec = load_any(checkpoint, "cpu", registries)
    if not isinstance(generator, torch.nn.Module):
        raise CheckpointError(f"{checkpoint}: its generator ({recipe.generator.name}) is not "
                              "a network and cannot be exported")
    meta = exported.metadata(spec, seed=recipe.seed, generator=recipe.generator.name,
                             checkpoint=checkpoint.name)
    example = example_inputs(spec, recipe.seed, registries, batch=2)
    try:
        data = (onnx_bytes if fmt == "onnx" else script_bytes)(generator, example, meta)
        runner = runner_from_bytes(fmt, data)
        worst = max_difference(generator, runner, spec, recipe.seed, registries)
    except CorefillError:
        raise
    except Exception as exc:  # noqa: BLE001 - any tracing/export failure is the model's
        raise CheckpointError(f"{checkpoint}: its generator ({recipe.generator.name}) cannot "
                              f"be exported to {fmt}: {one_line(exc)}") from None
    if worst > TOLERANCE:
        raise CheckpointError(f"{checkpoint}: its generator ({recipe.generator.name}) does not "
                              f"trace faithfully to {fmt} (outputs differ by {worst:.2g}; it "
                              "may branch on its inputs' values)")
    write_atomic(out, data)
    return out


def _need_onnx() -> None:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        raise CorefillError("exporting to ONNX needs onnx and onnxruntime: "
                            f"{exported.EXTRA_HINT}") from None


def example_inputs(spec: dict[str, Any], seed: int, registries, *, batch: int,
                   draw: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(input, mask)`` of the model's size: random pixels in its value range and the
    recipe's mask (all hole for a translation model or one trained on the data's masks)."""
    from ..engine.inference.masks import recipe_hole
    from ..engine.inference.run import masker_of

    height, width = spec["size"]
    channels = int(spec.get("input_channels", spec["channels"]))
    low, high = spec["value_range"]
    generator = torch.Generator().manual_seed(1000 + draw)
    image = torch.rand(batch, channels, height, width, generator=generator) * (high - low) + low
    if spec["conditional_input"] or spec["item_masks"]:
        hole = np.ones((height, width), bool)
    else:
        hole = recipe_hole(masker_of(spec, registries), seed, "export", height, width)
    mask = torch.from_numpy(hole.astype(np.float32))[None, None].repeat(batch, 1, 1, 1)
    return (image if spec["conditional_input"] else image * (1 - mask)), mask


def onnx_bytes(generator: torch.nn.Module, example: tuple, meta: dict[str, Any]) -> bytes:
    """The traced generator as an ONNX model (dynamic batch) carrying ``meta``."""
    import onnx

    buffer = io.BytesIO()
    with warnings.catch_warnings():  # tracer and exporter notes are not the user's business
        warnings.simplefilter("ignore")
        torch.onnx.export(generator, example, buffer, input_names=list(exported.INPUTS),
                          output_names=["output"], dynamic_axes=DYNAMIC,
                          opset_version=OPSET, dynamo=False)
    model = onnx.load_model_from_string(buffer.getvalue())
    props = {exported.META_KEY: json.dumps(meta), **exported.readable(meta)}
    for key, value in props.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model.SerializeToString()


def script_bytes(generator: torch.nn.Module, example: tuple, meta: dict[str, Any]) -> bytes:
    """The traced generator as TorchScript carrying ``meta`` (``_extra_files``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            traced = torch.jit.trace(generator, example, check_trace=False)
        buffer = io.BytesIO()  # torch.jit.save's deprecation note: TorchScript is the format asked for
        torch.jit.save(traced, buffer, _extra_files={exported.EXTRA_FILE: json.dumps(meta)})
    return buffer.getvalue()


def runner_from_bytes(fmt: str, data: bytes) -> Any:
    """A runner of the exported bytes (the check before writing)."""
    if fmt == "onnx":
        return exported.OnnxRunner.open(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        module = torch.jit.load(io.BytesIO(data), map_location="cpu")
    return lambda input, mask: module(input, mask)


def max_difference(generator: torch.nn.Module, runner: Any, spec: dict[str, Any], seed: int,
                   registries) -> float:
    """Largest |exported - PyTorch| over fresh inputs at batch sizes 1 and 3."""
    worst = 0.0
    for draw, batch in enumerate((1, 3), start=1):
        input, mask = example_inputs(spec, seed, registries, batch=batch, draw=draw)
        with torch.no_grad():
            expected = generator(input, mask)
            got = runner(input, mask)
        if tuple(got.shape) != tuple(expected.shape):
            return float("inf")
        worst = max(worst, float((got - expected).abs().max()))
    return worst
