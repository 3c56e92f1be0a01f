"""What the Trainer scores (rank 0): the validation split while training (scores, loss,
the epoch's sample grid, best.pt, early stopping) and the test split at the end. Never
moves an RNG (the caller holds ``checkpoint.rng_untouched``)."""
from __future__ import annotations

from typing import Any

import torch

from . import checkpoint
from .data import eval_loader, to_device, to_unit
from .scoring import Model, evaluate_models
from .steps import complete
from .stopping import training_summary


def validate_main(trainer: Any, count: bool) -> bool:
    """Score the validation split, log it, save its sample grid and best.pt; True when
    early stopping says stop (``count=False``: this validation does not count for it)."""
    built, state, recipe = trainer.built, trainer.state, trainer.recipe
    built.generator.eval()
    samples = SampleCollector(recipe.train.sample_count, built.value_range)
    model = Model("trained", recipe.generator.name, built.generator, built.region)
    result = evaluate_models([model], built.val_loader, metrics_factory=built.metrics_factory,
                             value_range=built.value_range, device=trainer.device,
                             losses=built.losses, on_batch=samples)["trained"]
    values = dict(result["metrics"])
    if "loss" in result:
        values["loss"] = result["loss"]
    trainer.files.log({"type": "val", "step": state.step, "epoch": state.epoch, **values})
    trainer.progress.line(f"validation after epoch {state.epoch}:", values)
    if samples.rows:
        trainer.files.save_samples(state.epoch, samples.grid_rows(), state.step)
    if built.best is not None and built.best.update(values[built.best.key], state.epoch):
        trainer.save("best")
    stopper = built.stopper
    if count and stopper is not None and stopper.update(values[stopper.key], state.epoch):
        trainer.progress.line(f"early stopping: {stopper.key} did not improve "
                              f"({stopper.rule}, patience {stopper.patience})")
        return True
    return False


def samples_only(trainer: Any) -> None:
    """The epoch's sample grid without a full validation (``val_every`` > 1)."""
    built, count = trainer.built, trainer.recipe.train.sample_count
    loader = eval_loader(built.val_set, batch_size=min(count, built.val_loader.batch_size),
                         num_workers=0, pin_memory=False, limit=count)
    samples = SampleCollector(count, built.value_range)
    built.generator.eval()
    with torch.no_grad():
        for batch in loader:
            batch = to_device(batch, trainer.device)
            samples(batch, {"trained": complete(built.generator, batch, built.region)})
    built.generator.train()
    trainer.files.save_samples(trainer.state.epoch, samples.grid_rows(), trainer.state.step)


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
                               stopped_by=state.stopped_by,
                               epoch_steps=trainer.steps_per_epoch, folder=trainer.folder)
    with checkpoint.rng_untouched(trainer.device):
        report = evaluate(trainer.recipe, generator, folder=trainer.folder,
                          device=trainer.device, registries=trainer.registries,
                          checkpoint_label=label, training=summary,
                          train_set=trainer.built.train_set)
    for key, entry in report["models"].items():
        trainer.progress.line(f"test {key}:", entry["metrics"])
    trainer.progress.line(f"report: {trainer.folder / 'report.md'}")
    cap = report["training"].get("note")
    if cap:  # said last, where it is seen: these scores are not the full recipe's
        trainer.progress.line(f"note: {cap}; to train fully: "
                              f"{report['training']['how_to_lift']}")
    return report


class SampleCollector:
    """Keeps the first ``count`` validation items: real, generator input, output."""

    def __init__(self, count: int, value_range) -> None:
        self.count, self.value_range = count, value_range
        self.rows: list[list[torch.Tensor]] = []
        self.kept = 0

    def __call__(self, batch: dict[str, Any], outputs: dict[str, torch.Tensor]) -> None:
        if self.kept >= self.count:
            return
        take = min(self.count - self.kept, batch["image"].shape[0])
        parts = [batch["image"][:take], batch["input"][:take], outputs["trained"][:take]]
        self.rows.append([to_unit(p.float(), self.value_range).cpu() for p in parts])
        self.kept += take

    def grid_rows(self) -> list[torch.Tensor]:
        return [torch.cat([r[i] for r in self.rows]) for i in range(3)]
