"""The Trainer: builds a run's ``Components``, trains them epoch by epoch (logging,
validation, checkpoints, limits, stop signals), evaluates the test split, writes the report.
Resuming is exact: ``last.pt`` is written at epoch ends, at a logging step mid-epoch when
one is due, and on a stop signal; validation and test evaluation never move an RNG."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Optional

from ..config import recipe_hash, recipe_to_yaml
from ..plugins import resolve_registries
from ..recipe import Recipe
from . import (blame, build, checkpoint, distributed, preempt, preflight, resume, schedule,
               spec)
from .data import full_epoch_length, to_device
from .outputs import RunFiles, write_atomic, write_dataset_report
from .progress import LossWindow, Progress, train_record, trained_line
from .failure import RunAtFailure, failure_line
from .state import Components, TrainState
from .stopping import stop_reason
from .validation import samples_only, test_report, validate_main


class Trainer:
    """One training run of ``recipe`` in ``folder``: ``setup()``, ``train()``, ``finish()``,
    ``close()`` (:func:`corefill.engine.run`); ``state``: counters, ``built``: components."""

    def __init__(self, recipe: Recipe, *, out_dir=None, device: Optional[str] = None,
                 resume: bool = False, force: bool = False, registries=None,
                 on_validation: Optional[Callable[[int, dict], None]] = None) -> None:
        self.recipe, self.registries = recipe, resolve_registries(registries)
        self.resume, self.force, self.on_validation = resume, force, on_validation
        self.folder = Path(out_dir if out_dir is not None
                           else recipe.output_dir.format(name=recipe.name))
        self.dist = distributed.from_env()
        self.device = distributed.resolve_device(device or recipe.device, self.dist)
        self._started_group = distributed.init(self.dist, self.device)
        self.progress = Progress(enabled=self.dist.is_main)
        self.files: Optional[RunFiles] = None
        self.recipe_yaml, self.recipe_hash = recipe_to_yaml(recipe), recipe_hash(recipe)
        self.versions = checkpoint.versions([self.registries.get(kind, ref.name).source
                                             for _, kind, ref in recipe.component_refs()])
        self.state = TrainState()
        self.built: Optional[Components] = None
        self.saved_step: Optional[int] = None  # step of the last.pt on disk (None: none)
        self.phase, self.in_step, self.finishing = "setup", False, False  # see keep_work()
        self.steps_per_epoch = 0  # batches in a whole epoch, known once built
        self.suspects: list = []  # (network or loss, its label): who a failure names
        self._warm = False  # a first logging window was timed (the warm-up, left out)
        self._window: Optional[LossWindow] = None
        self._clock: Optional[float] = None  # perf_counter() since which time is uncounted
        self._saved_at = float("-inf")  # monotonic() when last.pt was last written
        self._data_spec: Any = None  # taken at the first checkpoint, then kept
        self.baselines: Optional[list[Any]] = None  # fitted at the first validation
        self.shown: Optional[list[int]] = None  # val items in the last validation's grid

    # ---------------------------------------------------------------- setup
    def setup(self) -> None:
        self.resume = distributed.from_main(  # --resume auto: rank 0 decides
            checkpoint.resolve_resume(self.folder, self.resume), self.dist)
        checkpoint.check_folder(self.folder, self.resume, self.force)  # before any building
        built = self.built = build.components(
            self.recipe, build.context(self.registries, self.device), dist=self.dist,
            device=self.device)
        preflight.check(built, self.recipe, self.device)  # a broken component: one line
        self.suspects = blame.suspects(built.networks, built.losses, self.registries, built.labels)
        self.steps_per_epoch = full_epoch_length(self.built.train_loader)
        rng = self._open_folder()
        if self.dist.is_main:
            write_dataset_report(self.built.train_set.base, self.folder)
        if rng is not None:  # last: nothing built above may move it
            checkpoint.set_rng_state(rng)

    def _open_folder(self) -> Optional[dict[str, Any]]:
        """Restore last.pt when resuming (returns its RNG state), open the run files."""
        offset, rng = None, None
        if self.resume:  # last.pt, or the previous one where last.pt is damaged
            offset, rng = resume.from_folder(self.folder, self.progress.line, built=self.built,
                                             state=self.state, recipe_hash=self.recipe_hash,
                                             recipe_yaml=self.recipe_yaml, force=self.force)
            self.saved_step = self.state.step
        if self.dist.is_main:
            if not self.resume:  # starting over: an old best.pt must not outlive its run
                checkpoint.remove_all(self.folder)
            self.files = RunFiles(self.folder, tensorboard=self.recipe.train.tensorboard)
            write_atomic(self.folder / "recipe.yaml", self.recipe_yaml)
            self.files.open_log(offset)
        return rng

    # ---------------------------------------------------------------- checkpoints
    def checkpoint_state(self) -> dict[str, Any]:
        return {"format": checkpoint.FORMAT, **self.state.state_dict(),
                **self.built.state_dict(), "rng": checkpoint.rng_state(),
                "log_offset": self.files.log_offset() if self.files else 0,
                "recipe_yaml": self.recipe_yaml, "recipe_hash": self.recipe_hash,
                "versions": self.versions, "data_spec": self.data_spec()}  # for inpaint

    def data_spec(self) -> Any:
        """The model's data spec, derived once: reading an item again at every save is waste."""
        if self._data_spec is None:
            self._data_spec = spec.of_run(self.built, self.recipe) or {}
        return self._data_spec or None

    def save(self, which: str) -> None:
        self._fold_clock()
        phase, self.phase = self.phase, f"writing checkpoints/{which}.pt"
        if self.dist.is_main:
            checkpoint.save(self.folder / "checkpoints" / f"{which}.pt", self.checkpoint_state())
        self.phase = phase
        if which == "last":
            self.saved_step, self._saved_at = self.state.step, time.monotonic()

    # ---------------------------------------------------------------- training
    def train(self) -> None:
        state, train = self.state, self.recipe.train
        self._saved_at = time.monotonic()
        if state.epoch_end_pending:  # it failed last time, after the epoch's training
            self._end_epoch_outputs()
            self.save("last")
        while not state.stopped_early and state.epoch < train.max_epochs and \
                not distributed.any_rank(self._limit_reached(), self.dist, self.device):
            if self.train_epoch():
                break  # a limit stopped it mid-way
            state.epoch, state.batch_in_epoch = state.epoch + 1, 0
            for scheduler in self.built.schedulers.values():
                scheduler.step()
            state.epoch_end_pending = True
            self._end_epoch_outputs()
            self.save("last")
            self._stop_if_asked()
        if state.step > 0 and state.last_val_step != state.step:
            self.validate(count=False)  # stopped by a limit mid-way: validate what we have
            self.save("last")
        state.stopped_by = stop_reason(train, epoch=state.epoch, step=state.step,
                                       stopped_early=state.stopped_early)
        if self.dist.is_main:
            self.phase = "plotting loss_curves.png"
            self.files.save_loss_curves()
            if state.elapsed_s > 0:
                self.progress.line(trained_line(state.step, *state.images_per_s()))

    def _end_epoch_outputs(self) -> None:
        """The end of an epoch: validation, or only its sample grid (``val_every``)."""
        if schedule.validates(self.recipe.train, self.state.epoch):
            self.validate()
        elif self.dist.is_main:
            self.phase = f"sample grid after epoch {self.state.epoch}"
            with checkpoint.rng_untouched(self.device):
                samples_only(self.built, self.recipe, state=self.state, device=self.device,
                             files=self.files, shown=self.shown)
        self.state.epoch_end_pending = False

    def _limit_reached(self, elapsed: float = 0.0) -> bool:
        return schedule.limit_reached(self.recipe.train, step=self.state.step,
                                      seconds=self.state.elapsed_s + elapsed)

    def _fold_clock(self) -> None:
        """Add the epoch time so far to ``elapsed_s`` (before a checkpoint stores it)."""
        if self._clock is not None:
            now = time.perf_counter()
            self.state.elapsed_s += now - self._clock
            self._clock = now

    def train_epoch(self) -> bool:
        """One (possibly resumed) epoch; True if a step or time limit stopped it mid-way."""
        state, loader = self.state, self.built.train_loader
        loader.sampler.set_epoch(state.epoch)
        loader.sampler.skip = state.batch_in_epoch * loader.batch_size
        for module in self.built.networks.values():
            module.train()
        self.progress.start_epoch(state.epoch, self.recipe.train.max_epochs, len(loader))
        self._clock = time.perf_counter()
        try:
            return self._epoch_steps(loader)
        finally:
            self.progress.end_epoch()
            self._fold_clock()
            self._clock = None

    def _epoch_steps(self, loader) -> bool:
        state, train, world = self.state, self.recipe.train, self.dist.world
        self._window, limited = LossWindow(), False
        self.phase = f"training (epoch {state.epoch + 1})"
        for batch in loader:
            images = batch["image"].shape[0] * world
            self.in_step = True  # a failure in here leaves the networks half-updated
            losses = self.built.train_step(to_device(batch, self.device))
            self.in_step = False
            self._window.add(losses, images)
            state.step += 1
            state.batch_in_epoch += 1
            self.progress.advance()
            more = state.batch_in_epoch < self.steps_per_epoch  # the last batch ends the epoch
            if state.step % train.log_every == 0:
                self.flush_losses()
                elapsed = time.perf_counter() - self._clock
                limited = distributed.any_rank(self._limit_reached(elapsed), self.dist,
                                               self.device)
                if more and not limited and schedule.checkpoint_due(
                        train, step=state.step, saved_step=self.saved_step,
                        since_save_s=time.monotonic() - self._saved_at):
                    self.save("last")  # mid-epoch: nothing is waiting to be logged
            elif train.max_steps is not None and state.step >= train.max_steps:
                limited = True  # the same on every rank: no sync needed
            if limited and more:
                break
            # DDP ranks agree by a host-blocking all-reduce: at logging steps, not every step
            if more and (not self.dist.enabled or state.step % train.log_every == 0):
                self._stop_if_asked()
        self.flush_losses()
        return limited and state.batch_in_epoch < self.steps_per_epoch

    def _stop_if_asked(self) -> None:
        """Where any rank caught a stop signal: save, stop every rank once last.pt is written."""
        caught = preempt.agreed(self.dist, self.device)
        if caught:
            self.flush_losses()  # the losses of the steps about to be saved
            self.save("last")
            distributed.barrier(self.dist)
            raise preempt.Preempted(caught, step=self.state.step, folder=self.folder,
                                    main=self.dist.is_main)

    def flush_losses(self) -> None:
        """Log the losses of the steps not logged yet (also before an unplanned checkpoint)."""
        window = self._window
        if window is None or not window.steps:
            return
        means = window.means()
        seconds = max(time.perf_counter() - window.start, 1e-9)
        rate = window.images / seconds
        self.state.count(window.images, seconds, warm_up=not self._warm)
        self._warm = True
        self._window = LossWindow()  # after the sync above: its time is not the next's
        if not self.dist.is_main:
            return
        lr = self.built.optimizers["generator"].param_groups[0]["lr"]
        self.files.log(train_record(self.state, means, rate, lr))
        self.progress.losses(self.state.step, means, rate)

    # ---------------------------------------------------------------- validation
    def validate(self, count: bool = True) -> None:
        """Validate (rank 0, under ``rng_untouched``); ``count=False``: not at an epoch end,
        so not counted for early stopping (a resumed run stops where a whole one would)."""
        stop, self.phase = False, f"validation at step {self.state.step}"
        if self.dist.is_main:
            with checkpoint.rng_untouched(self.device):
                found = validate_main(self.built, self.recipe, state=self.state,
                                      device=self.device, registries=self.registries,
                                      baselines=self.baselines, files=self.files,
                                      progress=self.progress, count=count)
            self.baselines, stop, self.shown = found.baselines, found.stop, found.shown
            if found.new_best:
                self.save("best")
            if self.on_validation is not None:
                self.on_validation(found.epoch, found.values)
            self.files.save_loss_curves(at_most_every_s=60.0)
        self.state.stopped_early = bool(distributed.from_main(stop, self.dist))
        self.state.last_val_step = self.state.step  # only once done: a failed one is redone
        for module in self.built.networks.values():
            module.train()

    # ---------------------------------------------------------------- the end
    def finish(self) -> Optional[dict[str, Any]]:
        report = None
        self.phase, self.finishing = "test evaluation", True  # G may become best.pt's
        if self.dist.is_main:
            report = test_report(self.built, self.recipe, state=self.state,
                                 folder=self.folder, device=self.device,
                                 registries=self.registries, baselines=self.baselines,
                                 epoch_steps=self.steps_per_epoch, progress=self.progress)
        distributed.barrier(self.dist)
        return report

    # ---------------------------------------------------------------- a failure
    def at_failure(self) -> RunAtFailure:
        return RunAtFailure(self.folder, self.phase, self.state.step, self.saved_step,
                            self.dist.is_main, self.suspects)

    def keep_work(self) -> str:
        """Write last.pt where it would hold steps not on disk yet and the networks are
        whole (no step cut in half, no best.pt loaded for the test); '' or what went wrong."""
        if self.saved_step == self.state.step or self.in_step or self.finishing:
            return ""
        try:
            self.flush_losses()  # the losses of the steps about to be saved
        except Exception:
            pass  # those log lines are lost; the weights need not be
        try:
            self.save("last")
        except Exception as exc:  # e.g. a full disk: say so, keep the first error
            return f"; writing last.pt failed too: {failure_line(exc)}"
        return ""

    def close(self) -> None:
        if self.files is not None:
            self.files.close()
        distributed.shutdown(self._started_group)

