"""Each demo recipe, shrunk to a few short epochs, learns: the validation metric it keeps
its best checkpoint by rises from the first validation to the last (the recipes' own
networks, losses and optimisers; only the data per epoch, the epochs and the scoring are
cut). The demos with ``blend: residual`` start at the harmonic fill and learn a correction
of it: they keep their data and train long enough for the correction to show (their first
validation is the harmonic fill's score, so rising above it is the point)."""
import json
from pathlib import Path

import pytest

from corefill.testing import run_cli

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
FAST = ["baselines=[]", "train.val_every=1", "train.checkpoint_every_minutes=null",
        "train.tensorboard=false"]
DEMOS = {
    "knee.yaml": ("psnr_hole", ["data.dataset.params.train_crops=512", "metrics=[psnr_hole]"]),
    # 40 steps an epoch, scored on 80 crops: 25.31 at epoch 2, 25.86 at epoch 8 (AMD EPYC)
    "cifar-ce.yaml": ("psnr_hole", ["metrics=[psnr_hole]", "train.max_epochs=8",
                                    "train.val_every=2",
                                    "data.dataset.params.embedded_eval_crops=8"]),
    # 4 steps an epoch: 14.37 at epoch 5, 17.81 at epoch 15 (AMD EPYC, the full demo)
    "masked-autoencoder.yaml": ("psnr_hole", ["metrics=[psnr_hole]", "train.max_epochs=15",
                                              "train.val_every=5", "train.early_stopping=null",
                                              "train.best_metric=psnr_hole"]),
    # 29.15 at epoch 4, 29.42 at epoch 12 (AMD EPYC)
    "kaggle-rgb-gan.yaml": ("psnr_hole", ["metrics=[psnr_hole]", "train.max_epochs=12",
                                          "train.val_every=4"]),
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
    # FAST sets val_every=1 and max_epochs=4 unless the demo's shrink says otherwise
    settings = [*FAST, "train.max_epochs=4", *shrink]
    overrides = [arg for o in settings for arg in ("-o", o)]
    assert run_cli("run", str(RECIPES / recipe), *overrides, "--out", str(tmp_path)) == 0
    scores = validation(tmp_path, metric)
    assert len(scores) >= 2, scores
    assert scores[-1] > scores[0], f"{recipe}: {metric} by validation {scores}"
