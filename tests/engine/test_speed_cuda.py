"""The CUDA path: mixed precision by default, fused Adam, channels_last, and no host sync
in a training step. Skipped without a GPU (this project's CI machines have none)."""
import pytest
import torch

from corefill.engine.data import to_device
from corefill.engine.optim import implementation, optimizer
from corefill.engine.speed import apply_layout, plan
from corefill.engine.steps import LossSet, StepParts, Update, make_step
from corefill.recipe import OptimizerSettings, TrainSettings
from toy_components import BCEAdversarial, L1Hole, TinyDiscriminator, TinyGenerator

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs a CUDA GPU: the mixed-precision path runs there")


def cuda_step(chosen):
    device = torch.device("cuda")
    torch.manual_seed(0)
    nets = {"generator": TinyGenerator(), "discriminator": TinyDiscriminator()}
    opts, scalers = {}, {}
    for name, net in nets.items():
        apply_layout(net.to(device), chosen)
        opts[name] = optimizer(net, OptimizerSettings(lr=1e-3), device)
        if chosen.scaler:
            scalers[name] = torch.amp.GradScaler("cuda")
    losses = LossSet(reconstruction=[("l1", 1.0, L1Hole())],
                     adversarial=[("bce", 0.1, BCEAdversarial())])
    parts = StepParts(generator=nets["generator"], generator_raw=nets["generator"],
                      discriminator=nets["discriminator"],
                      discriminator_raw=nets["discriminator"], losses=losses,
                      update={k: Update(o, scalers.get(k)) for k, o in opts.items()},
                      autocast_dtype=chosen.autocast_dtype, device_type="cuda")
    return make_step(parts), opts


def batch(chosen):
    image = torch.rand(4, 1, 16, 16) * 2 - 1
    mask = torch.zeros(4, 1, 16, 16)
    mask[..., 4:12, 4:12] = 1
    host = {"image": image, "mask": mask, "input": image * (1 - mask),
            "hole_box": torch.tensor([[4, 4, 8, 8]] * 4)}
    return to_device({k: v.pin_memory() for k, v in host.items()}, torch.device("cuda"),
                     chosen.memory_format)


def test_default_cuda_plan_trains_with_fused_adam_and_no_host_sync():
    chosen = plan(TrainSettings(), torch.device("cuda"))
    assert chosen.autocast_dtype in (torch.bfloat16, torch.float16)
    step, opts = cuda_step(chosen)
    assert {implementation(o) for o in opts.values()} == {"fused"}
    step(batch(chosen))  # first step: allocations, cuDNN autotuning
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")  # any device-to-host wait raises
    try:
        for _ in range(3):
            losses = step(batch(chosen))
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(torch.isfinite(v).all() for v in losses.values())


def test_fp16_with_its_loss_scaler_trains():
    chosen = plan(TrainSettings(precision="fp16"), torch.device("cuda"))
    assert chosen.scaler
    step, _ = cuda_step(chosen)
    first = step(batch(chosen))["l1"].item()
    for _ in range(20):
        last = step(batch(chosen))["l1"].item()
    assert last < first
