"""The test report's sample grid (samples.png): the items that show the models at work,
every model in its own row.

Items are ranked by how much there is to fill: the hole's share of the image times the
spread (standard deviation) of the real pixels under it, so a large hole over structure
comes first and a near-empty slice (or a hole over flat background) last. A translation
task's mask is the whole image, so there the ranking is by the image's content alone.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import torch

from .data import to_unit


def content_in_hole(target01: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(N,) hole fraction x standard deviation of the real pixels in the hole."""
    hole = (mask > 0.5).float().expand_as(target01).flatten(1)
    values = target01.float().flatten(1)
    count = hole.sum(dim=1).clamp_min(1)
    mean = (values * hole).sum(dim=1) / count
    spread = (((values - mean[:, None]) ** 2) * hole).sum(dim=1) / count
    return (mask > 0.5).float().flatten(1).mean(dim=1) * spread.sqrt()


def rank(entry: tuple) -> tuple[float, int]:
    """The order of kept items ``(score, index, ...)``: most to fill first, then earlier."""
    return -entry[0], entry[1]


def entering(kept: list[tuple], scores: list[float], first: int, count: int) -> list[int]:
    """Which items of a batch (``scores`` of items ``first``, ``first + 1`` ...) enter the
    best ``count`` of them and the ``kept`` entries ``(score, index, ...)``: only those are
    worth copying to the host."""
    batch = [(score, first + item) for item, score in enumerate(scores)]
    best = sorted([entry[:2] for entry in kept] + batch, key=rank)[:count]
    chosen = {index for _, index in best}
    return [item for item in range(len(scores)) if first + item in chosen]


class Showcase:
    """``on_batch(batch, outputs)`` keeps the ``count`` best-ranked items seen so far."""

    def __init__(self, count: int, value_range, preview: Optional[Callable] = None) -> None:
        self.count, self.value_range, self.preview = count, value_range, preview
        self.kept: list[tuple[float, int, str, dict[str, torch.Tensor]]] = []
        self.seen = 0

    def __call__(self, batch: dict[str, Any], outputs: dict[str, torch.Tensor]) -> None:
        real = to_unit(batch["image"].float(), self.value_range)
        mask = batch["mask"]
        scores = content_in_hole(real, mask).cpu()
        whole = bool((mask > 0.5).all())
        if whole and self.preview is not None:
            shown = to_unit(self.preview(batch["input"]).float(), self.value_range)
        else:  # the masked input: the hole in white
            shown = real * (1 - (mask > 0.5).float()) + (mask > 0.5).float()
        names = [str(n) for n in batch.get("name", range(len(scores)))]
        scores = scores.tolist()
        for index in entering(self.kept, scores, self.seen, self.count):
            images = {"real": real[index], "input": shown[index]}
            images.update({k: to_unit(v[index:index + 1].float(), self.value_range)[0]
                           for k, v in outputs.items()})
            self.kept.append((scores[index], self.seen + index, names[index],
                              {k: v.detach().cpu() for k, v in images.items()}))
        self.kept = sorted(self.kept, key=rank)[:self.count]
        self.seen += len(scores)

    def write(self, path: Path) -> Optional[dict[str, Any]]:
        """samples.png (real, input, then one row per model); what the report says of it."""
        if not self.kept:
            return None
        from .grids import labelled_grid
        from .outputs import write_png

        keys = list(self.kept[0][3])
        rows = [(key, torch.stack([entry[3][key] for entry in self.kept])) for key in keys]
        write_png(path, labelled_grid(rows, [entry[2] for entry in self.kept]))
        return {"file": path.name, "items": [entry[2] for entry in self.kept],
                "picked_by": "hole fraction x std of the real pixels in the hole (largest first)"}


def chain(*handlers: Optional[Callable]) -> Optional[Callable]:
    active = [h for h in handlers if h is not None]
    if not active:
        return None

    def on_batch(batch, outputs):
        for handler in active:
            handler(batch, outputs)
    return on_batch
