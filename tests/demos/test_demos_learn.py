"""Each demo recipe, shrunk to a few short epochs, learns: the validation metric it keeps
its best checkpoint by rises from the first epoch to the last (the recipes' own networks,
losses and optimisers; only the data per epoch, the epochs and the scoring are cut)."""
import json
from pathlib import Path

import pytest

from corefill.testing import run_cli

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
FAST = ["baselines=[]", "train.val_every=1", "train.checkpoint_every_minutes=null",
        "train.tensorboard=false"]
DEMOS = {
    "knee.yaml": ("psnr_hole", ["data.dataset.params.train_crops=256", "metrics=[psnr_hole]"]),
    "cifar-ce.yaml": ("psnr_hole", ["data.dataset.params.embedded_train_crops=48",
                                    "metrics=[psnr_hole]"]),
    "masked-autoencoder.yaml": ("psnr_hole", ["data.dataset.params.crops_per_image=24",
                                              "metrics=[psnr_hole]", "train.early_stopping=null",
                                              "train.best_metric=psnr_hole"]),
    "kaggle-rgb-gan.yaml": ("psnr_hole", ["data.dataset.params.crops_per_image=12",
                                          "metrics=[psnr_hole]"]),
    "pix2pix-oasis.yaml": ("ssim_full", ["data.dataset.params.limit=40",
                                         "metrics=[ssim_full]"]),
}


def validation(run: Path, metric: str) -> list[float]:
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [row[metric] for row in rows if row["type"] == "val" and metric in row]


@pytest.mark.slow
@pytest.mark.parametrize("recipe", sorted(DEMOS))
def test_the_demo_learns(recipe, tmp_path):
    metric, shrink = DEMOS[recipe]
    overrides = [arg for o in [*shrink, *FAST, "train.max_epochs=4"] for arg in ("-o", o)]
    assert run_cli("run", str(RECIPES / recipe), *overrides, "--out", str(tmp_path)) == 0
    scores = validation(tmp_path, metric)
    assert len(scores) == 4, scores
    assert scores[-1] > scores[0], f"{recipe}: {metric} by epoch {scores}"
