"""A short real pix2pix training run through the engine, with RUN/test_outputs/."""
import cv2
import pytest

from corefill.testing import construct, run_records, run_report, train_recipe
from corefill_pix2pix.datasets.oasis import oasis_slices

RECIPE = {
    "name": "pix2pix-tiny",
    "seed": 0,
    "device": "cpu",
    "data": {
        "dataset": {"name": "oasis-slices",
                    "params": {"size": 128, "input_encoding": "scaled", "limit": 8}},
        "batch_size": 2,
    },
    "masker": "none",
    # Channels: the dataset's (1 scaled label channel in, 1 MRI channel out, D sees 2).
    "generator": {"name": "unet", "params": {"architecture": "unet_128", "base_channels": 8,
                                             "dropout": 0.0}},
    "discriminator": {"name": "patchgan", "input": "conditional",
                      "params": {"base_channels": 8}},
    "losses": [{"name": "bce", "weight": 1.0}, {"name": "l1", "weight": 100.0}],
    "metrics": ["ssim_full", "psnr_full"],
    "baselines": ["label-mean"],
    "train": {"max_epochs": 6, "log_every": 4, "sample_count": 1,
              "generator_optimizer": {"lr": 0.001}, "discriminator_optimizer": {"lr": 0.001}},
    "test_outputs": True,
}


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    return train_recipe(RECIPE, tmp_path_factory.mktemp("run") / "out")


def test_training_reduces_l1_and_reports_against_the_baseline(trained_run):
    records = run_records(trained_run)
    l1 = [r["loss/l1"] for r in records]
    assert len(l1) >= 4 and l1[-1] < 0.6 * l1[0], l1
    assert all("images_per_s" in r for r in records)
    report = run_report(trained_run)
    assert set(report["models"]) == {"trained", "label-mean"}
    assert report["training"]["train_images_per_s"] > 0
    for entry in report["models"].values():
        assert 0 < entry["metrics"]["ssim_full"] <= 1 and entry["metrics"]["psnr_full"] > 5
    assert sorted(p.name for p in (trained_run / "samples").glob("epoch_*.png"))[-1] == \
        "epoch_0006.png"


def test_test_outputs_cover_the_whole_test_split(trained_run):
    written = sorted((trained_run / "test_outputs").glob("*.png"))
    names = construct(oasis_slices, split="test", size=128, limit=8).names  # the recipe's limit
    assert [p.stem for p in written] == sorted(names)
    image = cv2.imread(str(written[len(written) // 2]), cv2.IMREAD_GRAYSCALE)
    assert image.shape == (128, 128) and image.std() > 5  # a brain, not a flat image
