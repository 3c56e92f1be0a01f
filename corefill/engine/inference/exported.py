"""Models exported by ``corefill export`` (ONNX, TorchScript): their metadata and runners.

An exported model is the generator alone, ``(input, mask) -> output``, with dynamic batch
size, plus what inference needs to know as metadata: the checkpoint's ``data_spec`` (size,
channels, value range, mask polarity ``1=hole``, output region, conditional input) and the
recipe's seed (the recipe's masker draws test masks seeded by it). Metadata layout::

    ONNX:        metadata_props, key "corefill" = the JSON below, plus one readable key per
                 spec field ("size" = "64x64", "value_range" = "-1,1", ...)
    TorchScript: _extra_files "corefill.json" = the JSON below

    {"format": 1, "data_spec": {...}, "seed": 0, "generator": "context-encoder",
     "checkpoint": "best.pt", "inputs": ["input", "mask"]}

A runner is a callable with a generator's signature, ``runner(input, mask) -> output``
(float NCHW torch tensors), so inference composites its output exactly as it does a
PyTorch generator's (:func:`corefill.engine.composite.complete`). Loading one needs neither
the recipe nor the plugin that trained it.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from ...errors import CheckpointError, CorefillError, first_line

FORMAT = 1
META_KEY = "corefill"
EXTRA_FILE = "corefill.json"
INPUTS = ("input", "mask")
ONNX_SUFFIXES = (".onnx",)
SCRIPT_SUFFIXES = (".pt", ".pth", ".ts", ".torchscript")
EXTRA_HINT = "pip install corefill[export]"


def metadata(spec: dict[str, Any], *, seed: int, generator: str, checkpoint: str) -> dict[str, Any]:
    """The metadata written with an exported model (see the module doc)."""
    return {"format": FORMAT, "data_spec": spec, "seed": int(seed), "generator": generator,
            "checkpoint": checkpoint, "inputs": list(INPUTS)}


def readable(meta: dict[str, Any]) -> dict[str, str]:
    """One flat string per spec field, for tools that list an ONNX model's metadata."""
    spec = meta["data_spec"]
    return {"size": "x".join(str(n) for n in spec["size"]), "channels": str(spec["channels"]),
            "value_range": ",".join(f"{v:g}" for v in spec["value_range"]),
            "mask_polarity": spec["mask_polarity"], "output_region": spec["output_region"],
            "blend": spec["blend"],
            "conditional_input": str(bool(spec["conditional_input"])).lower(),
            "generator": meta["generator"]}


def read_metadata(text: str | None, where: str) -> dict[str, Any]:
    """The metadata JSON of an exported model, checked; one-line errors name ``where``."""
    from .. import spec as specs

    if not text:
        raise CheckpointError(f"{where}: no corefill metadata (not written by corefill export)")
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{where}: corefill metadata is not JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{where}: corefill metadata format is not {FORMAT}")
    meta["data_spec"] = specs.check(meta.get("data_spec"), where)
    return meta


def kind_of(path: Path) -> str:
    """``"onnx"`` or ``"torchscript"`` by the file's extension."""
    suffix = path.suffix.lower()
    if suffix in ONNX_SUFFIXES:
        return "onnx"
    if suffix in SCRIPT_SUFFIXES:
        return "torchscript"
    raise CheckpointError(f"{path}: not an exported model (expected "
                          f"{', '.join(ONNX_SUFFIXES + SCRIPT_SUFFIXES)})")


def load(path: str | Path, device: str = "cpu") -> tuple[Any, dict[str, Any]]:
    """``(runner, metadata)`` of an exported model file."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such model file")
    if kind_of(path) == "onnx":
        runner = OnnxRunner.open(path, device=device, where=str(path))
    else:
        runner = ScriptRunner(path, device=device)
    return runner, runner.meta


class OnnxRunner:
    """An ONNX model in onnxruntime, called like a generator on torch tensors."""

    def __init__(self, session: Any, meta: dict[str, Any] | None = None) -> None:
        self.session, self.meta = session, meta
        # An input the network ignores (pix2pix's mask) is dropped from the graph.
        self.inputs = [i.name for i in session.get_inputs()]

    @classmethod
    def open(cls, model: Path | bytes, *, device: str = "cpu", where: str = "ONNX model",
             threads: int | None = None) -> "OnnxRunner":
        """A runner of an ONNX file (its metadata checked) or of ONNX bytes (unchecked)."""
        try:
            import onnxruntime as ort
        except ImportError:
            raise CorefillError(f"{where}: running an ONNX model needs onnxruntime: "
                                f"{EXTRA_HINT}") from None
        providers = ["CPUExecutionProvider"]
        if device == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        source = model if isinstance(model, bytes) else str(model)
        options = ort.SessionOptions()
        # Idle threads otherwise spin for a while after each run, stealing the cores from
        # the torch work between runs (resizing, compositing) and from other processes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if threads:
            options.intra_op_num_threads = threads
        try:
            session = ort.InferenceSession(source, options, providers=providers)
        except Exception as exc:  # a corrupt or foreign file
            first = first_line(exc)
            raise CheckpointError(f"{where}: cannot load ONNX model: {first}") from None
        if isinstance(model, bytes):
            return cls(session)
        props = session.get_modelmeta().custom_metadata_map
        return cls(session, read_metadata(props.get(META_KEY), where))

    def __call__(self, input: Any, mask: Any) -> Any:
        import torch

        given = {"input": input, "mask": mask}
        feed = {name: given[name].detach().float().cpu().contiguous().numpy()
                for name in self.inputs}
        output = self.session.run(None, feed)[0]
        return torch.from_numpy(output).to(input.device)


class ScriptRunner:
    """A TorchScript model, optionally frozen (``torch.jit.freeze``) for inference."""

    def __init__(self, path: Path, *, device: str = "cpu", freeze: bool = False) -> None:
        import torch

        extra = {EXTRA_FILE: ""}
        try:
            with warnings.catch_warnings():  # its deprecation note: the user chose TorchScript
                warnings.simplefilter("ignore", FutureWarning)
                module = torch.jit.load(str(path), map_location=device, _extra_files=extra)
        except Exception as exc:
            first = first_line(exc)
            raise CheckpointError(f"{path}: cannot load TorchScript model: {first}") from None
        self.meta = read_metadata(extra[EXTRA_FILE], str(path))
        module = module.eval()
        self.module = torch.jit.freeze(module) if freeze else module

    def __call__(self, input: Any, mask: Any) -> Any:
        import torch

        with torch.no_grad():
            return self.module(input.float(), mask.float())
