"""A training scheme as a plugin, without a core edit: WGAN-GP (Gulrajani et al., 2017).

The critic scores images with no sigmoid; its ``train_step`` replaces the engine's
adversarial step: each batch updates the critic on the Wasserstein loss plus a gradient
penalty (weight ``gp_weight``, 10 in the paper) at random points between real and
completed images, and every ``n_critic``-th batch also updates the generator (the paper's
Algorithm 1: a fresh batch for each critic iteration). The batch counter is the step's
own state, saved in checkpoints through ``state_dict``/``load_state_dict``.

Registered with a ``corefill_register`` hookimpl, as an installed plugin would be.
"""
from __future__ import annotations

import sys

import torch
import torch.nn as nn
from pydantic import Field

from corefill.hookspecs import hookimpl
from corefill.params import Params


class CriticParams(Params):
    """WGAN-GP critic: strided convs -> one unbounded score per image (no sigmoid)."""

    in_channels: int = Field(1, ge=1, description="image channels")
    width: int = Field(8, ge=1, description="hidden channels")
    gp_weight: float = Field(10.0, ge=0, description="gradient penalty weight (lambda)")
    n_critic: int = Field(5, ge=1, description="critic updates per generator update")


class Critic(nn.Module):
    """No normalisation layers: the penalty is taken per sample (as the paper advises)."""

    def __init__(self, *, in_channels=1, width=8, gp_weight=10.0, n_critic=5):
        super().__init__()
        self.gp_weight, self.n_critic = gp_weight, n_critic
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 1, 3, stride=2, padding=1))

    def forward(self, x):
        return self.net(x).flatten(1).mean(1)

    def train_step(self, parts):
        return WganGpStep(parts, gp_weight=self.gp_weight, n_critic=self.n_critic)


class Wasserstein:
    """The critic's objective E[D(fake)] - E[D(real)]; G maximises E[D(fake)]."""

    adversarial = True

    def generator_loss(self, fake_scores):
        return -fake_scores.mean()

    def discriminator_loss(self, real_scores, fake_scores):
        return fake_scores.mean() - real_scores.mean()


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """E[(||grad D(x)||_2 - 1)^2] at x uniformly between each real/fake pair."""
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device)
    between = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    grads, = torch.autograd.grad(critic(between).sum(), between, create_graph=True)
    return ((grads.flatten(1).norm(2, dim=1) - 1.0) ** 2).mean()


class WganGpStep:
    def __init__(self, parts, *, gp_weight: float, n_critic: int) -> None:
        self.parts, self.gp_weight, self.n_critic = parts, gp_weight, n_critic
        self.batches = 0  # batches seen: G is updated on every n_critic-th

    def __call__(self, batch):
        parts, image = self.parts, batch["image"]
        with torch.no_grad():
            fake = parts.complete(batch)
        real_view, fake_view = parts.view(image, batch), parts.view(fake, batch)
        real_scores = parts.discriminator(real_view)
        fake_scores = parts.discriminator(fake_view)
        critic_loss = sum(loss.discriminator_loss(real_scores, fake_scores)
                          for _, _, loss in parts.losses.adversarial)
        penalty = gradient_penalty(parts.discriminator, real_view, fake_view)
        parts.update["discriminator"](critic_loss + self.gp_weight * penalty)
        self.batches += 1
        # the critic's estimate of the Wasserstein distance between real and completed
        estimate = (real_scores.mean() - fake_scores.mean()).detach()
        out = {"critic": critic_loss.detach(), "gradient_penalty": penalty.detach(),
               "w_distance": estimate}
        if self.batches % self.n_critic == 0:
            out.update(self._generator_update(batch))
        return out

    def _generator_update(self, batch):
        fake = self.parts.complete(batch)
        total, terms = self.parts.update_generator(fake, self.parts.view(fake, batch), batch)
        return {"g_total": total.detach(), **{k: v.detach() for k, v in terms.items()}}

    def state_dict(self):
        return {"batches": self.batches}

    def load_state_dict(self, state):
        self.batches = int(state["batches"])


@hookimpl
def corefill_register(registry):
    registry.add_table({
        ("discriminator", "wgan-critic"): (f"{__name__}:Critic", f"{__name__}:CriticParams"),
        ("loss", "wasserstein"): (f"{__name__}:Wasserstein", "corefill.params:NoParams"),
    })


def add_to(registries):
    """``registries`` plus this plugin, registered through pluggy's hook call."""
    from corefill.plugins import _Collector, new_manager

    manager = new_manager()
    manager.register(sys.modules[__name__], name="wgan-gp")
    manager.hook.corefill_register(registry=_Collector(registries, "plugin 'wgan-gp' (tests)",
                                                        "wgan-gp"))
    return registries
