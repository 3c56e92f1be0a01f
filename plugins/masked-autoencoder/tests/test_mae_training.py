"""A short real training run through the engine: hole MSE falls, bad-epoch early stopping runs."""

import numpy as np
import pytest

from corefill.testing import run_records, run_report, train_recipe


def tiny_recipe():
    return {
        "name": "mae-tiny",
        "seed": 0,
        "data": {"dataset": {"name": "sample-photos", "params": {
            "channels": 1, "size": 128, "crop_size": 32, "crops_per_image": 12,
            "val_fraction": 0.25, "test_fraction": 0.25, "value_range": [0.0, 1.0]}},
            "batch_size": 16, "splits": {"val": {"crops_per_image": 2}, "test": {"crops_per_image": 2}}},
        "masker": {"name": "center", "params": {"size": 8}},
        "generator": {"name": "completion-autoencoder", "params": {"base_channels": 8, "depth": 3}},
        "losses": [{"name": "l2-hole", "weight": 1.0}],
        "metrics": [{"name": "accuracy_hole", "params": {"tolerance": 0.005}}, "l2_hole"],
        "baselines": [{"name": "mean-fill", "params": {"value_range": [0.0, 1.0]}}],
        "train": {"max_epochs": 4, "log_every": 3, "best_metric": "loss",
                  "generator_optimizer": {"lr": 0.003, "betas": [0.9, 0.999]},
                  "scheduler": {"name": "step", "step_size": 2, "gamma": 0.5},
                  "early_stopping": {"metric": "loss", "patience": 3, "rule": "bad-epochs"}},
    }


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    return train_recipe(tiny_recipe(), tmp_path_factory.mktemp("mae-run"))


def test_hole_mse_falls(trained_run):
    losses = [r["loss/l2-hole"] for r in run_records(trained_run)]
    assert len(losses) >= 8
    assert np.mean(losses[-2:]) < 0.5 * losses[0]
    vals = [r["l2_hole"] for r in run_records(trained_run, "val")]
    assert len(vals) >= 2 and vals[-1] < vals[0]


def test_report_has_the_seed_metrics(trained_run):
    models = run_report(trained_run)["models"]
    trained = models["trained"]["metrics"]
    assert 0.0 <= trained["accuracy_hole"] <= 1.0
    assert trained["l2_hole"] < 0.1
    assert set(models) == {"trained", "mean-fill"}
