"""A short real GAN training run through the engine: summed hole L1 falls, D and G both train."""

import numpy as np
import pytest

from corefill.testing import run_records, run_report, train_recipe


def tiny_recipe():
    return {
        "name": "kaggle-tiny",
        "seed": 0,
        "data": {"dataset": {"name": "sample-photos", "params": {
            "photos": "colour", "size": 128, "crop_size": 32, "crops_per_image": 8,
            "val_fraction": 0.25, "test_fraction": 0.25}},
            "batch_size": 8, "splits": {"val": {"crops_per_image": 1}, "test": {"crops_per_image": 1}}},
        "masker": {"name": "shapes", "params": {"max_hole_fraction": 0.4}},
        "generator": {"name": "kaggle-gan-generator", "params": {"base_channels": 16, "depth": 3}},
        "discriminator": {"name": "kaggle-patch-discriminator", "input": "image",
                          "params": {"base_channels": 8, "depth": 2}},
        "losses": [{"name": "l1-hole", "weight": 1.0, "params": {"reduction": "sum"}},
                   {"name": "lsgan", "weight": 1.0}],
        "metrics": ["psnr_hole", "l1_hole"],
        "baselines": ["mean-fill"],
        "train": {"max_epochs": 4, "log_every": 5, "val_every": 4, "best_metric": "psnr_hole",
                  "generator_optimizer": {"lr": 0.002, "betas": [0.5, 0.999]},
                  "discriminator_optimizer": {"lr": 0.0002, "betas": [0.5, 0.999]}},
    }


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    return train_recipe(tiny_recipe(), tmp_path_factory.mktemp("kaggle-run"))


def test_summed_hole_l1_falls(trained_run):
    train = run_records(trained_run)
    losses = [r["loss/l1-hole"] for r in train]
    assert len(losses) >= 6
    # Summed, not averaged: thousands for a batch of 8 RGB 32² crops with shape holes.
    assert losses[0] > 100
    assert np.mean(losses[-2:]) < 0.6 * losses[0]
    assert all(np.isfinite(r["loss/d_total"]) and np.isfinite(r["loss/lsgan"]) for r in train)


def test_report_compares_with_the_baseline(trained_run):
    models = run_report(trained_run)["models"]
    assert set(models) == {"trained", "mean-fill"}
    assert 5 < models["trained"]["metrics"]["psnr_hole"] < 60
