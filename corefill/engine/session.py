"""A training session: everything built from the recipe, plus its resumable state."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import torch

from ..config import recipe_hash, recipe_to_yaml
from ..errors import CheckpointError
from ..plugins import resolve_registries
from ..recipe import Recipe
from . import build, checkpoint, distributed
from .data import MaskedDataset, eval_loader, train_loader
from .outputs import RunFiles, write_atomic
from .progress import Progress
from .steps import Stepper
from .stopping import BestTracker, EarlyStopper
from .spec import for_session as data_spec_of

_AUTOCAST = {"bf16": torch.bfloat16, "fp16": torch.float16}


class Session:
    """Builds networks, loaders and optimisers; saves and restores training state."""

    def __init__(self, recipe: Recipe, *, out_dir=None, device: Optional[str] = None,
                 resume: bool = False, force: bool = False, registries=None) -> None:
        registries = resolve_registries(registries)
        self.recipe, self.registries = recipe, registries
        self.resume, self.force = resume, force
        self.folder = Path(out_dir if out_dir is not None
                           else recipe.output_dir.format(name=recipe.name))
        self.dist = distributed.from_env()
        self.device = distributed.resolve_device(device or recipe.device, self.dist)
        self._started_group = distributed.init(self.dist, self.device)
        self.progress = Progress(enabled=self.dist.is_main)
        self.files: Optional[RunFiles] = None
        self.recipe_yaml, self.recipe_hash = recipe_to_yaml(recipe), recipe_hash(recipe)
        # Resumable counters.
        self.step = self.epoch = self.batch_in_epoch = 0
        self.elapsed_s, self.images_seen, self.stopped_early = 0.0, 0, False
        self.last_val_step: Optional[int] = None
        # The epoch ended (schedulers stepped) but its validation or sample grid failed:
        # a resumed run does them first, as the uninterrupted run did.
        self.epoch_end_pending = False
        self.saved_step: Optional[int] = None  # step of the last.pt on disk (None: none)
        self._rng_to_restore: Optional[dict[str, Any]] = None
        self.versions = checkpoint.versions(
            [registries.get(kind, ref.name).source for _, kind, ref in recipe.component_refs()])

    # ---------------------------------------------------------------- building
    def setup(self) -> None:
        recipe, regs = self.recipe, self.registries
        self._check_folder()  # before any slow building
        masker = build.masker(recipe, regs)
        self.train_set = MaskedDataset(build.dataset(recipe, regs, "train"), masker,
                                       seed=recipe.seed, split="train")
        self.value_range = self.train_set.value_range
        self.losses = build.losses(recipe, regs)
        self.metrics_factory = build.metrics_factory(recipe, regs)
        self.val_keys = build.validation_keys(build.metric_directions(self.metrics_factory),
                                              bool(self.losses.reconstruction))
        self._trackers()
        torch.manual_seed(recipe.seed)  # same seed -> same initial weights on every rank
        self._networks()
        pin = self.device.type == "cuda"
        data = recipe.data
        self.train_loader = train_loader(
            self.train_set, batch_size=data.batch_size, num_workers=data.num_workers,
            seed=recipe.seed, rank=self.dist.rank, world=self.dist.world, pin_memory=pin)
        if self.dist.is_main:
            self.val_set = MaskedDataset(build.dataset(recipe, regs, "val"), masker,
                                         seed=recipe.seed, split="val")
            self.val_loader = eval_loader(self.val_set, batch_size=data.eval_batch_size
                                          or data.batch_size, num_workers=data.num_workers,
                                          pin_memory=pin)
        self._open_folder()
        if self.dist.is_main:
            # Datasets that preprocess (e.g. set images apart) say what they did in the run folder.
            write_dataset_report = getattr(self.train_set.base, "write_report", None)
            if callable(write_dataset_report):
                write_dataset_report(self.folder)
        if self._rng_to_restore is not None:  # last: nothing built above may move it
            checkpoint.set_rng_state(self._rng_to_restore)
            self._rng_to_restore = None

    def _trackers(self) -> None:
        recipe, train = self.recipe, self.recipe.train
        stopping = train.early_stopping
        if stopping is not None:
            build.check_key(recipe, "train.early_stopping.metric", stopping.metric, self.val_keys)
            self.stopper: Optional[EarlyStopper] = EarlyStopper(
                stopping.metric, stopping.patience, stopping.rule, self.val_keys[stopping.metric])
        else:
            self.stopper = None
        key = train.best_metric or (stopping.metric if stopping else None)
        self.evaluate_best = key is not None
        key = key or ("loss" if "loss" in self.val_keys else next(iter(self.val_keys), None))
        if train.best_metric:
            build.check_key(recipe, "train.best_metric", key, self.val_keys)
        self.best = BestTracker(key, self.val_keys[key]) if key else None

    def _networks(self) -> None:
        recipe, regs, train = self.recipe, self.registries, self.recipe.train
        cuda = self.device.type == "cuda"
        if cuda:  # fixed image sizes: let cuDNN pick the fastest kernels once
            torch.backends.cudnn.benchmark = True
        self.g_raw = build.network("generator", recipe.generator, regs).to(self.device)
        self.region = getattr(self.g_raw, "output_region", None)
        self.g = distributed.wrap(self.g_raw, self.dist, self.device)
        self.optimizers = {"generator": build.optimizer(self.g_raw, train.generator_optimizer,
                                                        self.device)}
        self.d_raw = self.d = None
        if recipe.discriminator is not None:
            self.d_raw = build.network("discriminator", recipe.discriminator, regs).to(self.device)
            self.d = distributed.wrap(self.d_raw, self.dist, self.device)
            self.optimizers["discriminator"] = build.optimizer(
                self.d_raw, train.discriminator_optimizer, self.device)
        self.schedulers = {name: build.scheduler(opt, train.scheduler, train.max_epochs)
                           for name, opt in self.optimizers.items()}
        self.schedulers = {k: v for k, v in self.schedulers.items() if v is not None}
        fp16 = cuda and train.precision == "fp16"
        self.scalers = {name: torch.amp.GradScaler("cuda") for name in self.optimizers} \
            if fp16 else {}
        self.stepper = Stepper(
            generator=self.g, losses=self.losses, g_optimizer=self.optimizers["generator"],
            region=self.region, discriminator=self.d, d_raw=self.d_raw,
            d_optimizer=self.optimizers.get("discriminator"),
            d_input=recipe.discriminator.input if recipe.discriminator else "image",
            autocast=_AUTOCAST.get(train.precision) if cuda else None,
            device_type=self.device.type,
            scalers=(self.scalers.get("generator"), self.scalers.get("discriminator")))

    @property
    def networks(self) -> dict[str, torch.nn.Module]:
        nets = {"generator": self.g_raw}
        if self.d_raw is not None:
            nets["discriminator"] = self.d_raw
        return nets

    # ---------------------------------------------------------------- state
    def _check_folder(self) -> None:
        last = self.folder / "checkpoints" / "last.pt"
        if self.resume and not last.is_file():
            raise CheckpointError(f"{last}: no such checkpoint to resume from")
        if not self.resume and last.exists() and not self.force:
            raise CheckpointError(f"{self.folder}: run folder already has a checkpoint; use "
                                  "--resume to continue it or --force to start over")

    def _open_folder(self) -> None:
        last = self.folder / "checkpoints" / "last.pt"
        offset = None
        if self.resume:
            offset = self.restore(checkpoint.load(last), last)
        if self.dist.is_main:
            if not self.resume:  # starting over: an old best.pt must not outlive its run
                for old in ("last.pt", "best.pt"):
                    (self.folder / "checkpoints" / old).unlink(missing_ok=True)
            self.files = RunFiles(self.folder, tensorboard=self.recipe.train.tensorboard)
            write_atomic(self.folder / "recipe.yaml", self.recipe_yaml)
            self.files.open_log(offset)

    def state(self) -> dict[str, Any]:
        return {
            "format": checkpoint.FORMAT, "step": self.step, "epoch": self.epoch,
            "batch_in_epoch": self.batch_in_epoch, "elapsed_s": self.elapsed_s,
            "images_seen": self.images_seen, "stopped_early": self.stopped_early,
            "last_val_step": self.last_val_step, "epoch_end_pending": self.epoch_end_pending,
            "networks": {k: v.state_dict() for k, v in self.networks.items()},
            "optimizers": {k: v.state_dict() for k, v in self.optimizers.items()},
            "schedulers": {k: v.state_dict() for k, v in self.schedulers.items()},
            "scalers": {k: v.state_dict() for k, v in self.scalers.items()},
            "rng": checkpoint.rng_state(),
            "stopper": self.stopper.state_dict() if self.stopper else None,
            "best": self.best.state_dict() if self.best else None,
            "log_offset": self.files.log_offset() if self.files else 0,
            "recipe_yaml": self.recipe_yaml, "recipe_hash": self.recipe_hash,
            "versions": self.versions,
            "data_spec": data_spec_of(self),  # what `corefill inpaint` needs
        }

    def save(self, which: str) -> None:
        if self.dist.is_main:
            checkpoint.save(self.folder / "checkpoints" / f"{which}.pt", self.state())
        if which == "last":
            self.saved_step = self.step

    def restore(self, state: dict[str, Any], path: Path) -> int:
        """Load a checkpoint into this session; returns the metrics.jsonl offset."""
        changes = [] if state["recipe_hash"] == self.recipe_hash or self.force else \
            checkpoint.recipe_changes(state["recipe_yaml"], self.recipe_yaml)
        if changes:  # a changed limit (max_steps...) alone is no change
            raise CheckpointError(f"{path}: recipe changed since this checkpoint "
                                  f"({'; '.join(changes)}); use --force to resume anyway")
        try:
            for name, module in self.networks.items():
                module.load_state_dict(state["networks"][name])
            for group in ("optimizers", "schedulers", "scalers"):
                for name, obj in getattr(self, group).items():
                    if name in state[group]:
                        obj.load_state_dict(state[group][name])
        except (KeyError, RuntimeError, ValueError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise CheckpointError(f"{path}: does not fit the recipe's networks: {first}") from None
        self._rng_to_restore = state["rng"]  # set at the end of setup()
        if self.stopper and state["stopper"]:
            self.stopper.load_state_dict(state["stopper"])
        if self.best and state["best"] and state["best"]["key"] == self.best.key:
            self.best.load_state_dict(state["best"])
        for key in ("step", "epoch", "batch_in_epoch", "elapsed_s", "images_seen",
                    "stopped_early", "last_val_step"):
            setattr(self, key, state[key])
        self.epoch_end_pending = bool(state.get("epoch_end_pending", False))
        self.saved_step = self.step
        return int(state["log_offset"])

    def close(self) -> None:
        if self.files is not None:
            self.files.close()
        distributed.shutdown(self._started_group)
