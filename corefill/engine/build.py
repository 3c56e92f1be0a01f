"""Build what a recipe names: datasets, masker, networks, losses, metrics, optimisers."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch

from ..errors import DataError, RecipeError
from ..recipe import Recipe
from ..registry import build
from .steps import LossSet


def dataset(recipe: Recipe, registries, split: str):
    ref = recipe.data.dataset
    params = {**ref.params, **recipe.data.splits.get(split, {})}
    built = build(registries.get("dataset", ref.name), params, split=split)
    if len(built) == 0:
        raise DataError(f"dataset {ref.name!r}: split {split!r} is empty")
    return built


def masker(recipe: Recipe, registries):
    """The masker, or None for ``none`` (item masks, else the whole image is the hole)."""
    if recipe.masker.name == "none":
        return None
    return build(registries.get("masker", recipe.masker.name), recipe.masker.params)


def network(kind: str, ref, registries) -> Any:
    return build(registries.get(kind, ref.name), ref.params)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def losses(recipe: Recipe, registries) -> LossSet:
    """The recipe's losses by role; an adversarial loss needs a discriminator and back."""
    found = LossSet()
    names = _unique([ref.name for ref in recipe.losses])
    for index, (name, ref) in enumerate(zip(names, recipe.losses)):
        loss = build(registries.get("loss", ref.name), ref.params)
        adversarial = bool(getattr(loss, "adversarial", False))
        if adversarial and recipe.discriminator is None:
            raise RecipeError(f"recipe {recipe.name!r}: losses.{index}: adversarial loss "
                              f"{ref.name!r} needs a discriminator")
        (found.adversarial if adversarial else found.reconstruction).append(
            (name, ref.weight, loss))
    if recipe.discriminator is not None and not found.adversarial:
        raise RecipeError(f"recipe {recipe.name!r}: discriminator: no adversarial loss "
                          "in losses to train it with")
    if not found.reconstruction and recipe.discriminator is None:
        raise RecipeError(f"recipe {recipe.name!r}: losses: no reconstruction loss")
    return found


def metrics_factory(recipe: Recipe, registries) -> Callable[[], list]:
    specs = [(registries.get("metric", ref.name), ref.params) for ref in recipe.metrics]
    return lambda: [build(spec, params) for spec, params in specs]


def metric_directions(factory: Callable[[], list]) -> dict[str, bool]:
    return {m.name: bool(m.higher_is_better) for m in factory()}


def baselines(recipe: Recipe, registries) -> list[tuple[str, str, Any]]:
    names = _unique([ref.name for ref in recipe.baselines])
    return [(name, ref.name, network("generator", ref, registries))
            for name, ref in zip(names, recipe.baselines)]


def optimizer(module: torch.nn.Module, settings, device: torch.device) -> torch.optim.Adam:
    return torch.optim.Adam(
        module.parameters(), lr=settings.lr, betas=tuple(settings.betas),
        weight_decay=settings.weight_decay, fused=device.type == "cuda" or None,
    )


class LinearDecay:
    """pix2pix: constant learning rate until ``start``, then linearly towards 0 at the end."""

    def __init__(self, start: int, total: int) -> None:
        self.start, self.total = start, total

    def __call__(self, epoch: int) -> float:
        return 1.0 - max(0, epoch - self.start) / float(max(1, self.total - self.start + 1))


def scheduler(opt: torch.optim.Optimizer, settings, max_epochs: int) -> Optional[Any]:
    """Stepped once per epoch."""
    if settings.name == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=settings.step_size,
                                               gamma=settings.gamma)
    if settings.name == "linear":
        return torch.optim.lr_scheduler.LambdaLR(opt, LinearDecay(settings.decay_start, max_epochs))
    return None


def validation_keys(directions: dict[str, bool], has_loss: bool) -> dict[str, bool]:
    """Keys validation produces (metric names and ``loss``) -> higher_is_better."""
    keys = dict(directions)
    if has_loss:
        keys["loss"] = False
    return keys


def check_key(recipe: Recipe, field: str, key: str, keys: dict[str, bool]) -> None:
    if key not in keys:
        raise RecipeError(f"recipe {recipe.name!r}: {field}: unknown validation key {key!r}; "
                          f"available: {', '.join(sorted(keys))}")
