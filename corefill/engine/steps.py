"""One optimisation step: reconstruction (G only) or adversarial (D then G).

Nothing here reads a tensor back to the host: losses are returned as detached device
tensors and only turned into numbers when the runner logs.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import torch
import torch.nn.functional as F


def _same_boxes(boxes: list[list[int]]) -> bool:
    return all(box == boxes[0] for box in boxes)


def paste(patch: torch.Tensor, image: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """Paste per-sample patches into ``image`` at the hole boxes (host tensor, (N, 4))."""
    rows = boxes.tolist()
    full = image.detach().clone().to(patch.dtype)
    if _same_boxes(rows):
        top, left, height, width = rows[0]
        if patch.shape[-2:] != (height, width):
            patch = F.interpolate(patch, size=(height, width), mode="bilinear",
                                  align_corners=False)
        full[:, :, top:top + height, left:left + width] = patch
        return full
    for i, (top, left, height, width) in enumerate(rows):
        one = patch[i:i + 1]
        if one.shape[-2:] != (height, width):
            one = F.interpolate(one, size=(height, width), mode="bilinear", align_corners=False)
        full[i:i + 1, :, top:top + height, left:left + width] = one
    return full


def crop(images: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """Crop each sample's hole box; differing boxes are resized to the first one's size."""
    rows = boxes.tolist()
    if _same_boxes(rows):
        top, left, height, width = rows[0]
        return images[:, :, top:top + height, left:left + width]
    size = tuple(rows[0][2:])
    crops = []
    for i, (top, left, height, width) in enumerate(rows):
        one = images[i:i + 1, :, top:top + height, left:left + width]
        if one.shape[-2:] != size:
            one = F.interpolate(one, size=size, mode="bilinear", align_corners=False)
        crops.append(one)
    return torch.cat(crops)


def complete(generator: Callable, batch: dict[str, Any], region: Optional[str]) -> torch.Tensor:
    """Run the generator and composite: ``mask * out + (1 - mask) * image``."""
    output = generator(batch["input"], batch["mask"])
    if region == "hole_box":
        output = paste(output, batch["image"], batch["hole_box"])
    mask = batch["mask"]
    return mask * output + (1.0 - mask) * batch["image"]


def discriminator_view(kind: str, images: torch.Tensor, batch: dict[str, Any]) -> torch.Tensor:
    """What D sees of real or completed images (recipe ``discriminator.input``)."""
    if kind == "fill":
        return crop(images, batch["hole_box"])
    if kind == "conditional":
        return torch.cat([batch["input"].to(images.dtype), images], dim=1)
    return images


@dataclass
class LossSet:
    """The recipe's losses split by role, each with its weight and report name."""

    reconstruction: list[tuple[str, float, Any]] = field(default_factory=list)
    adversarial: list[tuple[str, float, Any]] = field(default_factory=list)

    def reconstruction_terms(self, fake, image, mask) -> dict[str, torch.Tensor]:
        return {name: loss(fake, image, mask) for name, _, loss in self.reconstruction}


def _weighted_sum(terms: dict[str, torch.Tensor], weights: dict[str, float]) -> torch.Tensor:
    total = None
    for name, value in terms.items():
        part = value * weights[name]
        total = part if total is None else total + part
    return total


class _Update:
    """backward + optimiser step, through a GradScaler only when fp16 needs one."""

    def __init__(self, optimizer: torch.optim.Optimizer, scaler) -> None:
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


class Stepper:
    """Runs training steps for the networks, optimisers and losses it is given."""

    def __init__(self, *, generator, losses: LossSet, g_optimizer, region: Optional[str],
                 discriminator=None, d_raw=None, d_optimizer=None, d_input: str = "image",
                 autocast: Optional[torch.dtype] = None, device_type: str = "cpu",
                 scalers: tuple = (None, None)) -> None:
        self.generator = generator
        self.losses = losses
        self.region = region
        self.discriminator = discriminator
        # G's adversarial term goes through the unwrapped D: no DDP gradient sync for D.
        self.d_raw = d_raw if d_raw is not None else discriminator
        self.d_input = d_input
        self.update_g = _Update(g_optimizer, scalers[0])
        self.update_d = _Update(d_optimizer, scalers[1]) if d_optimizer is not None else None
        self.weights = {name: w for name, w, _ in losses.reconstruction + losses.adversarial}
        self.autocast_dtype = autocast
        self.device_type = device_type

    def _autocast(self):
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.autocast_dtype)

    def step(self, batch: dict[str, Any]) -> dict[str, torch.Tensor]:
        if self.discriminator is None:
            return self._reconstruction_step(batch)
        return self._adversarial_step(batch)

    def _reconstruction_step(self, batch):
        with self._autocast():
            fake = complete(self.generator, batch, self.region)
            terms = self.losses.reconstruction_terms(fake, batch["image"], batch["mask"])
            total = _weighted_sum(terms, self.weights)
        self.update_g(total)
        return {"g_total": total.detach(), **{k: v.detach() for k, v in terms.items()}}

    def _adversarial_step(self, batch):
        image = batch["image"]
        with self._autocast():
            fake = complete(self.generator, batch, self.region)
            real_view = discriminator_view(self.d_input, image, batch)
            fake_view = discriminator_view(self.d_input, fake.detach(), batch)
            real_logits = self.discriminator(real_view)
            fake_logits = self.discriminator(fake_view)
            d_total = sum(loss.discriminator_loss(real_logits, fake_logits)
                          for _, _, loss in self.losses.adversarial)
        self.update_d(d_total)

        self.d_raw.requires_grad_(False)  # G's step needs no gradients for D's weights
        try:
            with self._autocast():
                logits = self.d_raw(discriminator_view(self.d_input, fake, batch))
                terms = self.losses.reconstruction_terms(fake, image, batch["mask"])
                for name, _, loss in self.losses.adversarial:
                    terms[name] = loss.generator_loss(logits)
                total = _weighted_sum(terms, self.weights)
            self.update_g(total)
        finally:
            self.d_raw.requires_grad_(True)
        out = {"g_total": total.detach(), "d_total": d_total.detach()}
        out.update({k: v.detach() for k, v in terms.items()})
        return out
