"""Checkpoints: a resumed run ends with the same weights as an uninterrupted one (SIGKILL:
test_resume_exact.py); changed recipes are refused unless forced, changed limits are not."""
import json

import pytest
import torch

from corefill.engine import run
from corefill.errors import CheckpointError
from checkpoint_tensors import checkpoint, tensors
from toy_components import toy_recipe, toy_registries


def assert_same_tensors(a, b, group):
    a, b = tensors(a), tensors(b)
    assert a.keys() == b.keys() and a, group
    assert all(torch.equal(a[k], b[k]) for k in a), group


@pytest.mark.parametrize("cut", [4, 3], ids=["mid-epoch", "at an epoch end"])
def test_resume_after_a_step_limit_matches_uninterrupted(tmp_path, cut):
    whole = run(toy_recipe("train.max_epochs=2"), out_dir=tmp_path / "whole",
                registries=toy_registries())
    run(toy_recipe("train.max_epochs=2", f"train.max_steps={cut}"), out_dir=tmp_path / "cut",
        registries=toy_registries())
    # a real change needs --force; lifting the limit (what the report advises) does not
    with pytest.raises(CheckpointError, match=r"generator_optimizer\.lr: 0\.01 -> 0\.02.*--force"):
        run(toy_recipe("train.max_epochs=2", "train.generator_optimizer.lr=0.02"),
            out_dir=tmp_path / "cut", resume=True, registries=toy_registries())
    run(toy_recipe("train.max_epochs=2", "train.max_steps=null"), out_dir=tmp_path / "cut",
        resume=True, registries=toy_registries())
    for group in ("networks", "optimizers", "rng"):
        assert_same_tensors(checkpoint(whole)[group], checkpoint(tmp_path / "cut")[group], group)
    report = json.loads((tmp_path / "cut" / "report.json").read_text())
    assert report["training"]["stopped_by"] is None and report["training"]["steps"] == 6
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


def test_a_checkpoint_from_before_newer_recipe_fields_resumes_without_force(tmp_path):
    """Fields the schema gained since a checkpoint was written count at their defaults;
    setting one to something else is still a change."""
    import yaml

    folder = tmp_path / "old"
    run(toy_recipe("train.max_epochs=2", "train.max_steps=3"), out_dir=folder,
        registries=toy_registries())
    path = folder / "checkpoints" / "last.pt"
    saved = torch.load(path, weights_only=True)
    recipe = yaml.safe_load(saved["recipe_yaml"])
    for settings in ("generator_optimizer", "discriminator_optimizer"):
        recipe["train"][settings].pop("fused")  # as an older corefill wrote it
    recipe["train"].pop("precision")
    saved["recipe_yaml"], saved["recipe_hash"] = yaml.safe_dump(recipe), "older"
    torch.save(saved, path)
    with pytest.raises(CheckpointError, match=r"train\.precision: 'auto' -> 'fp32'"):
        run(toy_recipe("train.max_epochs=2", "train.precision=fp32"), out_dir=folder,
            resume=True, registries=toy_registries())
    run(toy_recipe("train.max_epochs=2"), out_dir=folder, resume=True,
        registries=toy_registries())
    assert json.loads((folder / "report.json").read_text())["training"]["steps"] == 6
