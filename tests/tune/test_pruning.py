"""Pruning through the engine's validation hook: the hook sees every validation, what it
raises ends the run, and a trial Optuna prunes is recorded as pruned at that epoch."""
import json

import pytest
import yaml

from corefill.engine import run
from corefill.engine.failure import TrainingFailed
from corefill.tune import tune
from toy_components import toy_recipe, toy_recipe_data, toy_registries

# Smaller than the engine tests' toy recipe, and scored on one metric without baselines.
TOY = toy_recipe_data("data.dataset.params.count=8", "data.splits.val.count=4",
                      "data.splits.test.count=4", "metrics=[mae_hole]", "baselines=[]",
                      "train.max_epochs=4", "train.sample_count=2")


class Stop(Exception):
    pass


def test_the_hook_sees_each_validation_and_what_it_raises_ends_the_run(tmp_path):
    seen = []

    def on_validation(epoch, values):
        seen.append((epoch, sorted(values)))
        if epoch == 2:
            raise Stop("enough")

    with pytest.raises(TrainingFailed) as failed:
        run(toy_recipe(), out_dir=tmp_path / "run", registries=toy_registries(),
            on_validation=on_validation)
    assert isinstance(failed.value.__cause__, Stop)
    assert seen == [(1, ["loss", "mae_all", "mae_hole"]), (2, ["loss", "mae_all", "mae_hole"])]
    logged = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").open()]
    assert max(entry["epoch"] for entry in logged) == 2  # epochs 3 and 4 never ran


def test_a_pruned_trial_stops_at_its_epoch_and_is_recorded_so(tmp_path, monkeypatch):
    import optuna

    recipe = tmp_path / "toy.yaml"
    recipe.write_text(yaml.safe_dump(TOY))
    # Any mae_hole above 0 is pruned once past the first validation.
    monkeypatch.setattr(optuna.pruners, "MedianPruner",
                        lambda **_: optuna.pruners.ThresholdPruner(upper=0.0, n_warmup_steps=2))
    lines = []
    study = tune(recipe, trials=1, spaces=["train.generator_optimizer.lr=loguniform(1e-3,1e-1)"],
                 metric="mae_hole", out=tmp_path / "tune", registries=toy_registries(),
                 say=lines.append)
    trial = study.trials[0]
    assert study.direction.name == "MINIMIZE"  # mae_hole: lower is better
    assert trial.state.name == "PRUNED" and trial.last_step == 2
    assert sorted(trial.intermediate_values) == [1, 2]
    folder = tmp_path / "tune" / "trial-0000"
    validations = [json.loads(line) for line in (folder / "metrics.jsonl").open()
                   if '"val"' in line]
    assert len(validations) == 2 and not (folder / "error.log").exists()
    assert "trial 0 pruned: mae_hole" in "\n".join(lines)
    assert not (tmp_path / "tune" / "best.yaml").exists()
    assert any("no trial completed" in line for line in lines)
