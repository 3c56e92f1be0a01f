"""Evaluate one or more models on the same loader: metrics, mask-area bins, loss.

Every model sees the same batches (one pass over the data, all models per batch), so
baselines and the trained generator are compared on identical images and masks.
Per-sample metric values stay on the device until the end of the pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import torch

from .data import middle, to_device, to_unit
from .composite import complete
from .steps import LossSet

# Mask-area bins (fraction of the image that is hole): [low, high) in percent; the
# last bin is closed so a full-image mask (pix2pix) lands in it.
AREA_EDGES = (0, 10, 20, 30, 40, 50, 100)


def area_bin_label(low: int, high: int) -> str:
    return f"{low}-{high}%"


@dataclass
class Model:
    """A generator to evaluate: a callable ``(input, mask) -> output``."""

    name: str
    component: str
    forward: Callable
    region: Optional[str] = None
    blend: str = "paste"


@dataclass
class _Tally:
    metrics: list
    per_sample: dict[str, list[torch.Tensor]] = field(default_factory=dict)
    loss_sum: Optional[torch.Tensor] = None


def evaluate_models(models: list[Model], loader, *, metrics_factory: Callable[[], list],
                    value_range, device: torch.device, losses: Optional[LossSet] = None,
                    on_batch: Optional[Callable[[dict, dict], None]] = None) -> dict[str, dict]:
    """Return ``{model name: {"count", "metrics", "by_mask_area", "per_sample",
    "dataset_metrics"[, "loss"]}}``: ``per_sample`` maps a per-image metric to its values
    (CPU, loader order), ``dataset_metrics`` a dataset-level one (FID) to its metric object
    (for a spread over resampled images, see :mod:`.spread`).

    ``losses`` adds the weighted reconstruction loss (the validation loss);
    ``on_batch(batch, outputs)`` sees each batch and the models' composited outputs.
    """
    tallies = {model.name: _Tally(metrics_factory()) for model in models}
    for tally in tallies.values():
        for metric in tally.metrics:
            if not getattr(metric, "per_sample", True):
                metric.reset()
    areas, count = [], 0
    with torch.no_grad():
        for batch in loader:
            batch = to_device(batch, device)
            mask = batch["mask"]
            areas.append(mask.flatten(1).mean(dim=1))
            count += mask.shape[0]
            target01 = to_unit(batch["image"], value_range)
            outputs = {}
            for model in models:
                fake = complete(model.forward, batch, model.region, model.blend,
                                middle(value_range)).float()
                outputs[model.name] = fake
                _score(tallies[model.name], fake, batch, target01, value_range, losses)
            if on_batch is not None:
                on_batch(batch, outputs)
    area = torch.cat(areas).float().cpu() * 100.0
    return {name: _summarise(tally, area, count) for name, tally in tallies.items()}


def _score(tally: _Tally, fake, batch, target01, value_range, losses) -> None:
    mask = batch["mask"]
    fake01 = to_unit(fake, value_range)
    for metric in tally.metrics:
        if getattr(metric, "per_sample", True):
            values = metric(fake01, target01, mask).detach().float().flatten()
            tally.per_sample.setdefault(metric.name, []).append(values)
        else:
            metric.update(fake01, target01, mask)
    if losses is not None and losses.reconstruction:
        terms = losses.reconstruction_terms(fake, batch["image"], mask)
        weighted = losses.weighted(terms)
        weighted = weighted.detach().float() * mask.shape[0]
        tally.loss_sum = weighted if tally.loss_sum is None else tally.loss_sum + weighted


def _summarise(tally: _Tally, area: torch.Tensor, count: int) -> dict[str, Any]:
    values = {name: torch.cat(parts).cpu() for name, parts in tally.per_sample.items()}
    result: dict[str, Any] = {"count": count, "metrics": {}, "by_mask_area": {},
                              "per_sample": values, "dataset_metrics": {}}
    for name, per_sample in values.items():
        # nanmean: a hole metric is NaN for an item without a hole; it must not poison the mean.
        result["metrics"][name] = float(per_sample.nanmean())
    for metric in tally.metrics:
        if not getattr(metric, "per_sample", True):
            result["metrics"][metric.name] = float(metric.compute())
            result["dataset_metrics"][metric.name] = metric
    if tally.loss_sum is not None:
        result["loss"] = float(tally.loss_sum) / max(count, 1)
    for low, high in zip(AREA_EDGES[:-1], AREA_EDGES[1:]):
        last = high == AREA_EDGES[-1]
        inside = (area >= low) & ((area <= high) if last else (area < high))
        n = int(inside.sum())
        if n == 0:
            continue
        entry = {"count": n}
        for name, per_sample in values.items():
            entry[name] = float(per_sample[inside].nanmean())
        result["by_mask_area"][area_bin_label(low, high)] = entry
    return result
