"""The fast settings (fused Adam, the allocator keeping freed memory, the view of the fake
computed once) train to the same weights as the plain ones within float tolerance; what
mixed precision and layout a recipe gets on each device; throughput to 3 figures."""
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from corefill.engine import run
from corefill.engine.data import to_device
from corefill.engine.optim import Adam, implementation, optimizer
from corefill.engine.progress import significant
from corefill.engine.speed import Plan, plan
from corefill.engine.stopping import training_summary
from corefill.errors import RecipeError
from corefill.recipe import OptimizerSettings, TrainSettings
from checkpoint_tensors import tensors
from toy_components import toy_recipe, toy_registries

ADVERSARIAL = ["discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]",
               "train.max_epochs=2", "train.log_every=1"]  # 3 steps an epoch
PLAIN = ["train.generator_optimizer.fused=false", "train.discriminator_optimizer.fused=false"]


def last(folder):
    saved = torch.load(Path(folder) / "checkpoints" / "last.pt", weights_only=True)
    return tensors({"networks": saved["networks"], "optimizers": saved["optimizers"]})


def test_fused_training_matches_torchs_default_adam_within_float_tolerance(tmp_path):
    regs = toy_registries()
    fast = run(toy_recipe(*ADVERSARIAL, registries=regs), out_dir=tmp_path / "fast",
               registries=regs)
    plain = run(toy_recipe(*ADVERSARIAL, *PLAIN, registries=regs), out_dir=tmp_path / "plain",
                registries=regs)
    a, b = last(fast), last(plain)
    assert a.keys() == b.keys() and any("/optimizers/discriminator" in k for k in a)
    moved = 0
    for key in a:
        if key.endswith("/step"):
            assert float(a[key]) == float(b[key]) == 6.0
            continue
        torch.testing.assert_close(a[key].float(), b[key].float(), rtol=1e-4, atol=1e-6,
                                   msg=lambda m, key=key: f"{key}: {m}")
        moved += key.startswith("/networks/") and a[key].abs().sum() > 0
    assert moved > 4  # the comparison covered trained weights



def test_channels_last_training_matches_the_default_layout_within_float_tolerance(tmp_path):
    regs = toy_registries()
    layouts = {}
    for layout in ("channels_last", "contiguous"):
        recipe = toy_recipe(*ADVERSARIAL, *PLAIN, f"train.memory_format={layout}", registries=regs)
        layouts[layout] = last(run(recipe, out_dir=tmp_path / layout, registries=regs))
    fast, plain = layouts["channels_last"], layouts["contiguous"]
    assert fast.keys() == plain.keys()
    for key in fast:
        torch.testing.assert_close(fast[key].float(), plain[key].float(), rtol=1e-4, atol=1e-5,
                                   msg=lambda m, key=key: f"{key}: {m}")

def settings(**overrides):
    return OptimizerSettings(lr=1e-3, **overrides)


def test_auto_takes_the_fused_kernel_on_cpu_and_false_keeps_torchs_default():
    net = torch.nn.Linear(3, 2)
    assert implementation(optimizer(net, settings(), torch.device("cpu"))) == "fused"
    assert implementation(optimizer(net, settings(fused=True), torch.device("cpu"))) == "fused"
    assert implementation(optimizer(net, settings(fused=False), torch.device("cpu"))) == "default"


def test_no_fused_kernel_falls_back_under_auto_and_is_a_recipe_error_when_asked_for():
    net = torch.nn.Linear(3, 2, device="meta")  # a device torch has no fused Adam for
    assert implementation(optimizer(net, settings(), torch.device("meta"))) == "default"
    with pytest.raises(RecipeError, match="fused: true"):
        optimizer(net, settings(fused=True), torch.device("meta"))


def test_a_resumed_optimiser_keeps_its_own_implementation():
    net = torch.nn.Linear(3, 2)
    fused = Adam(net.parameters(), lr=1e-2, fused=True)
    net(torch.randn(4, 3)).sum().backward()
    fused.step()
    plain = Adam(net.parameters(), lr=1e-2)
    plain.load_state_dict(fused.state_dict())  # torch's own would copy fused=True over
    assert implementation(plain) == "default"
    plain.step()  # and it runs with the loaded moments
    assert all(float(s["step"]) == 2 for s in plain.state.values())


def test_cpu_runs_fp32_whatever_the_recipe_asks_and_contiguous_unless_asked():
    cpu = torch.device("cpu")
    for precision in ("auto", "bf16", "fp16"):
        assert plan(TrainSettings(precision=precision), cpu) == Plan()
        asked = plan(TrainSettings(precision=precision, memory_format="channels_last"), cpu)
        assert asked == Plan(memory_format=torch.channels_last)


@pytest.mark.parametrize("bf16, dtype, scaler", [(True, torch.bfloat16, False),
                                                 (False, torch.float16, True)])
def test_cuda_defaults_to_mixed_precision_in_channels_last(monkeypatch, bf16, dtype, scaler):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    chosen = plan(TrainSettings(), torch.device("cuda"))
    assert (chosen.autocast_dtype, chosen.scaler) == (dtype, scaler)
    assert chosen.memory_format is torch.channels_last


def test_cuda_fp32_stays_contiguous_unless_the_recipe_says_otherwise():
    cuda = torch.device("cuda")
    assert plan(TrainSettings(precision="fp32"), cuda) == Plan()
    forced = plan(TrainSettings(precision="fp32", memory_format="channels_last"), cuda)
    assert forced.memory_format is torch.channels_last and forced.autocast_dtype is None
    kept = plan(TrainSettings(precision="fp16", memory_format="contiguous"), cuda)
    assert kept.memory_format is torch.contiguous_format and kept.scaler


def test_batches_move_in_the_networks_layout_and_hole_boxes_stay_on_the_host():
    batch = {"image": torch.randn(2, 3, 8, 8), "mask": torch.ones(2, 1, 8, 8),
             "hole_box": torch.tensor([[0, 0, 4, 4]] * 2), "name": ["a", "b"],
             "label": torch.tensor([1, 2])}
    moved = to_device(batch, torch.device("cpu"), torch.channels_last)
    assert moved["image"].is_contiguous(memory_format=torch.channels_last)
    assert not moved["image"].is_contiguous()
    assert moved["hole_box"] is batch["hole_box"] and moved["name"] == ["a", "b"]
    assert torch.equal(moved["label"], batch["label"])
    assert to_device(batch, torch.device("cpu"))["image"].is_contiguous()


FAULTS = """
import resource, sys, torch
from corefill.engine.speed import keep_freed_memory

def faults_per_round(rounds=4):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        torch.ones(64 * 2**18)  # 64 MiB allocated, written, freed: a step's activations
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / rounds

returned = faults_per_round()  # glibc's defaults, as a process starts
if not keep_freed_memory(True):
    sys.exit(3)
faults_per_round(12)  # aligned requests grow the heap until freed blocks coalesce
print(returned, faults_per_round())
"""


def test_kept_freed_memory_is_reused_without_page_faults():
    # a fresh process: glibc's defaults are those of its start
    done = subprocess.run([sys.executable, "-c", FAULTS], capture_output=True, text=True)
    if done.returncode == 3:
        pytest.skip("the allocator setting needs glibc (Linux)")
    assert done.returncode == 0, done.stderr[-2000:]
    returned, kept = map(float, done.stdout.split())
    pages = 64 * 2**20 / resource.getpagesize()
    assert returned > 0.5 * pages  # every round faulted its pages in again
    assert kept < 0.05 * pages


def test_report_json_throughput_has_three_significant_figures():
    train = TrainSettings(max_epochs=1)
    summary = training_summary(train, step=3, epoch=1, seconds=7.0, images=10,
                               stopped_by=None, epoch_steps=3)
    assert summary["train_images_per_s"] == 1.43


@pytest.mark.parametrize("value, shown", [(1.1049, "1.10"), (0.01234, "0.0123"), (957.2, "957"),
                                          (1074.6, "1070"), (12345.0, "12300"), (99.96, "100.")])
def test_throughput_is_shown_to_three_figures_without_an_exponent(value, shown):
    assert significant(value) == shown.rstrip(".")
