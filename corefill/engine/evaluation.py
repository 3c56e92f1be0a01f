"""Evaluating the test split: the trained generator and the baselines, scored on the same
images and masks (:mod:`.scoring`), written as the run's report (:mod:`.report`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import torch

from ..config import recipe_hash
from ..recipe import Recipe
from . import build, spread
from .data import MaskedDataset, eval_loader, to_unit
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
             baselines: Optional[list[Model]] = None) -> dict[str, Any]:
    """Score ``generator`` (None: baselines only) and every ``recipe.baselines`` entry on
    the test split, all on the same images and masks; writes report.json and report.md.
    ``baselines``: the recipe's, already built and fitted (by validation); None builds them."""
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
    if generator is not None:
        module = _eval_module(generator, device)
        models.append(Model("trained", recipe.generator.name, module,
                            getattr(module, "output_region", None), recipe.generator.blend))
        components["trained"] = (recipe.generator.name, "trained")
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
    if recipe.test_outputs and generator is not None:
        writer = _TestOutputWriter(folder / "test_outputs", test_set.value_range)
    results = evaluate_models(models, loader, metrics_factory=metrics_factory,
                              value_range=test_set.value_range, device=device, on_batch=writer)
    directions = build.metric_directions(metrics_factory)
    # How far to trust the scores: intervals per model, the verdict against the baselines.
    trust = spread.summarise(results, directions, count=len(test_set), seed=recipe.seed)
    report = {
        "recipe": recipe.name, "recipe_hash": recipe_hash(recipe), "split": "test",
        "images": len(test_set), "checkpoint": checkpoint_label, "training": training or {},
        "smoke_check": trust["smoke_check"], "verdict": trust["verdict"],
        "notes": " ".join(recipe.notes.split()) if recipe.notes else None,  # one line
        "metrics": [{"name": k, "higher_is_better": v} for k, v in directions.items()],
        "mask_area_bins": [area_bin_label(lo, hi) for lo, hi in zip(AREA_EDGES, AREA_EDGES[1:])],
        "models": {
            key: {"component": components[key][0], "role": components[key][1],
                  "metrics": result["metrics"], "spread": trust["spread"][key],
                  "by_mask_area": result["by_mask_area"]}
            for key, result in results.items()
        },
    }
    write_report(folder, report)
    return report


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
