"""What the Trainer scores (rank 0): the validation split while training (scores, loss,
the epoch's sample grid, best.pt, early stopping) and the test split at the end. Never
moves an RNG (the caller holds ``checkpoint.rng_untouched``). Each function takes what it
needs and returns what it found; the Trainer decides what follows (best.pt, stopping)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import torch

from ..recipe import Recipe
from . import build, checkpoint
from .data import eval_loader, middle, to_device, to_unit
from .outputs import RunFiles
from .progress import Progress, current_epoch
from .scoring import Model, evaluate_models
from .steps import complete
from .report import in_short
from .report_samples import content_in_hole, entering, rank
from .state import Components, TrainState
from .stopping import training_summary


@dataclass
class Validation:
    """What one validation found (:func:`validate_main`)."""
    values: dict[str, float]  # metric -> value, and "loss" where the recipe has losses
    epoch: int  # counted from 1, as the console says it
    new_best: bool  # best.pt should now hold these weights
    stop: bool  # early stopping says stop
    baselines: list  # the recipe's baselines, fitted (built at the first validation)
    shown: list[int]  # the split's items in the sample grid (a grid alone shows them again)


def validate_main(built: Components, recipe: Recipe, *, state: TrainState, device: str,
                  registries: Any, baselines: Optional[list], files: RunFiles,
                  progress: Progress, count: bool) -> Validation:
    """Score the validation split, log it and save its sample grid (and, the first time,
    build and log the baselines). ``count=False``: this validation does not count for
    early stopping. Writing best.pt is the caller's, when ``new_best`` says so."""
    built.generator.eval()
    samples = SampleCollector.for_dataset(recipe.train.sample_count, built.val_set)
    model = Model("trained", recipe.generator.name, built.generator, built.region,
                  recipe.generator.blend)
    result = evaluate_models([model], built.val_loader, metrics_factory=built.metrics_factory,
                             value_range=built.value_range, device=device,
                             losses=built.losses, on_batch=samples)["trained"]
    values = dict(result["metrics"])
    if "loss" in result:
        values["loss"] = result["loss"]
    epoch, partial = current_epoch(state), state.batch_in_epoch > 0
    if baselines is None:
        baselines = fit_baselines(built, recipe, device=device, registries=registries)
        for key, metrics in score_baselines(baselines, built, device).items():
            files.log({"type": "val-baseline", "model": key, "step": state.step,
                       "epoch": epoch, **metrics})
    # A limit that stops mid-epoch validates the epoch in progress: say so, never "after
    # epoch N" twice (the same words as the end of the previous epoch's validation).
    files.log({"type": "val", "step": state.step, "epoch": epoch,
               **({"partial": True} if partial else {}), **values})
    where = (f"at step {state.step} (epoch {epoch}, stopped part-way)" if partial
             else f"after epoch {epoch}")
    progress.line(f"validation {where}:", values)
    if samples.rows:
        files.save_samples(epoch, samples.labelled_rows(), state.step, samples.names)
    new_best = built.best is not None and built.best.update(values[built.best.key], state.epoch)
    stopper = built.stopper
    stop = count and stopper is not None and stopper.update(values[stopper.key], state.epoch)
    if stop:
        progress.line(f"early stopping: {stopper.key} did not improve "
                      f"({stopper.rule}, patience {stopper.patience})")
    return Validation(values, epoch, bool(new_best), bool(stop), baselines, samples.positions)


def fit_baselines(built: Components, recipe: Recipe, *, device: str, registries: Any) -> list:
    """The recipe's baselines, built once per process and fitted where they learn from
    the train split; validation draws them as flat lines beside the learning curve
    (``val-baseline`` records, loss_curves.png), so a user sees when, or whether,
    training overtakes the classical fills, and the test report scores them again."""
    from .evaluation import baseline_models

    context = build.context(registries, device).of_dataset(built.val_set.base)
    return baseline_models(recipe, context, masker=built.val_set.masker, device=device,
                           train_set=built.train_set)


def score_baselines(models: list, built: Components, device: str) -> dict[str, dict]:
    """Each baseline's validation metrics, by its report key."""
    if not models:
        return {}
    results = evaluate_models(models, built.val_loader, metrics_factory=built.metrics_factory,
                              value_range=built.value_range, device=device)
    return {key: result["metrics"] for key, result in results.items()}


def samples_only(built: Components, recipe: Recipe, *, state: TrainState, device: str,
                 files: RunFiles, shown: Optional[list[int]] = None) -> None:
    """The epoch's sample grid without a full validation (``val_every`` > 1): the items
    the last validation's grid showed (``shown``), else the split's first ones."""
    count = recipe.train.sample_count
    loader = eval_loader(built.val_set, batch_size=min(count, built.val_loader.batch_size),
                         num_workers=0, pin_memory=False, limit=count, items=shown)
    samples = SampleCollector.for_dataset(count, built.val_set)
    built.generator.eval()
    with torch.no_grad():
        for batch in loader:
            batch = to_device(batch, device)
            samples(batch, {"trained": complete(built.generator, batch, built.region,
                                                recipe.generator.blend,
                                                middle(built.value_range))})
    built.generator.train()
    files.save_samples(current_epoch(state), samples.labelled_rows(), state.step, samples.names)


def test_report(built: Components, recipe: Recipe, *, state: TrainState, folder: Path,
                device: str, registries: Any, baselines: Optional[list],
                epoch_steps: int, progress: Progress) -> dict[str, Any]:
    """Score the test split with the trained (or best.pt's) generator and the recipe's
    baselines; writes report.json/.md and says the scores on the console."""
    from .evaluation import evaluate

    generator, label = built.generator, "last"
    best_path = folder / "checkpoints" / "best.pt"
    if built.evaluate_best and best_path.exists():
        generator.load_state_dict(checkpoint.load(best_path)["networks"]["generator"])
        label = "best"
    summary = training_summary(recipe.train, step=state.step, epoch=state.epoch,
                               seconds=state.elapsed_s, images=state.images_seen,
                               stopped_by=state.stopped_by, epoch_steps=epoch_steps,
                               folder=folder, steady=(state.steady_images, state.steady_s))
    with checkpoint.rng_untouched(device):
        report = evaluate(recipe, generator, folder=folder, device=device,
                          registries=registries, checkpoint_label=label, training=summary,
                          train_set=built.train_set, baselines=baselines)
    say_report(report, folder, progress)
    return report


def say_report(report: dict[str, Any], folder: Path, progress: Progress) -> None:
    """The test scores and verdict on the console, as report.md opens with them."""
    for key, entry in report["models"].items():
        progress.line(f"test {key}:", entry["metrics"])
    for entry in report["verdict"]:
        progress.line(f"verdict: {entry['sentence']}")
    if report["verdict"]:
        progress.line(in_short(report["verdict"]))
    if report["smoke_check"]:
        progress.line(f"(smoke check: {report['images']} test images)")
    if report["notes"]:
        progress.line(f"from the recipe: {report['notes']}")
    progress.line(f"report: {folder / 'report.md'}")
    cap = report["training"].get("note")
    if cap:  # said last, where it is seen: these scores are not the full recipe's
        progress.line(f"note: {cap}; to train fully: {report['training']['how_to_lift']}")


class SampleCollector:
    """Keeps the ``count`` validation items that show the model at work: ranked by how much
    there is to fill (:func:`~.report_samples.content_in_hole`: the hole's share times the
    spread of the real pixels under it; ties go to the earlier item), shown in the split's
    order. Each item keeps real, generator input, output and its name; ``positions`` are
    the kept items' indices in the split (what a grid without validation shows again).

    ``preview`` maps a batch's generator input to an image in the dataset's value range
    (a dataset's ``input_preview``: e.g. pix2pix's one-hot labels as a label map)."""

    def __init__(self, count: int, value_range, *, preview: Optional[Callable] = None,
                 input_name: Optional[str] = None) -> None:
        self.count, self.value_range = count, value_range
        self.preview, self.input_name = preview, input_name
        self.kept: list[tuple[float, int, str, list[torch.Tensor]]] = []  # score, index...
        self.seen = 0
        self.whole_image = True  # every mask covers the image: a translation task

    @classmethod
    def for_dataset(cls, count: int, dataset: Any) -> "SampleCollector":
        base = getattr(dataset, "base", dataset)
        return cls(count, dataset.value_range, preview=getattr(base, "input_preview", None),
                   input_name=getattr(base, "input_name", None))

    def __call__(self, batch: dict[str, Any], outputs: dict[str, torch.Tensor]) -> None:
        if self.count <= 0:
            return
        real = to_unit(batch["image"].float(), self.value_range)
        scores = content_in_hole(real, batch["mask"]).tolist()  # one sync per batch
        # Only items that enter the grid are previewed and copied to the host.
        items = entering(self.kept, scores, self.seen, self.count)
        if items:
            shown = batch["input"][items]
            shown = shown if self.preview is None else self.preview(shown)
            parts = [real[items].cpu()] + [to_unit(p.float(), self.value_range).cpu()
                                           for p in (shown, outputs["trained"][items])]
            names = [str(n) for n in batch.get("name", [])] or [""] * len(scores)
            for row, item in enumerate(items):
                self.kept.append((scores[item], self.seen + item, names[item],
                                  [p[row] for p in parts]))
            self.kept = sorted(self.kept, key=rank)[:self.count]
        self.whole_image &= bool((batch["mask"] > 0.5).all())
        self.seen += len(scores)

    @property
    def shown(self) -> list[tuple[float, int, str, list[torch.Tensor]]]:
        return sorted(self.kept, key=lambda e: e[1])  # the split's order

    @property
    def rows(self) -> list[list[torch.Tensor]]:
        return [entry[3] for entry in self.shown]

    @property
    def names(self) -> list[str]:
        return [entry[2] for entry in self.shown if entry[2]]

    @property
    def positions(self) -> list[int]:
        return [entry[1] for entry in self.shown]

    def grid_rows(self) -> list[torch.Tensor]:
        return [torch.stack([r[i] for r in self.rows]) for i in range(3)]

    def labelled_rows(self) -> list[tuple[str, torch.Tensor]]:
        """real / masked input / output; for a translation task (no hole: the whole image
        is generated) the input comes first: segmentation / target / output."""
        real, shown, output = self.grid_rows()
        if self.whole_image:
            return [(self.input_name or "input", shown), ("target", real), ("output", output)]
        return [("real", real), (self.input_name or "masked input", shown), ("output", output)]
