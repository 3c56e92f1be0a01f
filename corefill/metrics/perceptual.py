"""LPIPS (Zhang et al., CVPR 2018): the ``lpips`` package's learned linear heads (v0.1) on
torchvision's AlexNet (default) or VGG16 ImageNet backbone, re-implemented here so that it
reads its weights offline (see :mod:`.lpips_sources`) and runs batched on any device.

Per sample: both images in [0, 1] go to [-1, 1], then through the ``lpips`` scaling layer;
at each of the backbone's five ReLU stages the features are unit-normalised over channels,
their squared difference is weighted by the stage's 1x1 head and averaged over space; the
five stage values are summed. ``lpips`` scores the whole image, ``lpips_hole`` a square
crop around the hole's bounding box (at least ``min_size`` pixels, inside the image).
"""
from __future__ import annotations

import hashlib
import math
import threading
from pathlib import Path
from typing import Any, Optional

import torch
import torch.nn.functional as F

from ..errors import CheckpointError
from ..registry import BuildContext
from . import lpips_sources as sources

# Where each ReLU stage ends in torchvision's ``features`` (the layers LPIPS reads).
STAGE_ENDS = {"alex": (2, 5, 8, 10, 12), "vgg": (4, 9, 16, 23, 30)}
SHIFT = (-0.030, -0.088, -0.188)
SCALE = (0.458, 0.448, 0.450)
EPS = 1e-10


def _load(path: Path, what: str) -> dict[str, torch.Tensor]:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - one line for any unreadable file
        raise CheckpointError(f"cannot read LPIPS {what} {path}: {exc}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backbone_path(net: str) -> Path:
    """The backbone file: found in a cache, else downloaded into the hub cache when online."""
    found = sources.find_backbone(net)
    if found is not None:
        return found
    if not sources.online():
        raise CheckpointError(sources.missing_backbone_message(net))
    target = sources.backbone_candidates(net)[-1]
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.hub.download_url_to_file(sources.backbone_url(net), str(target),
                                   hash_prefix=sources.sha256_prefix(net), progress=False)
    return target


class LPIPSNetwork(torch.nn.Module):
    """Backbone stages and heads; ``forward(a, b)`` -> (N,) distances of [0, 1] images."""

    def __init__(self, net: str, backbone: dict[str, torch.Tensor],
                 heads: dict[str, torch.Tensor]) -> None:
        super().__init__()
        import torchvision

        model = (torchvision.models.alexnet if net == "alex" else torchvision.models.vgg16)(weights=None)
        model.load_state_dict(backbone)
        ends = STAGE_ENDS[net]
        layers = list(model.features.children())
        for layer in layers:
            if isinstance(layer, torch.nn.ReLU):
                layer.inplace = False  # a stage's output is read after the next stage runs
        self.stages = torch.nn.ModuleList(
            torch.nn.Sequential(*layers[start:end]) for start, end in zip((0,) + ends, ends))
        weights = [heads[f"lin{k}.model.1.weight"].float() for k in range(len(ends))]
        self.heads = torch.nn.ParameterList(torch.nn.Parameter(w, requires_grad=False) for w in weights)
        self.register_buffer("shift", torch.tensor(SHIFT).view(1, 3, 1, 1))
        self.register_buffer("scale", torch.tensor(SCALE).view(1, 3, 1, 1))
        self.requires_grad_(False).eval()

    def forward(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        count = first.shape[0]
        x = torch.cat([first, second]).float()
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        x = ((x * 2 - 1) - self.shift) / self.scale
        total = torch.zeros(count, device=x.device)
        for stage, head in zip(self.stages, self.heads):
            x = stage(x)
            unit = x / (x.square().sum(dim=1, keepdim=True).sqrt() + EPS)
            diff = (unit[:count] - unit[count:]).square()
            total = total + F.conv2d(diff, head).mean(dim=(1, 2, 3))
        return total


_NETWORKS: dict[str, tuple[LPIPSNetwork, dict[str, Any]]] = {}
_LOCK = threading.Lock()


def shared_network(net: str) -> tuple[LPIPSNetwork, dict[str, Any]]:
    """One network per backbone per process (and what its card says of its weights)."""
    with _LOCK:
        if net not in _NETWORKS:
            heads_file = sources.heads_path(net)
            if heads_file is None:
                raise CheckpointError(sources.weights_problem(net, check_online=False))
            backbone_file = backbone_path(net)
            network = LPIPSNetwork(net, _load(backbone_file, "backbone"), _load(heads_file, "heads"))
            facts = {"backbone_file": str(backbone_file), "backbone_sha256": sha256_of(backbone_file),
                     "heads_file": str(heads_file), "heads_sha256": sha256_of(heads_file)}
            _NETWORKS[net] = (network, facts)
        return _NETWORKS[net]


def _lpips_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lpips")
    except PackageNotFoundError:
        return "not installed"


def hole_crops(mask: torch.Tensor, min_size: int) -> list[Optional[tuple[int, int, int, int]]]:
    """Per sample (top, left, height, width) of a crop around the hole's bounding box, at
    least ``min_size`` on each side (as far as the image allows); None without a hole."""
    from ..nn.holes import hole_boxes  # the boxes in one host pass

    height, width = mask.shape[-2:]
    mask = mask.detach().cpu()
    present = (mask.flatten(1) > 0.5).any(dim=1).tolist()
    crops: list[Optional[tuple[int, int, int, int]]] = []
    for (top, left, box_h, box_w), hole in zip(hole_boxes(mask).tolist(), present):
        if not hole:
            crops.append(None)
            continue
        box = []
        for low, extent, size in ((top, box_h, height), (left, box_w, width)):
            side = min(max(extent, min_size), size)
            start = min(max((2 * low + extent - side) // 2, 0), size - side)
            box.append((start, side))
        crops.append((box[0][0], box[1][0], box[0][1], box[1][1]))
    return crops


class LPIPSMetric:
    """LPIPS per sample over the whole image (``region="full"``) or the hole's crop."""

    higher_is_better = False
    per_sample = True

    def __init__(self, *, name: str, net: str, region: str, min_size: int) -> None:
        self.name, self.net, self.region, self.min_size = name, net, region, min_size
        self.network, self.facts = shared_network(net)

    def _distance(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        network = self.network.to(output.device)
        short = min(output.shape[-2:])
        if short < self.min_size:  # AlexNet's pooling needs about 32 pixels; upsample small images
            size = [math.ceil(s * self.min_size / short) for s in output.shape[-2:]]
            output = F.interpolate(output.float(), size=size, mode="bilinear", align_corners=False)
            target = F.interpolate(target.float(), size=size, mode="bilinear", align_corners=False)
        return network(output, target)

    @torch.no_grad()
    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if self.region == "full":
            return self._distance(output, target).float()
        values = []
        for index, crop in enumerate(hole_crops(mask, self.min_size)):
            if crop is None:
                values.append(torch.tensor(float("nan"), device=output.device))
                continue
            top, left, h, w = crop
            part = (slice(index, index + 1), slice(None), slice(top, top + h), slice(left, left + w))
            values.append(self._distance(output[part], target[part])[0])
        return torch.stack(values).float()

    def info(self) -> dict[str, Any]:
        backbone = {"alex": "AlexNet", "vgg": "VGG16"}[self.net]
        return {
            "implementation": f"corefill re-implementation of lpips v0.1 (lpips package {_lpips_version()} "
                              "heads; values equal lpips.LPIPS on the same weights)",
            "feature_extractor": f"torchvision {backbone} ImageNet ({Path(self.facts['backbone_file']).name}) "
                                 f"+ lpips {self.net}.pth heads",
            "weights_sha256": {"backbone": self.facts["backbone_sha256"], "heads": self.facts["heads_sha256"]},
            "region": "full image" if self.region == "full" else
                      f"crop around the hole's bounding box, at least {self.min_size}² px",
            "resize": f"none; images under {self.min_size} px upsampled (bilinear) to {self.min_size}",
            "value_range": "[0, ~1]; 0 = identical; lower is better",
        }


# -- registration -----------------------------------------------------------------------------
def lpips(params: Any, context: Optional[BuildContext] = None) -> LPIPSMetric:
    return LPIPSMetric(name="lpips", net=params.net, region="full", min_size=params.min_size)


def lpips_hole(params: Any, context: Optional[BuildContext] = None) -> LPIPSMetric:
    return LPIPSMetric(name="lpips_hole", net=params.net, region="hole", min_size=params.min_size)
