"""The check of a training scheme: a registered network whose ``train_step(parts)`` replaces
the engine's step (docs/contracts.md, "Training step"), run for a few batches on the
engine's own step parts, then again with a resume half-way, which must end identical."""
from __future__ import annotations

import copy
from typing import Any, Optional

import torch
from torch import nn

from ..engine.steps import LossSet, StepParts, Update
from ._inputs import box_mask, make_images


class _KitGenerator(nn.Module):
    """A tiny fill network for the check: masked image and mask in, an image out."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(channels + 1, 8, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(8, channels, 3, padding=1), nn.Tanh())

    def forward(self, masked: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([masked, mask], 1))


def _batches(count: int, channels: int, size: int) -> list[dict[str, torch.Tensor]]:
    mask = box_mask(2, size, 0.5)
    batches = []
    for index in range(count):
        image = make_images(2, channels, size, seed=index)
        batches.append({"image": image, "input": image * (1 - mask), "mask": mask})
    return batches


def _setup(factory, kind: str, channels: int, registries) -> tuple[dict[str, Any], StepParts]:
    """Fresh networks (the same under the same seed), optimisers and step parts."""
    from ..registry import build

    torch.manual_seed(0)
    network = factory()
    generator = network if kind == "generator" else _KitGenerator(channels)
    discriminator = network if kind == "discriminator" else None
    losses = LossSet(
        reconstruction=[("l1-hole", 1.0, build(registries.get("loss", "l1-hole"), {}))],
        adversarial=[("bce", 0.01, build(registries.get("loss", "bce"), {}))]
        if discriminator is not None else [])
    nets = {"generator": generator, **({"discriminator": discriminator} if discriminator else {})}
    optimizers = {role: torch.optim.Adam(net.parameters(), lr=1e-3) for role, net in nets.items()}
    parts = StepParts(generator=generator, generator_raw=generator, losses=losses,
                      update={role: Update(opt) for role, opt in optimizers.items()},
                      discriminator=discriminator, discriminator_raw=discriminator)
    return {"nets": nets, "optimizers": optimizers, "network": network}, parts


def check_train_step(kind: str, name: str, params: Optional[dict[str, Any]] = None, *,
                     channels: int = 3, size: int = 32, steps: int = 4,
                     registries=None) -> list[dict[str, Any]]:
    """Build registered ``kind``/``name`` (a generator or discriminator with a
    ``train_step``) with ``params`` as the engine does, run its step for ``steps`` batches
    and return each batch's losses. Checks: each step returns detached finite 0-dim
    tensors, the generator's weights move, and a run saved and resumed half-way
    (networks, optimisers, the step's ``state_dict``, torch's RNG) ends with weights
    identical to the whole run."""
    from ..plugins import resolve_registries
    from ..registry import BuildContext, build

    registries = resolve_registries(registries)
    spec, context = registries.get(kind, name), BuildContext(registries=registries,
                                                              channels=channels)

    def factory():
        return build(spec, params or {}, context)

    batches = _batches(steps, channels, size)
    whole, parts = _setup(factory, kind, channels, registries)
    what = type(whole["network"]).__name__
    if not callable(getattr(whole["network"], "train_step", None)):
        raise AssertionError(f"{what}: a training scheme is a method train_step(self, parts)")
    start = copy.deepcopy(whole["nets"]["generator"].state_dict())
    step = whole["network"].train_step(parts)
    losses = [step(batch) for batch in batches]
    for record in losses:
        for name, value in record.items():
            if not (isinstance(value, torch.Tensor) and value.dim() == 0
                    and not value.requires_grad and torch.isfinite(value)):
                raise AssertionError(f"{what}: step loss {name!r} must be a detached finite "
                                     f"0-dim tensor, got {value!r}")
    if all(torch.equal(start[k], v) for k, v in whole["nets"]["generator"].state_dict().items()):
        raise AssertionError(f"{what}: the step must update the generator")
    _check_resume(factory, kind, channels, registries, batches, whole, what)
    return losses


def _check_resume(factory, kind, channels, registries, batches, whole, what) -> None:
    half = len(batches) // 2
    first, parts = _setup(factory, kind, channels, registries)
    step = first["network"].train_step(parts)
    for batch in batches[:half]:
        step(batch)
    saved = copy.deepcopy({"nets": {r: n.state_dict() for r, n in first["nets"].items()},
                           "optimizers": {r: o.state_dict() for r, o in first["optimizers"].items()},
                           "step": _state(step), "rng": torch.get_rng_state()})
    second, parts = _setup(factory, kind, channels, registries)
    for role, net in second["nets"].items():
        net.load_state_dict(saved["nets"][role])
        second["optimizers"][role].load_state_dict(saved["optimizers"][role])
    step = second["network"].train_step(parts)
    if saved["step"] is not None:
        step.load_state_dict(saved["step"])
    torch.set_rng_state(saved["rng"])
    for batch in batches[half:]:
        step(batch)
    for role, net in whole["nets"].items():
        resumed = second["nets"][role].state_dict()
        for key, value in net.state_dict().items():
            if not torch.equal(value, resumed[key]):
                raise AssertionError(
                    f"{what}: a run resumed half-way must end identical ({role} {key} differs): "
                    "keep the step's counters in state_dict()/load_state_dict() and draw "
                    "randomness from torch's global RNG")


def _state(step) -> Optional[dict]:
    state_dict = getattr(step, "state_dict", None)
    return state_dict() if callable(state_dict) else None
