"""Evaluating the test split: the trained generator and the baselines, scored on the same
images and masks (:mod:`.scoring`), written as the run's report (:mod:`.report`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import torch

from ..config import recipe_hash
from ..recipe import Recipe
from . import build, spread
from .comparison import compare
from .cost import measure
from .data import MaskedDataset, eval_loader, to_unit
from .metric_cards import cards
from .report_samples import Showcase, chain
from .scoring import AREA_EDGES, Model, area_bin_label, evaluate_models
from .outputs import write_png
from .report import write_report


def _eval_module(module: Any, device: torch.device) -> Any:
    if isinstance(module, torch.nn.Module):
        module.to(device).eval()
    return module


def evaluate(recipe: Recipe, generator: Optional[torch.nn.Module], *, folder: str | Path,
             device: str | torch.device = "cpu", registries=None,
             checkpoint_label: str = "last", training: Optional[dict[str, Any]] = None,
             train_set: Optional[MaskedDataset] = None,
             baselines: Optional[list[Model]] = None,
             generators: Optional[list[tuple[str, Any, str, str]]] = None) -> dict[str, Any]:
    """Score ``generator`` (None: baselines only) and every ``recipe.baselines`` entry on
    the test split, all on the same images and masks; writes report.json and report.md.
    ``baselines``: the recipe's, already built and fitted (by validation); None builds them.
    ``generators``: more trained models, ``(key, module, component, blend)`` each: every
    pair of models gets paired intervals and the verdict names the best one."""
    device, folder = torch.device(device), Path(folder)
    context = build.context(registries, device)
    data = recipe.data
    test_data = build.dataset(recipe, context, "test")
    context = context.of_dataset(test_data)
    masker = build.masker(recipe, context)
    test_set = build.masked(recipe, context, test_data, masker, "test")
    pin = device.type == "cuda"
    batch_size = data.eval_batch_size or data.batch_size
    models: list[Model] = []
    components: dict[str, tuple[str, str]] = {}
    trained = [("trained", generator, recipe.generator.name, recipe.generator.blend)] \
        if generator is not None else []
    for key, module, component, blend in trained + list(generators or []):
        module = _eval_module(module, device)
        models.append(Model(key, component, module, getattr(module, "output_region", None), blend))
        components[key] = (component, "trained")
    if baselines is None:
        baselines = baseline_models(recipe, context, masker=masker, device=device,
                                    train_set=train_set)
    for model in baselines:
        models.append(model)
        components[model.name] = (model.component, "baseline")
    metrics_factory = build.metrics_factory(recipe, context)
    loader = eval_loader(test_set, batch_size=batch_size, num_workers=data.num_workers,
                         pin_memory=pin)
    writer = None
    if recipe.test_outputs and any(model.name == "trained" for model in models):
        writer = _TestOutputWriter(folder / "test_outputs", test_set.value_range)
    base = getattr(test_set, "base", test_set)
    showcase = Showcase(recipe.train.sample_count, test_set.value_range,
                        getattr(base, "input_preview", None))
    first: list[dict[str, Any]] = []  # the first scored batch, timed again for the cost
    results = evaluate_models(models, loader, metrics_factory=metrics_factory,
                              value_range=test_set.value_range, device=device,
                              on_batch=chain(writer, showcase,
                                             lambda batch, _: first or first.append(batch)))
    directions = build.metric_directions(metrics_factory)
    trained_keys = [key for key, role in components.items() if role[1] == "trained"]
    trust, comparison = _trust(results, directions, trained_keys, len(test_set), recipe.seed)
    costs = _costs(models, first[0] if first else None, test_set.value_range, device)
    report = {
        "recipe": recipe.name, "recipe_hash": recipe_hash(recipe), "split": "test",
        "images": len(test_set), "checkpoint": checkpoint_label, "training": training or {},
        "smoke_check": trust["smoke_check"], "verdict": trust["verdict"],
        "notes": " ".join(recipe.notes.split()) if recipe.notes else None,  # one line
        "metrics": [{"name": k, "higher_is_better": v} for k, v in directions.items()],
        "metrics_info": cards(metrics_factory(), len(test_set)),
        "mask_area_bins": [area_bin_label(lo, hi) for lo, hi in zip(AREA_EDGES, AREA_EDGES[1:])],
        "models": {
            key: {"component": components[key][0], "role": components[key][1],
                  "metrics": result["metrics"], "spread": trust["spread"][key],
                  "by_mask_area": result["by_mask_area"], "cost": costs.get(key),
                  "details": {n: m.details() for n, m in result["dataset_metrics"].items()
                              if hasattr(m, "details")}}
            for key, result in results.items()
        },
    }
    if comparison is not None:
        report["comparison"] = comparison
    samples = showcase.write(folder / "samples.png")
    if samples is not None:
        report["samples"] = samples
    write_report(folder, report)
    return report


def _trust(results, directions, trained_keys, count, seed):
    """Intervals for every model; with one trained model the verdict against the baselines,
    with several the pairwise comparison and the best model's verdict against them. The
    bootstrap draws are computed once and shared by all three."""
    draws = spread.all_draws(results, list(directions), spread.resample_indices(count, seed))
    trust = spread.summarise(results, directions, count=count, seed=seed, draws=draws)
    if trained_keys in ([], ["trained"]):
        return trust, None
    comparison = compare(results, trained_keys, directions, draws)
    trust["verdict"] = []
    best = comparison["best_model"]
    rest = {k: v for k, v in results.items() if k not in trained_keys}
    if rest:
        verdict = spread.verdicts({"trained": results[best], **rest}, directions,
                                  {**draws, "trained": draws.get(best, {})})
        for entry in verdict:
            entry["model"] = best
            entry["sentence"] = entry["sentence"].replace("the trained model", best)
        trust["verdict"] = verdict
    return trust, comparison


def _costs(models: list[Model], batch: Optional[dict[str, Any]], value_range,
           device) -> dict[str, Any]:
    """Each model's cost on ``batch`` (already on ``device``; None: an empty split)."""
    if batch is None:
        return {}
    return {model.name: measure(model, batch, value_range, device) for model in models}


def baseline_models(recipe: Recipe, context, *, masker: Any, device: torch.device,
                    train_set: Optional[MaskedDataset] = None) -> list[Model]:
    """The recipe's baselines, ready to score; those that learn from data (a ``fit``
    method, as mean-fill has) first see the train split (``train_set``, else built here)."""
    models = []
    baselines = build.baselines(recipe, context)
    if any(hasattr(b, "fit") for _, _, b in baselines):
        if train_set is None:
            train_set = MaskedDataset(build.dataset(recipe, context, "train"), masker,
                                      seed=recipe.seed, split="train")
        fit_loader = eval_loader(train_set, batch_size=recipe.data.batch_size,
                                 num_workers=recipe.data.num_workers,
                                 pin_memory=device.type == "cuda")
    for key, name, baseline in baselines:
        if hasattr(baseline, "fit"):
            baseline.fit(fit_loader)
        baseline = _eval_module(baseline, device)
        models.append(Model(key, name, baseline, getattr(baseline, "output_region", None)))
    return models


class _TestOutputWriter:
    """Writes the trained generator's composited test outputs, one PNG per item name."""

    def __init__(self, folder: Path, value_range) -> None:
        self.folder, self.value_range = folder, value_range

    def __call__(self, batch: dict[str, Any], outputs: dict[str, torch.Tensor]) -> None:
        images = to_unit(outputs["trained"], self.value_range)
        for name, image in zip(batch["name"], images):
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))
            write_png(self.folder / f"{safe}.png", image)
