"""The training loop: epochs, logging, validation, checkpoints, limits, final report.

Resuming is exact: ``last.pt`` is written at epoch ends and, every
``train.checkpoint_every_minutes`` (or ``_steps``), at a logging step mid-epoch (where no
losses are waiting to be logged); validation and test evaluation never move an RNG.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Optional

import torch

from . import checkpoint, distributed
from .data import eval_loader, to_device, to_unit
from .scoring import Model, evaluate_models
from .progress import LossWindow
from .session import Session
from .steps import complete
from .stopping import rescue, stop_reason, training_summary


class Runner(Session):
    """A Session that trains, validates and evaluates."""

    _curves_at = float("-inf")
    _clock: Optional[float] = None  # perf_counter() since which epoch time is not yet counted
    _window: Optional[LossWindow] = None
    in_step = finishing = False  # see stopping.rescue
    phase = "setup"
    stopped_by: Optional[str] = None

    def train(self) -> None:
        train = self.recipe.train
        self._curves_at = self._saved_at = time.monotonic()
        self.steps_per_epoch = self._full_epoch_length()
        if self.epoch_end_pending:  # it failed last time, after the epoch's training
            self._end_epoch_outputs()
            self.save("last")
        while not self.stopped_early and self.epoch < train.max_epochs and \
                not distributed.any_rank(self._limit_reached(), self.dist, self.device):
            limited = self.train_epoch()
            if limited:
                break
            self.epoch, self.batch_in_epoch = self.epoch + 1, 0
            for scheduler in self.schedulers.values():
                scheduler.step()
            self.epoch_end_pending = True
            self._end_epoch_outputs()
            self.save("last")
        if self.step > 0 and self.last_val_step != self.step:
            self.validate(count=False)  # stopped by a limit mid-way: validate what we have
            self.save("last")
        self.stopped_by = stop_reason(train, epoch=self.epoch, step=self.step,
                                      stopped_early=self.stopped_early)
        if self.dist.is_main:
            self.phase = "plotting loss_curves.png"
            self.files.save_loss_curves()
        if self.dist.is_main and self.elapsed_s > 0:
            self.progress.line(f"training: {self.step} steps, "
                               f"{self.images_seen / self.elapsed_s:.1f} images/s")

    def _end_epoch_outputs(self) -> None:
        """The end of an epoch: validation, or only its sample grid (``val_every``)."""
        train = self.recipe.train
        if self.epoch % train.val_every == 0 or self.epoch == train.max_epochs:
            self.validate()
        elif self.dist.is_main:
            self._samples_only()
        self.epoch_end_pending = False

    def _full_epoch_length(self) -> int:
        """Steps in a whole epoch (the loader's length counts only the batches left)."""
        sampler = self.train_loader.sampler
        skip, sampler.skip = sampler.skip, 0
        length, sampler.skip = len(self.train_loader), skip
        return length

    def _limit_reached(self, elapsed: float = 0.0) -> bool:
        train = self.recipe.train
        if train.max_steps is not None and self.step >= train.max_steps:
            return True
        return train.max_minutes is not None and \
            (self.elapsed_s + elapsed) >= train.max_minutes * 60.0

    def _fold_clock(self) -> None:
        """Add the epoch time so far to ``elapsed_s`` (before a checkpoint stores it)."""
        if self._clock is not None:
            now = time.perf_counter()
            self.elapsed_s += now - self._clock
            self._clock = now

    def save(self, which: str) -> None:
        self._fold_clock()
        phase, self.phase = self.phase, f"writing checkpoints/{which}.pt"
        super().save(which)
        self.phase = phase
        if which == "last":
            self._saved_at = time.monotonic()

    def train_epoch(self) -> bool:
        """One (possibly resumed) epoch; True if a step or time limit stopped it mid-way."""
        train, loader = self.recipe.train, self.train_loader
        loader.sampler.set_epoch(self.epoch)
        loader.sampler.skip = self.batch_in_epoch * loader.batch_size
        for module in self.networks.values():
            module.train()
        self.progress.start_epoch(self.epoch, train.max_epochs, len(loader))
        self._clock = time.perf_counter()
        try:
            return self._epoch_steps(loader)
        finally:
            self.progress.end_epoch()
            self._fold_clock()
            self._clock = None

    def _epoch_steps(self, loader) -> bool:
        train, world = self.recipe.train, self.dist.world
        self._window, limited = LossWindow(), False
        self.phase = f"training (epoch {self.epoch + 1})"
        for batch in loader:
            images = batch["image"].shape[0] * world
            self.in_step = True  # a failure in here leaves the networks half-updated
            losses = self.stepper.step(to_device(batch, self.device))
            self.in_step = False
            self._window.add(losses, images)
            self.step += 1
            self.batch_in_epoch += 1
            self.progress.advance()
            more = self.batch_in_epoch < self.steps_per_epoch  # the last batch ends the epoch
            if self.step % train.log_every == 0:
                self._log(self._window)
                self._window = LossWindow()
                elapsed = time.perf_counter() - self._clock
                limited = distributed.any_rank(self._limit_reached(elapsed), self.dist, self.device)
                if more and not limited and self._checkpoint_due():
                    self.save("last")  # mid-epoch: nothing is waiting to be logged
            elif train.max_steps is not None and self.step >= train.max_steps:
                limited = True  # the same on every rank: no sync needed
            if limited and more:
                break
        if self._window.steps:
            self._log(self._window)
            self._window = LossWindow()
        return limited and self.batch_in_epoch < self.steps_per_epoch

    def _checkpoint_due(self) -> bool:
        train = self.recipe.train
        if train.checkpoint_every_steps is not None and \
                self.step - (self.saved_step or 0) >= train.checkpoint_every_steps:
            return True
        minutes = train.checkpoint_every_minutes
        # Rank 0 alone saves, so its clock alone decides.
        return minutes is not None and time.monotonic() - self._saved_at >= minutes * 60.0

    def flush_losses(self) -> None:
        """Log the losses of steps not logged yet (before an unplanned checkpoint)."""
        if self._window is not None and self._window.steps:
            self._log(self._window)
            self._window = LossWindow()

    def _log(self, window: LossWindow) -> None:
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
        would). Done under ``rng_untouched``: it never changes the training that follows."""
        stop, self.phase = False, f"validation at step {self.step}"
        if self.dist.is_main:
            with checkpoint.rng_untouched(self.device):
                stop = self._validate_main(count)
        self.stopped_early = bool(distributed.from_main(stop, self.dist))
        self.last_val_step = self.step  # only once done: a failed one is redone on resume
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
        self.phase = f"sample grid after epoch {self.epoch}"
        count = self.recipe.train.sample_count
        loader = eval_loader(self.val_set, batch_size=min(count, self.val_loader.batch_size),
                             num_workers=0, pin_memory=False, limit=count)
        samples = _SampleCollector(count, self.value_range)
        self.g_raw.eval()
        with torch.no_grad(), checkpoint.rng_untouched(self.device):
            for batch in loader:
                batch = to_device(batch, self.device)
                samples(batch, {"trained": complete(self.g_raw, batch, self.region)})
        self.g_raw.train()
        self.files.save_samples(self.epoch, samples.grid_rows(), self.step)

    # ---------------------------------------------------------------- the end
    def finish(self) -> Optional[dict[str, Any]]:
        report = None
        self.phase, self.finishing = "test evaluation", True  # g_raw may become best.pt's
        if self.dist.is_main:
            from .evaluation import evaluate

            label = "last"
            best_path = self.folder / "checkpoints" / "best.pt"
            if self.evaluate_best and best_path.exists():
                self.g_raw.load_state_dict(checkpoint.load(best_path)["networks"]["generator"])
                label = "best"
            with checkpoint.rng_untouched(self.device):
                report = evaluate(self.recipe, self.g_raw, folder=self.folder,
                                  device=self.device, registries=self.registries,
                                  checkpoint_label=label, training=self._summary(),
                                  train_set=self.train_set)
            for key, entry in report["models"].items():
                self.progress.line(f"test {key}:", entry["metrics"])
            self.progress.line(f"report: {self.folder / 'report.md'}")
            cap = report["training"].get("note")
            if cap:  # said last, where it is seen: these scores are not the full recipe's
                self.progress.line(f"note: {cap}; to train fully: "
                                   f"{report['training']['how_to_lift']}")
        distributed.barrier(self.dist)
        return report

    def _summary(self) -> dict[str, Any]:
        return training_summary(self.recipe.train, step=self.step, epoch=self.epoch,
                                seconds=self.elapsed_s, images=self.images_seen,
                                stopped_by=self.stopped_by, epoch_steps=self.steps_per_epoch,
                                folder=self.folder)


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
        try:
            runner.train()
            runner.finish()
        except (Exception, KeyboardInterrupt) as error:
            rescue(runner, error)
    finally:
        runner.close()
    return runner.folder
