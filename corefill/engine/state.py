"""What a training run is made of (``Components``, built once) and where it stands
(``TrainState``, the counters a checkpoint saves and a resume restores)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, Optional

import torch

from .steps import LossSet, TrainStep
from .stopping import BestTracker, EarlyStopper


@dataclass(kw_only=True)
class TrainState:
    """The resumable counters. ``step`` counts optimisation steps (batches) over all
    epochs; ``batch_in_epoch`` those of the current epoch (a resume skips them);
    ``elapsed_s`` is training time without validation; ``images_seen`` sums every rank's
    batches; ``steady_images`` and ``steady_s`` count them and their time after the warm-up
    (each process's first logging window: workers starting, first-call allocations), the
    run's images/s. ``epoch_end_pending``: the epoch ended (schedulers stepped) but its
    validation or sample grid failed, so a resumed run does them first, as the
    uninterrupted run did. ``stopped_by`` is said once training ends (not saved)."""

    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    elapsed_s: float = 0.0
    images_seen: int = 0
    steady_images: int = 0
    steady_s: float = 0.0
    stopped_early: bool = False
    last_val_step: Optional[int] = None
    epoch_end_pending: bool = False
    stopped_by: Optional[str] = field(default=None, metadata={"saved": False})

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if self._saved(k)}

    def count(self, images: int, seconds: float, *, warm_up: bool) -> None:
        """A logging window's images, trained in ``seconds`` (the warm-up: not timed)."""
        self.images_seen += images
        if not warm_up:
            self.steady_images += images
            self.steady_s += seconds

    def images_per_s(self) -> tuple[float, bool]:
        """``(rate, steady)``: images/s after the warm-up, or with it (``steady`` False)
        when a run was too short to time anything after it."""
        if self.steady_s > 0:
            return self.steady_images / self.steady_s, True
        return self.images_seen / max(self.elapsed_s, 1e-9), False

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for name in self.state_dict():
            if name in state:  # older checkpoints lack epoch_end_pending
                setattr(self, name, state[name])

    @classmethod
    def _saved(cls, name: str) -> bool:
        return next(f for f in fields(cls) if f.name == name).metadata.get("saved", True)


@dataclass(kw_only=True)
class Components:
    """Everything built from a recipe. Networks, optimisers, schedulers and scalers are
    keyed ``generator``/``discriminator``; ``networks`` holds the plain modules, ``wrapped``
    the ones training calls (DDP-wrapped on several processes). The validation split and
    loader exist on rank 0 only (None elsewhere)."""

    train_set: Any
    train_loader: torch.utils.data.DataLoader
    val_set: Any
    val_loader: Optional[torch.utils.data.DataLoader]
    value_range: tuple[float, float]
    losses: LossSet
    metrics_factory: Callable[[], list]
    val_keys: dict[str, bool]
    networks: dict[str, torch.nn.Module]
    wrapped: dict[str, Any]
    region: Optional[str]
    optimizers: dict[str, torch.optim.Optimizer]
    schedulers: dict[str, Any]
    scalers: dict[str, Any]
    train_step: TrainStep
    stopper: Optional[EarlyStopper]
    best: Optional[BestTracker]
    evaluate_best: bool  # the test split scores best.pt (a best/early-stopping key was set)
    # role (dataset, masker, generator, discriminator) -> the component and its plugin
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def generator(self) -> torch.nn.Module:
        return self.networks["generator"]

    def state_dict(self) -> dict[str, Any]:
        """The trained state: networks, optimisers, schedulers, scalers, trackers, and the
        train step's own state when it keeps any (``state_dict``/``load_state_dict``)."""
        step_state = getattr(self.train_step, "state_dict", None)
        return {
            **{group: {k: v.state_dict() for k, v in getattr(self, group).items()}
               for group in ("networks", "optimizers", "schedulers", "scalers")},
            "stopper": self.stopper.state_dict() if self.stopper else None,
            "best": self.best.state_dict() if self.best else None,
            "train_step": step_state() if callable(step_state) else None,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Raises KeyError/RuntimeError/ValueError where the networks do not fit."""
        for name, module in self.networks.items():
            module.load_state_dict(state["networks"][name])
        for group in ("optimizers", "schedulers", "scalers"):
            for name, obj in getattr(self, group).items():
                if name in state[group]:
                    obj.load_state_dict(state[group][name])
        if self.stopper and state["stopper"]:
            self.stopper.load_state_dict(state["stopper"])
        if self.best and state["best"] and state["best"]["key"] == self.best.key:
            self.best.load_state_dict(state["best"])
        load_step = getattr(self.train_step, "load_state_dict", None)
        if callable(load_step) and state.get("train_step") is not None:
            load_step(state["train_step"])
