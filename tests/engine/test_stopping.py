"""Early stopping: the patience rule and the masked-autoencoder source's bad-epoch rule, unit and end to end."""
import json

import pytest

from corefill.engine import run
from corefill.engine.stopping import EarlyStopper
from corefill.errors import RecipeError
from toy_components import toy_recipe, toy_registries


def stops_at(values, rule, patience, higher_is_better=False):
    stopper = EarlyStopper("loss", patience, rule, higher_is_better)
    for epoch, value in enumerate(values, start=1):
        if stopper.update(value, epoch):
            return epoch
    return None


def test_patience_rule_counts_validations_without_strict_improvement():
    assert stops_at([5, 4, 4, 4.5], "patience", 3) is None  # 2 without improvement
    assert stops_at([5, 4, 4, 4.5, 4.2], "patience", 3) == 5
    assert stops_at([5, 4, 4.5, 3, 3.5, 3.2], "patience", 3) is None  # 3 reset the count
    assert stops_at([1, 2, 3, 2.5], "patience", 2, higher_is_better=True) is None
    assert stops_at([3, 2, 1], "patience", 2, higher_is_better=True) == 3


def test_bad_epoch_rule_adds_when_worse_subtracts_when_better_with_floor_zero():
    # counts 0, 1 (worse), 2 (worse than best 1.0), 1 (new best), 2, 3: stop
    assert stops_at([1.0, 1.5, 1.2, 0.9, 1.1, 1.3], "bad-epochs", 3) == 6
    # the patience rule stops after 3 validations without improvement...
    assert stops_at([1.0, 1.5, 1.2, 1.4, 0.8], "patience", 3) == 4
    # ...the bad-epoch rule forgives a not-worse epoch: 1, 2, 1 (equal), 2, then new best
    assert stops_at([1.0, 1.5, 1.2, 1.0, 1.4, 0.8], "bad-epochs", 3) is None
    # the floor: many improvements do not bank credit
    assert stops_at([5, 4, 3, 2, 1, 2, 3, 4], "bad-epochs", 3) == 8


def test_state_round_trip():
    stopper = EarlyStopper("psnr", 3, "bad-epochs", True)
    stopper.update(20.0, 1)
    stopper.update(19.0, 2)
    again = EarlyStopper("psnr", 3, "bad-epochs", True)
    again.load_state_dict(stopper.state_dict())
    assert again.count == 1 and again.tracker.best == 20.0


@pytest.mark.parametrize("rule", ["patience", "bad-epochs"])
def test_run_stops_early_when_validation_does_not_improve(tmp_path, rule):
    # lr = 0: the validation loss never changes, so every epoch after the first is "no
    # improvement" (patience) and "not worse" for bad-epochs (which then never stops).
    recipe = toy_recipe("train.max_epochs=6", "train.generator_optimizer.lr=1e-30",
                        "train.early_stopping.metric=loss", "train.early_stopping.patience=2",
                        f"train.early_stopping.rule={rule}")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    report = json.loads((folder / "report.json").read_text())
    training = report["training"]
    if rule == "patience":
        assert training["epochs"] == 3 and training["stopped_early"]
        assert training["stopped_by"] == "early_stopping" and "limit" not in training
        assert "3 epochs (early stopping)" in (folder / "report.md").read_text()
    else:
        assert training["epochs"] == 6 and not training["stopped_early"]
        assert training["stopped_by"] is None
    assert report["checkpoint"] == "best"


def test_unknown_validation_key_is_a_recipe_error(tmp_path):
    recipe = toy_recipe("train.early_stopping.metric=psnr")
    with pytest.raises(RecipeError, match="train.early_stopping.metric: unknown validation "
                                          "key 'psnr'; available: loss, mae_all, mae_hole"):
        run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
