"""Checkpoints: a run killed with SIGKILL and resumed ends with the same weights as an
uninterrupted one; changed recipes are refused unless forced."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from corefill.engine import run
from corefill.errors import CheckpointError
from toy_components import toy_recipe, toy_registries

SCRIPT = Path(__file__).with_name("run_toy.py")
# Slow items so the run is still going when we kill it.
SLOW = ["train.max_epochs=6", "data.dataset.params.delay=0.03", "train.log_every=1"]


def launch(out_dir, *args):
    return subprocess.Popen([sys.executable, str(SCRIPT), str(out_dir), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def networks(folder):
    return torch.load(Path(folder) / "checkpoints" / "last.pt", weights_only=True)["networks"]


def assert_same(a, b):
    assert a.keys() == b.keys()
    for net in a:
        for key in a[net]:
            assert torch.equal(a[net][key], b[net][key]), (net, key)


def val_records(folder):
    lines = (Path(folder) / "metrics.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r["type"] == "val"]


def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path):
    adversarial = ["discriminator.name=tiny-d",
                   "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]"]
    whole = launch(tmp_path / "whole", *SLOW, *adversarial)
    killed = launch(tmp_path / "killed", *SLOW, *adversarial)
    last = tmp_path / "killed" / "checkpoints" / "last.pt"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if last.exists() and torch.load(last, weights_only=True)["epoch"] >= 2:
            break
        assert killed.poll() is None, killed.stderr.read().decode()
        time.sleep(0.05)
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait() == -signal.SIGKILL
    epoch_at_kill = torch.load(last, weights_only=True)["epoch"]
    assert epoch_at_kill < 6 and not (tmp_path / "killed" / "report.json").exists()

    resumed = launch(tmp_path / "killed", "--resume", *SLOW, *adversarial)
    assert resumed.wait(timeout=180) == 0, resumed.stderr.read().decode()
    assert whole.wait(timeout=180) == 0, whole.stderr.read().decode()
    assert_same(networks(tmp_path / "whole"), networks(tmp_path / "killed"))
    # metrics.jsonl was cut back to the checkpoint: no duplicated epochs
    assert val_records(tmp_path / "killed") == val_records(tmp_path / "whole")
    assert (tmp_path / "killed" / "report.json").exists()


def test_resume_mid_epoch_after_step_limit_matches_uninterrupted(tmp_path):
    whole = run(toy_recipe("train.max_epochs=2"), out_dir=tmp_path / "whole",
                registries=toy_registries())
    run(toy_recipe("train.max_epochs=2", "train.max_steps=4"), out_dir=tmp_path / "cut",
        registries=toy_registries())
    with pytest.raises(CheckpointError, match=r"train\.max_steps: 4 -> None.*--force"):
        run(toy_recipe("train.max_epochs=2"), out_dir=tmp_path / "cut", resume=True,
            registries=toy_registries())
    run(toy_recipe("train.max_epochs=2"), out_dir=tmp_path / "cut", resume=True, force=True,
        registries=toy_registries())
    assert_same(networks(whole), networks(tmp_path / "cut"))
    with pytest.raises(CheckpointError, match="does not fit the recipe's networks"):
        run(toy_recipe("train.max_epochs=3", "generator.params.width=4"),
            out_dir=tmp_path / "cut", resume=True, force=True, registries=toy_registries())


def test_fresh_run_in_used_folder_and_missing_checkpoint_are_refused(tmp_path):
    recipe = toy_recipe("train.max_epochs=1")
    run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    with pytest.raises(CheckpointError, match="already has a checkpoint.*--resume"):
        run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        run(recipe, out_dir=tmp_path / "other", resume=True, registries=toy_registries())
    (tmp_path / "bad" / "checkpoints").mkdir(parents=True)
    (tmp_path / "bad" / "checkpoints" / "last.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot load checkpoint"):
        run(recipe, out_dir=tmp_path / "bad", resume=True, registries=toy_registries())


def test_checkpoint_holds_everything_and_loads_weights_only(tmp_path):
    recipe = toy_recipe("train.max_epochs=1", "train.scheduler.name=step")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    state = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert {"networks", "optimizers", "schedulers", "rng", "step", "epoch", "recipe_yaml",
            "recipe_hash", "versions"} <= set(state)
    assert state["versions"]["corefill"] and state["versions"]["torch"]
    assert state["schedulers"]["generator"]["last_epoch"] == 1
    assert isinstance(state["rng"]["torch"], torch.Tensor)
    assert not list((folder / "checkpoints").glob("*.tmp"))
