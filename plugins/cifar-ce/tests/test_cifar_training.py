"""A short real training run through the engine: the centre loss falls, the run folder is complete."""

import numpy as np
import pytest

from corefill.testing import run_records, run_report, train_recipe


def tiny_recipe():
    return {
        "name": "cifar-tiny",
        "seed": 0,
        "data": {"dataset": {"name": "cifar10", "params": {
            "embedded_size": 128, "embedded_train_crops": 24, "embedded_eval_crops": 2}},
            "batch_size": 16},
        "masker": {"name": "center", "params": {"size": 16}},
        "generator": {"name": "cifar-context-encoder", "params": {"base_channels": 16}},
        "discriminator": {"name": "cifar-centre-critic", "input": "fill",
                          "params": {"base_channels": 16}},
        "losses": [{"name": "l2-hole", "weight": 0.999}, {"name": "bce", "weight": 0.001}],
        "metrics": ["psnr_hole", "l2_hole"],
        "baselines": ["mean-fill"],
        "train": {"max_epochs": 3, "log_every": 3, "val_every": 3, "best_metric": "psnr_hole",
                  "generator_optimizer": {"lr": 0.0005, "betas": [0.5, 0.999]},
                  "discriminator_optimizer": {"lr": 0.0001, "betas": [0.5, 0.999]}},
    }


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    return train_recipe(tiny_recipe(), tmp_path_factory.mktemp("cifar-run"))


def test_centre_loss_falls(trained_run):
    records = run_records(trained_run)
    losses = [r["loss/l2-hole"] for r in records]
    assert len(losses) >= 6
    assert np.mean(losses[-2:]) < 0.5 * losses[0]
    # The adversarial term ran too: the discriminator saw real and generated centres.
    assert all(np.isfinite(r["loss/bce"]) for r in records)


def test_report_compares_with_the_baseline(trained_run):
    report = run_report(trained_run)
    models = report["models"]
    assert set(models) == {"trained", "mean-fill"}
    trained = models["trained"]["metrics"]
    assert 5 < trained["psnr_hole"] < 60 and trained["l2_hole"] < 0.2
    assert (trained_run / "checkpoints" / "best.pt").is_file()
