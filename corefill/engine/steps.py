"""One optimisation step: reconstruction (G only) or adversarial (D then G).

Nothing here reads a tensor back to the host (but the Poisson solve's hole window, solver
choice and convergence check, when a recipe asks for `blend: poisson` or `residual`): losses are returned as detached device tensors and only
turned into numbers when the trainer logs.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import torch

# Compositing lives in .composite; these names stay importable from here for callers
# written before it moved.
from .composite import complete, crop, discriminator_view, paste  # noqa: F401


@dataclass
class LossSet:
    """The recipe's losses split by role, each with its weight and report name."""

    reconstruction: list[tuple[str, float, Any]] = field(default_factory=list)
    adversarial: list[tuple[str, float, Any]] = field(default_factory=list)

    def reconstruction_terms(self, fake, image, mask) -> dict[str, torch.Tensor]:
        return {name: loss(fake, image, mask) for name, _, loss in self.reconstruction}

    def generator_terms(self, fake, image, mask, fake_logits=None) -> dict[str, torch.Tensor]:
        """Every term of G's objective: reconstruction, plus each adversarial loss's
        ``generator_loss`` when D's logits on the completed images are given."""
        terms = self.reconstruction_terms(fake, image, mask)
        if fake_logits is not None:
            for name, _, loss in self.adversarial:
                terms[name] = loss.generator_loss(fake_logits)
        return terms

    def weighted(self, terms: dict[str, torch.Tensor]) -> torch.Tensor:
        """The recipe-weighted sum of ``terms`` (the one place losses are weighted: the
        training steps and the validation loss both use it)."""
        weights = {name: w for name, w, _ in self.reconstruction + self.adversarial}
        total = None
        for name, value in terms.items():
            part = value * weights[name]
            total = part if total is None else total + part
        return total


class Update:
    """backward + optimiser step, through a GradScaler only when fp16 needs one."""

    def __init__(self, optimizer: torch.optim.Optimizer, scaler=None) -> None:
        self.optimizer = optimizer
        self.scaler = scaler

    def __call__(self, loss: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is None:
            loss.backward()
            self.optimizer.step()
            return
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()


@dataclass(kw_only=True)
class StepParts:
    """What a training step works with (the contract of ``train_step``, docs/contracts.md).

    ``generator``/``discriminator`` may be DDP-wrapped (their backward syncs gradients);
    ``*_raw`` are the plain modules (e.g. D's logits in G's objective: no D gradient sync).
    ``update[name]`` zeroes that network's gradients, backpropagates, steps its optimiser."""

    generator: Any
    generator_raw: torch.nn.Module
    losses: LossSet
    update: dict[str, Update]
    region: Optional[str] = None
    blend: str = "paste"
    middle: float = 0.0  # centre of the value range (blend residual)
    discriminator: Any = None
    discriminator_raw: Optional[torch.nn.Module] = None
    d_input: str = "image"
    autocast_dtype: Optional[torch.dtype] = None
    device_type: str = "cpu"

    def autocast(self):
        """Mixed precision as the recipe asks (a no-op on CPU or at fp32)."""
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.autocast_dtype)

    def complete(self, batch: dict[str, Any]) -> torch.Tensor:
        return complete(self.generator, batch, self.region, self.blend, self.middle)

    def view(self, images: torch.Tensor, batch: dict[str, Any]) -> torch.Tensor:
        return discriminator_view(self.d_input, images, batch)

    def update_generator(self, fake: torch.Tensor, fake_view: torch.Tensor,
                         batch: dict[str, Any]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """One G update on reconstruction + the adversarial losses' ``generator_loss`` of
        D's logits on ``fake_view`` (D's weights get no gradients); returns (G's weighted
        total, its terms by name)."""
        d_raw = self.discriminator_raw
        d_raw.requires_grad_(False)
        try:
            with self.autocast():
                logits = d_raw(fake_view)
                terms = self.losses.generator_terms(fake, batch["image"], batch["mask"], logits)
                total = self.losses.weighted(terms)
            self.update["generator"](total)
        finally:
            d_raw.requires_grad_(True)
        return total, terms


TrainStep = Callable[[dict[str, Any]], dict[str, torch.Tensor]]


def reconstruction_step(parts: StepParts) -> TrainStep:
    """The default without a discriminator: G minimises its weighted reconstruction loss."""
    def step(batch):
        with parts.autocast():
            fake = parts.complete(batch)
            terms = parts.losses.generator_terms(fake, batch["image"], batch["mask"])
            total = parts.losses.weighted(terms)
        parts.update["generator"](total)
        return {"g_total": total.detach(), **{k: v.detach() for k, v in terms.items()}}
    return step


def adversarial_step(parts: StepParts) -> TrainStep:
    """The default with a discriminator: one D update, then one G update."""
    def step(batch):
        image = batch["image"]
        with parts.autocast():
            fake = parts.complete(batch)
            fake_view = parts.view(fake, batch)  # once: D's step sees it detached
            real_logits = parts.discriminator(parts.view(image, batch))
            fake_logits = parts.discriminator(fake_view.detach())
            d_total = sum(loss.discriminator_loss(real_logits, fake_logits)
                          for _, _, loss in parts.losses.adversarial)
        parts.update["discriminator"](d_total)
        total, terms = parts.update_generator(fake, fake_view, batch)
        return {"g_total": total.detach(), "d_total": d_total.detach(),
                **{k: v.detach() for k, v in terms.items()}}
    return step


def make_step(parts: StepParts) -> TrainStep:
    """The step for these networks: a ``train_step(parts)`` method of the discriminator,
    else of the generator, else one of the two defaults."""
    for module in (parts.discriminator_raw, parts.generator_raw):
        factory = getattr(module, "train_step", None)
        if callable(factory):
            return factory(parts)
    return adversarial_step(parts) if parts.discriminator is not None \
        else reconstruction_step(parts)
