"""What the Trainer scores (rank 0): the validation split while training (scores, loss,
the epoch's sample grid, best.pt, early stopping) and the test split at the end. Never
moves an RNG (the caller holds ``checkpoint.rng_untouched``)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch

from . import build, checkpoint
from .data import eval_loader, middle, to_device, to_unit
from .progress import current_epoch
from .scoring import Model, evaluate_models
from .steps import complete
from .report import in_short
from .stopping import training_summary


def validate_main(trainer: Any, count: bool) -> bool:
    """Score the validation split, log it, save its sample grid and best.pt; True when
    early stopping says stop (``count=False``: this validation does not count for it)."""
    built, state, recipe = trainer.built, trainer.state, trainer.recipe
    built.generator.eval()
    samples = SampleCollector.for_dataset(recipe.train.sample_count, built.val_set)
    model = Model("trained", recipe.generator.name, built.generator, built.region,
                  recipe.generator.blend)
    result = evaluate_models([model], built.val_loader, metrics_factory=built.metrics_factory,
                             value_range=built.value_range, device=trainer.device,
                             losses=built.losses, on_batch=samples)["trained"]
    values = dict(result["metrics"])
    if "loss" in result:
        values["loss"] = result["loss"]
    epoch, partial = current_epoch(state), state.batch_in_epoch > 0
    if trainer.baselines is None:
        log_baselines(trainer, epoch)
    # A limit that stops mid-epoch validates the epoch in progress: say so, never "after
    # epoch N" twice (the same words as the end of the previous epoch's validation).
    trainer.files.log({"type": "val", "step": state.step, "epoch": epoch,
                       **({"partial": True} if partial else {}), **values})
    where = (f"at step {state.step} (epoch {epoch}, stopped part-way)" if partial
             else f"after epoch {epoch}")
    trainer.progress.line(f"validation {where}:", values)
    if samples.rows:
        trainer.files.save_samples(epoch, samples.labelled_rows(), state.step, samples.names)
    if built.best is not None and built.best.update(values[built.best.key], state.epoch):
        trainer.save("best")
    if trainer.on_validation is not None:
        trainer.on_validation(epoch, values)
    stopper = built.stopper
    if count and stopper is not None and stopper.update(values[stopper.key], state.epoch):
        trainer.progress.line(f"early stopping: {stopper.key} did not improve "
                              f"({stopper.rule}, patience {stopper.patience})")
        return True
    return False


def log_baselines(trainer: Any, epoch: int) -> None:
    """The recipe's baselines on the validation split, once per process: ``val-baseline``
    records, drawn as flat lines beside the learning curve (loss_curves.png), so a user
    sees when, or whether, training overtakes the classical fills. The baselines, fitted
    where they learn from the train split, stay in ``trainer.baselines`` for the test."""
    from .evaluation import baseline_models

    built, recipe = trainer.built, trainer.recipe
    context = build.context(trainer.registries, trainer.device).of_dataset(built.val_set.base)
    trainer.baselines = models = baseline_models(
        recipe, context, masker=built.val_set.masker, device=trainer.device,
        train_set=built.train_set)
    if not models:
        return
    results = evaluate_models(models, built.val_loader, metrics_factory=built.metrics_factory,
                              value_range=built.value_range, device=trainer.device)
    for key, result in results.items():
        trainer.files.log({"type": "val-baseline", "model": key, "step": trainer.state.step,
                           "epoch": epoch, **result["metrics"]})


def samples_only(trainer: Any) -> None:
    """The epoch's sample grid without a full validation (``val_every`` > 1)."""
    built, count = trainer.built, trainer.recipe.train.sample_count
    loader = eval_loader(built.val_set, batch_size=min(count, built.val_loader.batch_size),
                         num_workers=0, pin_memory=False, limit=count)
    samples = SampleCollector.for_dataset(count, built.val_set)
    built.generator.eval()
    with torch.no_grad():
        for batch in loader:
            batch = to_device(batch, trainer.device)
            samples(batch, {"trained": complete(built.generator, batch, built.region,
                                                     trainer.recipe.generator.blend,
                                                     middle(built.value_range))})
    built.generator.train()
    trainer.files.save_samples(current_epoch(trainer.state), samples.labelled_rows(),
                               trainer.state.step, samples.names)


def test_report(trainer: Any) -> dict[str, Any]:
    """Score the test split with the trained (or best.pt's) generator and the recipe's
    baselines; writes report.json/.md and says the scores on the console."""
    from .evaluation import evaluate

    generator, label = trainer.built.generator, "last"
    best_path = trainer.folder / "checkpoints" / "best.pt"
    if trainer.built.evaluate_best and best_path.exists():
        generator.load_state_dict(checkpoint.load(best_path)["networks"]["generator"])
        label = "best"
    state = trainer.state
    summary = training_summary(trainer.recipe.train, step=state.step, epoch=state.epoch,
                               seconds=state.elapsed_s, images=state.images_seen,
                               stopped_by=state.stopped_by, epoch_steps=trainer.steps_per_epoch,
                               folder=trainer.folder, steady=(state.steady_images, state.steady_s))
    with checkpoint.rng_untouched(trainer.device):
        report = evaluate(trainer.recipe, generator, folder=trainer.folder,
                          device=trainer.device, registries=trainer.registries,
                          checkpoint_label=label, training=summary,
                          train_set=trainer.built.train_set, baselines=trainer.baselines)
    for key, entry in report["models"].items():
        trainer.progress.line(f"test {key}:", entry["metrics"])
    for entry in report["verdict"]:  # the story in words, as report.md opens with it
        trainer.progress.line(f"verdict: {entry['sentence']}")
    if report["verdict"]:
        trainer.progress.line(in_short(report["verdict"]))
    if report["smoke_check"]:
        trainer.progress.line(f"(smoke check: {report['images']} test images)")
    if report["notes"]:
        trainer.progress.line(f"from the recipe: {report['notes']}")
    trainer.progress.line(f"report: {trainer.folder / 'report.md'}")
    cap = report["training"].get("note")
    if cap:  # said last, where it is seen: these scores are not the full recipe's
        trainer.progress.line(f"note: {cap}; to train fully: "
                              f"{report['training']['how_to_lift']}")
    return report


class SampleCollector:
    """Keeps the first ``count`` validation items: real, generator input, output, names.

    ``preview`` maps a batch's generator input to an image in the dataset's value range
    (a dataset's ``input_preview``: e.g. pix2pix's one-hot labels as a label map)."""

    def __init__(self, count: int, value_range, *, preview: Optional[Callable] = None,
                 input_name: Optional[str] = None) -> None:
        self.count, self.value_range = count, value_range
        self.preview, self.input_name = preview, input_name
        self.rows: list[list[torch.Tensor]] = []
        self.names: list[str] = []
        self.kept = 0
        self.whole_image = True  # every mask covers the image: a translation task

    @classmethod
    def for_dataset(cls, count: int, dataset: Any) -> "SampleCollector":
        base = getattr(dataset, "base", dataset)
        return cls(count, dataset.value_range, preview=getattr(base, "input_preview", None),
                   input_name=getattr(base, "input_name", None))

    def __call__(self, batch: dict[str, Any], outputs: dict[str, torch.Tensor]) -> None:
        if self.kept >= self.count:
            return
        take = min(self.count - self.kept, batch["image"].shape[0])
        shown = batch["input"][:take]
        if self.preview is not None:
            shown = self.preview(shown)
        parts = [batch["image"][:take], shown, outputs["trained"][:take]]
        self.rows.append([to_unit(p.float(), self.value_range).cpu() for p in parts])
        self.names += [str(n) for n in batch.get("name", [])[:take]]
        self.whole_image &= bool((batch["mask"][:take] > 0.5).all())
        self.kept += take

    def grid_rows(self) -> list[torch.Tensor]:
        return [torch.cat([r[i] for r in self.rows]) for i in range(3)]

    def labelled_rows(self) -> list[tuple[str, torch.Tensor]]:
        """real / masked input / output; for a translation task (no hole: the whole image
        is generated) the input comes first: segmentation / target / output."""
        real, shown, output = self.grid_rows()
        if self.whole_image:
            return [(self.input_name or "input", shown), ("target", real), ("output", output)]
        return [("real", real), (self.input_name or "masked input", shown), ("output", output)]
