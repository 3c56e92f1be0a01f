"""The training loop: epochs, logging, validation, checkpoints, limits, final report."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Optional

import torch

from . import checkpoint, distributed
from .data import eval_loader, to_device, to_unit
from .evaluate import Model, evaluate_models
from .session import Session
from .steps import complete


class _Window:
    """Losses summed on the device between two logging steps (no per-step host sync)."""

    def __init__(self) -> None:
        self.sums: dict[str, torch.Tensor] = {}
        self.steps = self.images = 0
        self.start = time.perf_counter()

    def add(self, losses: dict[str, torch.Tensor], images: int) -> None:
        for key, value in losses.items():
            self.sums[key] = self.sums[key] + value if key in self.sums else value.float()
        self.steps += 1
        self.images += images

    def means(self) -> dict[str, float]:
        if not self.sums:
            return {}
        keys = list(self.sums)
        values = torch.stack([self.sums[k] for k in keys]).cpu().tolist()  # the one sync
        return {k: v / self.steps for k, v in zip(keys, values)}


class Runner(Session):
    """A Session that trains, validates and evaluates."""

    _curves_at = float("-inf")

    def train(self) -> None:
        train = self.recipe.train
        self._curves_at = time.monotonic()
        while not self.stopped_early and not self._limit_reached() \
                and self.epoch < train.max_epochs:
            limited = self.train_epoch()
            if limited:
                break
            self.epoch, self.batch_in_epoch = self.epoch + 1, 0
            for scheduler in self.schedulers.values():
                scheduler.step()
            if self.epoch % train.val_every == 0 or self.epoch == train.max_epochs:
                self.validate()
            elif self.dist.is_main:
                self._samples_only()
            self.save("last")
        if self.step > 0 and self.last_val_step != self.step:
            self.validate(count=False)  # stopped by a limit mid-way: validate what we have
            self.save("last")
        if self.dist.is_main:
            self.files.save_loss_curves()
        if self.dist.is_main and self.elapsed_s > 0:
            self.progress.line(f"training: {self.step} steps, "
                               f"{self.images_seen / self.elapsed_s:.1f} images/s")

    def _limit_reached(self, elapsed: float = 0.0) -> bool:
        train = self.recipe.train
        if train.max_steps is not None and self.step >= train.max_steps:
            return True
        return train.max_minutes is not None and \
            (self.elapsed_s + elapsed) >= train.max_minutes * 60.0

    def train_epoch(self) -> bool:
        """One (possibly resumed) epoch; True if a step or time limit stopped it."""
        train, loader = self.recipe.train, self.train_loader
        loader.sampler.set_epoch(self.epoch)
        loader.sampler.skip = self.batch_in_epoch * loader.batch_size
        for module in self.networks.values():
            module.train()
        self.progress.start_epoch(self.epoch, train.max_epochs, len(loader))
        start = time.perf_counter()
        try:
            limited = self._epoch_steps(loader, start)
        finally:
            self.progress.end_epoch()
        self.elapsed_s += time.perf_counter() - start
        return limited

    def _epoch_steps(self, loader, start: float) -> bool:
        train, world = self.recipe.train, self.dist.world
        window, limited = _Window(), False
        for batch in loader:
            images = batch["image"].shape[0] * world
            losses = self.stepper.step(to_device(batch, self.device))
            window.add(losses, images)
            self.step += 1
            self.batch_in_epoch += 1
            self.progress.advance()
            if self.step % train.log_every == 0:
                self._log(window)
                window = _Window()
                elapsed = time.perf_counter() - start
                limited = distributed.any_rank(self._limit_reached(elapsed), self.dist, self.device)
            elif train.max_steps is not None and self.step >= train.max_steps:
                limited = True  # the same on every rank: no sync needed
            if limited:
                break
        if window.steps:
            self._log(window)
        return limited

    def _log(self, window: _Window) -> None:
        means = window.means()
        seconds = max(time.perf_counter() - window.start, 1e-9)
        self.images_seen += window.images
        if not self.dist.is_main:
            return
        rate = window.images / seconds
        record = {"type": "train", "step": self.step, "epoch": self.epoch,
                  **{f"loss/{k}": v for k, v in means.items()}, "images_per_s": rate}
        record["lr"] = self.optimizers["generator"].param_groups[0]["lr"]
        self.files.log(record)
        self.progress.losses(self.step, means, rate)

    # ---------------------------------------------------------------- validation
    def validate(self, count: bool = True) -> None:
        """Validate (rank 0); ``count=False``: not an epoch-end validation, so it does
        not count for early stopping (a resumed run then stops where an uninterrupted one
        would)."""
        self.last_val_step = self.step
        stop = False
        if self.dist.is_main:
            stop = self._validate_main(count)
        self.stopped_early = bool(distributed.from_main(stop, self.dist))
        for module in self.networks.values():
            module.train()

    def _validate_main(self, count: bool) -> bool:
        self.g_raw.eval()
        samples = _SampleCollector(self.recipe.train.sample_count, self.value_range)
        model = Model("trained", self.recipe.generator.name, self.g_raw, self.region)
        result = evaluate_models([model], self.val_loader, metrics_factory=self.metrics_factory,
                                 value_range=self.value_range, device=self.device,
                                 losses=self.losses, on_batch=samples)["trained"]
        values = dict(result["metrics"])
        if "loss" in result:
            values["loss"] = result["loss"]
        self.files.log({"type": "val", "step": self.step, "epoch": self.epoch, **values})
        self.progress.line(f"validation after epoch {self.epoch}:", values)
        if samples.rows:
            self.files.save_samples(self.epoch, samples.grid_rows(), self.step)
        now = time.monotonic()
        if now - self._curves_at >= 60.0:  # plotting costs ~0.3 s: at most once a minute
            self.files.save_loss_curves()
            self._curves_at = now
        if self.best is not None and self.best.update(values[self.best.key], self.epoch):
            self.save("best")
        if count and self.stopper is not None and self.stopper.update(values[self.stopper.key], self.epoch):
            self.progress.line(f"early stopping: {self.stopper.key} did not improve "
                               f"({self.stopper.rule}, patience {self.stopper.patience})")
            return True
        return False

    def _samples_only(self) -> None:
        """The epoch's sample grid without a full validation (val_every > 1)."""
        count = self.recipe.train.sample_count
        loader = eval_loader(self.val_set, batch_size=min(count, self.val_loader.batch_size),
                             num_workers=0, pin_memory=False, limit=count)
        samples = _SampleCollector(count, self.value_range)
        self.g_raw.eval()
        with torch.no_grad():
            for batch in loader:
                batch = to_device(batch, self.device)
                samples(batch, {"trained": complete(self.g_raw, batch, self.region)})
        self.g_raw.train()
        self.files.save_samples(self.epoch, samples.grid_rows(), self.step)

    # ---------------------------------------------------------------- the end
    def finish(self) -> Optional[dict[str, Any]]:
        report = None
        if self.dist.is_main:
            from .final import evaluate

            label = "last"
            best_path = self.folder / "checkpoints" / "best.pt"
            if self.evaluate_best and best_path.exists():
                self.g_raw.load_state_dict(checkpoint.load(best_path)["networks"]["generator"])
                label = "best"
            rate = self.images_seen / self.elapsed_s if self.elapsed_s > 0 else None
            training = {"steps": self.step, "epochs": self.epoch, "seconds": self.elapsed_s,
                        "train_images_per_s": rate, "stopped_early": self.stopped_early}
            report = evaluate(self.recipe, self.g_raw, folder=self.folder, device=self.device,
                              registries=self.registries, checkpoint_label=label,
                              training=training, train_set=self.train_set)
            for key, entry in report["models"].items():
                self.progress.line(f"test {key}:", entry["metrics"])
            self.progress.line(f"report: {self.folder / 'report.md'}")
        distributed.barrier(self.dist)
        return report


class _SampleCollector:
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


def run(recipe, *, out_dir=None, device=None, resume=False, force=False,
        registries=None) -> Path:
    runner = Runner(recipe, out_dir=out_dir, device=device, resume=resume, force=force,
                    registries=registries)
    try:
        runner.setup()
        runner.train()
        runner.finish()
    finally:
        runner.close()
    return runner.folder
