"""A training scheme is a plugin: the WGAN-GP test plugin's critic supplies its own
``train_step`` and trains through the real engine, resumes exactly, and the defaults stay
for networks without one."""
import json
import math
from pathlib import Path

import pytest
import torch
import torch.nn as nn

import wgan_gp_plugin
from corefill.engine import run
from corefill.engine.steps import LossSet, StepParts, Update, make_step
from checkpoint_tensors import tensors
from toy_components import L1Hole, TinyGenerator, toy_recipe, toy_registries

# 24 items at batch 4: 6 steps an epoch; G is updated on every 3rd batch
WGAN = ["discriminator.name=wgan-critic", "discriminator.params.n_critic=3",
        "losses=[{name: l1-hole}, {name: wasserstein, weight: 0.01}]",
        "data.dataset.params.count=24", "train.log_every=1",
        "train.discriminator_optimizer.lr=0.02", "train.discriminator_optimizer.betas=[0.5, 0.9]"]


def registries():
    return wgan_gp_plugin.add_to(toy_registries())


def wgan_recipe(*overrides):
    return toy_recipe(*WGAN, *overrides, registries=registries())


def train_records(folder):
    lines = (Path(folder) / "metrics.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r["type"] == "train"]


def test_gradient_penalty_of_a_linear_critic_is_its_weight_norm_off_one():
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Flatten(), nn.Linear(2 * 3 * 3, 1, bias=False))
    with torch.no_grad():
        critic[1].weight.fill_(0.5)  # gradient everywhere: the weights, norm 0.5 * sqrt(18)
    real, fake = torch.randn(4, 2, 3, 3), torch.randn(4, 2, 3, 3)
    penalty = wgan_gp_plugin.gradient_penalty(critic, real, fake)
    assert penalty.item() == pytest.approx((0.5 * math.sqrt(18) - 1.0) ** 2, rel=1e-5)
    penalty.backward()  # differentiable w.r.t. the critic (create_graph)
    assert critic[1].weight.grad.abs().sum() > 0


def test_wgan_gp_plugin_trains_through_the_engine(tmp_path):
    folder = run(wgan_recipe("train.max_epochs=3"), out_dir=tmp_path / "run",
                 registries=registries())
    records = train_records(folder)
    assert [r["step"] for r in records] == list(range(1, 19))
    # the critic's step ran, not the default adversarial one
    assert all("loss/d_total" not in r for r in records)
    penalties = [r["loss/gradient_penalty"] for r in records]
    assert all(math.isfinite(p) and p >= 0 for p in penalties) and penalties[0] > 0.5
    # the penalty drives the critic's gradient norm to 1 between real and completed images
    assert sum(penalties[-6:]) / 6 < 0.1 * penalties[0]
    # G was updated on every 3rd batch only (n_critic = 3)
    g_steps = [r["step"] for r in records if "loss/g_total" in r]
    assert g_steps == [3, 6, 9, 12, 15, 18]
    # the critic learns to tell real from completed: its Wasserstein estimate grows
    estimate = [r["loss/w_distance"] for r in records]
    assert sum(estimate[-6:]) > 3 * sum(estimate[:6]) > 0
    val = [r for r in map(json.loads, (folder / "metrics.jsonl").read_text().splitlines())
           if r["type"] == "val"]
    assert val[-1]["loss"] < 0.95 * val[0]["loss"]  # the generator's validation loss falls
    state = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert state["train_step"] == {"batches": 18}
    assert (folder / "report.json").exists()


def test_wgan_gp_resume_after_a_step_limit_is_exact(tmp_path):
    # cut at step 4 (mid-epoch, between two G updates): the resumed step must know that
    # the next G update is due at batch 6, and dropout draws from the restored RNG
    args = ["train.max_epochs=2", "generator.params.dropout=0.3"]
    run(wgan_recipe(*args), out_dir=tmp_path / "whole", registries=registries())
    run(wgan_recipe(*args, "train.max_steps=4"), out_dir=tmp_path / "cut",
        registries=registries())
    cut = torch.load(tmp_path / "cut" / "checkpoints" / "last.pt", weights_only=True)
    assert cut["step"] == 4 and cut["train_step"] == {"batches": 4}
    run(wgan_recipe(*args, "train.max_steps=null"), out_dir=tmp_path / "cut", resume=True,
        registries=registries())
    whole, resumed = (torch.load(tmp_path / f / "checkpoints" / "last.pt", weights_only=True)
                      for f in ("whole", "cut"))
    a, b = tensors(whole), tensors(resumed)
    assert a.keys() == b.keys() and any(k.startswith("/optimizers/discriminator") for k in a)
    assert [k for k in a if not torch.equal(a[k], b[k])] == []
    assert resumed["train_step"] == whole["train_step"] == {"batches": 12}


class _GeneratorWithStep(TinyGenerator):
    def train_step(self, parts):
        def step(batch):
            return {"mine": torch.tensor(1.0)}
        step.parts = parts
        return step


def _parts(generator, discriminator=None):
    losses = LossSet(reconstruction=[("l1", 1.0, L1Hole())])
    opt = torch.optim.SGD(generator.parameters(), lr=0.1)
    return StepParts(generator=generator, generator_raw=generator, losses=losses,
                     update={"generator": Update(opt)}, discriminator=discriminator,
                     discriminator_raw=discriminator)


def test_a_generator_may_supply_the_step_and_the_default_weighs_losses_once():
    own = make_step(_parts(_GeneratorWithStep()))
    assert own({})["mine"].item() == 1.0 and isinstance(own.parts.generator_raw,
                                                         _GeneratorWithStep)
    torch.manual_seed(0)
    generator = TinyGenerator()
    step = make_step(_parts(generator))  # no train_step anywhere: the reconstruction default
    image = torch.rand(2, 1, 8, 8) * 2 - 1
    mask = torch.zeros(2, 1, 8, 8)
    mask[:, :, 2:6, 2:6] = 1
    losses = step({"image": image, "mask": mask, "input": image * (1 - mask)})
    assert set(losses) == {"g_total", "l1"} and torch.equal(losses["g_total"], losses["l1"])
    terms = {"l1": torch.tensor(2.0), "adv": torch.tensor(3.0)}
    weighted = LossSet(reconstruction=[("l1", 0.5, None)], adversarial=[("adv", 2.0, None)])
    assert weighted.weighted(terms).item() == 7.0


class _Forgetful(wgan_gp_plugin.WganGpStep):
    """The WGAN-GP step without its state_dict: a resume forgets the batch counter."""
    state_dict = load_state_dict = None


class _ForgetfulCritic(wgan_gp_plugin.Critic):
    def train_step(self, parts):
        return _Forgetful(parts, gp_weight=self.gp_weight, n_critic=self.n_critic)


def test_the_kit_checks_a_training_scheme_and_its_resume():
    from corefill.testing import check_train_step

    reg = registries()
    losses = check_train_step("discriminator", "wgan-critic", {"in_channels": 3, "n_critic": 3},
                              channels=3, size=16, steps=6, registries=reg)
    assert ["g_total" in step for step in losses] == [False, False, True] * 2
    reg["discriminator"].register("forgetful-critic", target=f"{__name__}:_ForgetfulCritic",
                                  params="wgan_gp_plugin:CriticParams", source="tests")
    with pytest.raises(AssertionError, match="resumed half-way must end identical"):
        check_train_step("discriminator", "forgetful-critic", {"in_channels": 3, "n_critic": 4},
                         channels=3, size=16, steps=6, registries=reg)
