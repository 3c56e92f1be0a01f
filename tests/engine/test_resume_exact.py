"""Runs killed with SIGKILL at the awkward moments and resumed end with every tensor of
last.pt (weights, optimiser state, RNG state) equal to an uninterrupted run's: killed
mid-epoch after a mid-epoch checkpoint, and killed in the validation that follows a
``max_steps`` stop."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from checkpoint_tensors import checkpoint, tensors

pytestmark = pytest.mark.slow  # a quick run: pytest -m "not slow"

SCRIPT = Path(__file__).with_name("run_toy.py")
# Adversarial, with dropout: training draws from the global RNG, as pix2pix does.
NETS = ["discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]",
        "generator.params.dropout=0.3", "train.log_every=1"]
# A plugin's own train step (WGAN-GP: random gradient-penalty points, a batch counter
# deciding G's updates): the counter is restored with the step's state.
WGAN_GP = ["--wgan-gp", "discriminator.name=wgan-critic", "discriminator.params.n_critic=3",
           "losses=[{name: l1-hole}, {name: wasserstein, weight: 0.01}]",
           "generator.params.dropout=0.3", "train.log_every=1"]


def launch(out_dir, *args):
    return subprocess.Popen([sys.executable, str(SCRIPT), str(out_dir), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process):
    assert process.wait(timeout=180) == 0, process.stderr.read().decode()[-3000:]


def kill_when(process, ready, what):
    deadline = time.monotonic() + 120
    while not ready():
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL


def assert_identical(whole, resumed):
    a, b = tensors(checkpoint(whole)), tensors(checkpoint(resumed))
    assert a.keys() == b.keys()
    assert "/rng/torch" in a and any(k.startswith("/optimizers/discriminator") for k in a)
    different = [key for key in a if not torch.equal(a[key], b[key])]
    assert not different, f"{len(different)} of {len(a)} tensors differ: {different[:5]}"


def records(folder, kind):
    lines = (Path(folder) / "metrics.jsonl").read_text().splitlines()
    rows = [r for r in map(json.loads, lines) if r["type"] == kind]
    return [{k: v for k, v in r.items() if k != "images_per_s"} for r in rows]  # timing


@pytest.mark.parametrize("nets", [NETS, WGAN_GP], ids=["adversarial", "wgan-gp-step"])
def test_killed_mid_epoch_after_a_mid_epoch_checkpoint_resumes_exactly(tmp_path, nets):
    # 48 items at batch 4: 12 steps an epoch, last.pt every 2 steps, ~0.1 s a step; killed
    # at the first mid-epoch checkpoint of epoch 2, 10 steps before its end would replace it
    args = [*nets, "train.max_epochs=2", "data.dataset.params.count=48",
            "data.dataset.params.delay=0.02", "train.checkpoint_every_steps=2"]
    whole = launch(tmp_path / "whole", *args)
    killed = launch(tmp_path / "killed", *args)
    last = tmp_path / "killed" / "checkpoints" / "last.pt"

    def mid_epoch_checkpoint():
        if not last.exists():
            return False
        state = torch.load(last, weights_only=True)
        return state["epoch"] == 1 and state["batch_in_epoch"] > 0

    kill_when(killed, mid_epoch_checkpoint, "a mid-epoch checkpoint in epoch 2")
    state = checkpoint(tmp_path / "killed")
    assert state["epoch"] == 1 and state["batch_in_epoch"] in range(2, 12, 2)  # mid-epoch
    assert state["step"] == 12 + state["batch_in_epoch"]

    finish(launch(tmp_path / "killed", "--resume", *args))
    finish(whole)
    assert_identical(tmp_path / "whole", tmp_path / "killed")
    # the log was cut back to the checkpoint: every loss logged once, and the same
    assert records(tmp_path / "killed", "train") == records(tmp_path / "whole", "train")
    assert records(tmp_path / "killed", "val") == records(tmp_path / "whole", "val")
    assert checkpoint(tmp_path / "killed")["step"] == 24
    assert checkpoint(tmp_path / "killed")["train_step"] == \
        checkpoint(tmp_path / "whole")["train_step"]


def test_killed_in_the_validation_after_a_step_limit_resumes_exactly(tmp_path):
    # lazy_mae moves the global RNG in the first validation of each process (as building
    # FID's network can): the resumed process validates first where the whole run did not.
    args = [*NETS, "train.max_epochs=2", "train.max_steps=5", "data.dataset.params.delay=0.01",
            "data.splits.val.delay=0.15", "metrics=[mae_hole, lazy_mae]"]
    whole = launch(tmp_path / "whole", *args)
    killed = launch(tmp_path / "killed", *args)
    log = tmp_path / "killed" / "metrics.jsonl"

    def trained_to_the_limit():  # step 5 (of epoch 2) is logged, then the final validation
        return log.exists() and '"step": 5, "epoch": 2' in log.read_text()

    kill_when(killed, trained_to_the_limit, "step 5")
    assert checkpoint(tmp_path / "killed")["step"] == 3  # the end of epoch 1
    assert not (tmp_path / "killed" / "report.json").exists()

    finish(launch(tmp_path / "killed", "--resume", *args))
    finish(whole)
    assert_identical(tmp_path / "whole", tmp_path / "killed")
    assert checkpoint(tmp_path / "killed")["step"] == 5
    report = json.loads((tmp_path / "killed" / "report.json").read_text())
    assert report["training"]["stopped_by"] == "max_steps"
