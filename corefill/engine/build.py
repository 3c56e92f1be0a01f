"""Build what a recipe names: datasets, masker, networks, losses, metrics, optimisers,
and all of it at once for training (:func:`components`).

Every component is built in a :class:`~corefill.registry.BuildContext`: the registries,
the split, and, once the dataset exists, its value range and channels, so a recipe never
repeats what the data already says (a baseline's ``value_range``, a wrapped dataset's
registries).
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from ..errors import DataError, RecipeError
from ..recipe import Recipe
from ..registry import BuildContext, build
from . import distributed, speed
from .blame import labels as blame_labels
from ..nn.init import zero_output_layer
from .data import MaskedDataset, eval_loader, middle, train_loader
from .optim import optimizer, scheduler
from .state import Components
from .steps import LossSet, StepParts, Update, make_step
from .stopping import BestTracker, EarlyStopper

def context(registries=None, device: Any = "cpu") -> BuildContext:
    """The context a run starts from: ``registries`` (None = the installed plugins')."""
    from ..plugins import resolve_registries

    return BuildContext(registries=resolve_registries(registries), device=str(device))


def dataset(recipe: Recipe, context: BuildContext, split: str):
    ref = recipe.data.dataset
    params = {**ref.params, **recipe.data.splits.get(split, {})}
    built = build(context.lookup().get("dataset", ref.name), params, context.replace(split=split))
    if len(built) == 0:
        raise DataError(f"dataset {ref.name!r}: split {split!r} is empty")
    return built


def masker(recipe: Recipe, context: BuildContext):
    """The masker, or None for ``none`` (item masks, else the whole image is the hole)."""
    if recipe.masker.name == "none":
        return None
    return build(context.lookup().get("masker", recipe.masker.name), recipe.masker.params, context)


def masked(recipe: Recipe, context: BuildContext, data: Any, masker_: Any,
           split: str) -> MaskedDataset:
    """``data`` with the recipe's masks; a masker that fails is named with its plugin."""
    blame = blame_labels(recipe, context.lookup()).get("masker")
    return MaskedDataset(data, masker_, seed=recipe.seed, split=split, blame=blame)


def network(kind: str, ref, context: BuildContext) -> Any:
    return build(context.lookup().get(kind, ref.name), ref.params, context)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def losses(recipe: Recipe, context: BuildContext) -> LossSet:
    """The recipe's losses by role; an adversarial loss needs a discriminator and back."""
    found = LossSet()
    names = _unique([ref.name for ref in recipe.losses])
    for index, (name, ref) in enumerate(zip(names, recipe.losses)):
        loss = build(context.lookup().get("loss", ref.name), ref.params, context)
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


def metrics_factory(recipe: Recipe, context: BuildContext) -> Callable[[], list]:
    specs = [(context.lookup().get("metric", ref.name), ref.params) for ref in recipe.metrics]
    return lambda: [build(spec, params, context) for spec, params in specs]


def metric_directions(factory: Callable[[], list]) -> dict[str, bool]:
    return {m.name: bool(m.higher_is_better) for m in factory()}


def baselines(recipe: Recipe, context: BuildContext) -> list[tuple[str, str, Any]]:
    names = _unique([ref.name for ref in recipe.baselines])
    return [(name, ref.name, network("generator", ref, context))
            for name, ref in zip(names, recipe.baselines)]


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


def components(recipe: Recipe, context: BuildContext, *, dist, device: torch.device) -> Components:
    """Everything a training run needs, built in an order that keeps the initial weights
    a function of ``recipe.seed`` alone (the same on every rank)."""
    train_data = dataset(recipe, context, "train")
    context = context.of_dataset(train_data)
    masker_ = masker(recipe, context)
    train_set = masked(recipe, context, train_data, masker_, "train")
    loss_set = losses(recipe, context)
    metrics = metrics_factory(recipe, context)
    val_keys = validation_keys(metric_directions(metrics), bool(loss_set.reconstruction))
    stopper, best, evaluate_best = _trackers(recipe, val_keys)
    torch.manual_seed(recipe.seed)  # same seed -> same initial weights on every rank
    nets = _networks(recipe, context, dist=dist, device=device, losses=loss_set)
    data, pin = recipe.data, device.type == "cuda"
    loader = train_loader(train_set, batch_size=data.batch_size, num_workers=data.num_workers,
                          seed=recipe.seed, rank=dist.rank, world=dist.world, pin_memory=pin)
    val_set = val_loader = None
    if dist.is_main:  # rank 0 alone validates
        val_set = masked(recipe, context, dataset(recipe, context, "val"), masker_, "val")
        val_loader = eval_loader(val_set, batch_size=data.eval_batch_size or data.batch_size,
                                 num_workers=data.num_workers, pin_memory=pin)
    return Components(train_set=train_set, train_loader=loader, val_set=val_set,
                      val_loader=val_loader, value_range=train_set.value_range,
                      losses=loss_set, metrics_factory=metrics, val_keys=val_keys,
                      stopper=stopper, best=best, evaluate_best=evaluate_best,
                      labels=blame_labels(recipe, context.lookup()), **nets)


def _trackers(recipe: Recipe, val_keys: dict[str, bool]):
    """(early stopper or None, best tracker or None, whether the test split scores best.pt)."""
    train = recipe.train
    stopping, stopper = train.early_stopping, None
    if stopping is not None:
        check_key(recipe, "train.early_stopping.metric", stopping.metric, val_keys)
        stopper = EarlyStopper(stopping.metric, stopping.patience, stopping.rule,
                               val_keys[stopping.metric])
    key = train.best_metric or (stopping.metric if stopping else None)
    evaluate_best = key is not None
    key = key or ("loss" if "loss" in val_keys else next(iter(val_keys), None))
    if train.best_metric:
        check_key(recipe, "train.best_metric", key, val_keys)
    return stopper, (BestTracker(key, val_keys[key]) if key else None), evaluate_best


def _trainable(recipe: Recipe, role: str, module: Any) -> Any:
    """``module`` if it has weights to train, else a RecipeError (a classical fill named as
    the generator belongs under ``baselines``)."""
    parameters = getattr(module, "parameters", None)
    if parameters is None or not any(p.requires_grad for p in parameters()):
        name = getattr(recipe, role).name
        raise RecipeError(f"recipe {recipe.name!r}: {role}: {name!r} has no weights to train; "
                          "list it under baselines and name a trainable " + role)
    return module


def _start_at_zero(recipe: Recipe, generator: Any, context: BuildContext) -> None:
    """``blend: residual`` starts from the harmonic fill: the generator's output layer at 0
    (the check before training makes sure the output is then the value range's middle)."""
    try:
        zero_output_layer(generator)
    except ValueError as exc:
        who = blame_labels(recipe, context.lookup())["generator"]
        raise RecipeError(f"recipe {recipe.name!r}: generator.blend: residual: {who}: "
                          f"{exc}") from None


def _networks(recipe: Recipe, context: BuildContext, *, dist, device, losses: LossSet) -> dict[str, Any]:
    """Networks, their optimisers, schedulers, fp16 scalers and the training step."""
    train, chosen = recipe.train, speed.plan(recipe.train, device)  # precision, layout
    refs = {"generator": recipe.generator, "discriminator": recipe.discriminator}
    settings = {"generator": train.generator_optimizer,
                "discriminator": train.discriminator_optimizer}
    nets, wrapped, optimizers = {}, {}, {}
    for role, ref in refs.items():
        if ref is None:
            continue
        module = _trainable(recipe, role, network(role, ref, context))
        if role == "generator" and ref.blend == "residual":
            _start_at_zero(recipe, module, context)
        nets[role] = speed.apply_layout(module.to(device), chosen)
        wrapped[role] = distributed.wrap(nets[role], dist, device)
        optimizers[role] = optimizer(nets[role], settings[role], device)
    schedulers = {name: scheduler(opt, train.scheduler, train.max_epochs)
                  for name, opt in optimizers.items()}
    scalers = {name: torch.amp.GradScaler("cuda") for name in optimizers} \
        if chosen.scaler else {}
    region = getattr(nets["generator"], "output_region", None)
    parts = StepParts(
        generator=wrapped["generator"], generator_raw=nets["generator"], losses=losses,
        update={name: Update(opt, scalers.get(name)) for name, opt in optimizers.items()},
        region=region, blend=recipe.generator.blend,
        middle=middle(context.value_range or (-1.0, 1.0)),
        discriminator=wrapped.get("discriminator"),
        discriminator_raw=nets.get("discriminator"),
        d_input=recipe.discriminator.input if recipe.discriminator else "image",
        autocast_dtype=chosen.autocast_dtype,
        device_type=device.type)
    return {"networks": nets, "wrapped": wrapped, "region": region, "optimizers": optimizers,
            "schedulers": {k: v for k, v in schedulers.items() if v is not None},
            "scalers": scalers, "train_step": make_step(parts)}
