"""Where the LPIPS weights come from, found without importing torch (``corefill validate``).

Two parts: the learned linear heads, shipped inside the ``lpips`` wheel
(``lpips/weights/v0.1/<net>.pth``), and the backbone's ImageNet weights, torchvision's own
files, read from ``$COREFILL_CACHE/lpips/`` or the torch hub cache
(``torch.hub.get_dir()/checkpoints``). When neither holds the backbone and the machine is
online, it is downloaded into the hub cache; offline (no route to download.pytorch.org, or
``COREFILL_OFFLINE=1``), ``corefill validate`` and ``run`` say in one line what to put where.
"""
from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path
from typing import Optional

from .fid_sources import corefill_cache_dir, torch_hub_dir

HOST = "download.pytorch.org"
# torchvision's ImageNet weights: file name -> URL. torchvision publishes the first 8 hex
# digits of each file's sha256 in its name (and checks them when it downloads).
BACKBONES = {
    "alex": "alexnet-owt-7be5be79.pth",
    "vgg": "vgg16-397923af.pth",
}


def backbone_file(net: str) -> str:
    return BACKBONES[net]


def backbone_url(net: str) -> str:
    return f"https://{HOST}/models/{BACKBONES[net]}"


def sha256_prefix(net: str) -> str:
    return BACKBONES[net].rsplit("-", 1)[1].split(".")[0]


def backbone_candidates(net: str) -> list[Path]:
    name = BACKBONES[net]
    return [corefill_cache_dir() / "lpips" / name, torch_hub_dir() / "checkpoints" / name]


def find_backbone(net: str) -> Optional[Path]:
    return next((path for path in backbone_candidates(net) if path.is_file()), None)


def heads_path(net: str) -> Optional[Path]:
    """The ``lpips`` wheel's linear heads for ``net`` (the package is not imported)."""
    spec = importlib.util.find_spec("lpips")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "weights" / "v0.1" / f"{net}.pth"
    return path if path.is_file() else None


def online(timeout: float = 1.5) -> bool:
    if os.environ.get("COREFILL_OFFLINE", "") not in ("", "0"):
        return False
    try:
        with socket.create_connection((HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def missing_backbone_message(net: str) -> str:
    places = " or ".join(str(p.parent) for p in backbone_candidates(net))
    return (f"LPIPS ({net}) needs torchvision's ImageNet weights {BACKBONES[net]} and this "
            f"machine is offline: download {backbone_url(net)} (sha256 begins "
            f"{sha256_prefix(net)}) and put it in {places}")


def weights_problem(net: str, check_online: bool = True) -> Optional[str]:
    """None when LPIPS will find (or can download) its weights; else what to do."""
    if heads_path(net) is None:
        return (f"LPIPS needs the 'lpips' package for its learned heads ({net}.pth); "
                "fix: pip install lpips")
    if find_backbone(net) is not None:
        return None
    if check_online and online():
        return None
    return missing_backbone_message(net)
