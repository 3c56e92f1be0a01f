"""The report's verdict: margins against the best baseline, their direction, paired
bootstrap intervals that tell a real margin from noise, bold bests and no empty tables."""
import json

import numpy as np
import pytest
import torch

from corefill.engine import spread
from corefill.engine.report import render_markdown, training_line, write_report


def per_image(values):
    return {"per_sample": {"psnr_hole": torch.tensor(values, dtype=torch.float64)},
            "dataset_metrics": {}, "metrics": {"psnr_hole": float(np.mean(values))}}


def test_a_consistent_lead_is_a_real_margin_and_a_noisy_one_is_not():
    rng = np.random.default_rng(0)
    base = rng.normal(25.0, 3.0, size=40)  # images differ a lot from each other...
    results = {"trained": per_image(base + 1.0),  # ...but the model is 1 dB better on each
               "telea": per_image(base),
               "noisy": per_image(base + rng.normal(0.0, 4.0, size=40) - 2.0)}
    summary = spread.summarise(results, {"psnr_hole": True}, count=40)
    (entry,) = summary["verdict"]
    assert entry["best_baseline"] == "telea" and entry["better"] and entry["clear"]
    assert entry["advantage"] == pytest.approx(1.0)
    low, high = entry["margin_ci95"]
    assert low > 0 and high == pytest.approx(1.0)  # paired: the shared spread cancels
    assert entry["sentence"].startswith("the trained model beats every baseline on "
                                        "psnr_hole by +1 dB")
    assert "a real margin" in entry["sentence"] and summary["smoke_check"] is True

    # unpaired noise of 4 dB per image around a 0.5 dB lead: within noise
    results["trained"] = per_image(base + 0.5 + rng.normal(0.0, 4.0, size=40))
    (entry,) = spread.summarise(results, {"psnr_hole": True}, count=40)["verdict"]
    assert entry["clear"] is False and "within noise" in entry["sentence"]


def test_lower_is_better_metric_behind_a_baseline_reads_negative():
    fid = {"trained": 158.0, "telea": 150.0, "navier-stokes": 138.0}
    entry = spread.metric_verdict("fid", False, fid, None, {})
    assert entry["best_baseline"] == "navier-stokes" and not entry["better"]
    assert entry["margin"] == pytest.approx(20.0) and entry["advantage"] == pytest.approx(-20.0)
    assert entry["sentence"] == ("the trained model is behind navier-stokes on fid by −20 "
                                 "(158 vs 138)")
    assert entry["clear"] is None  # no draws: no interval, no claim either way


def test_per_image_spread_ignores_items_without_a_hole():
    values = torch.tensor([20.0, 22.0, float("nan"), 24.0], dtype=torch.float64)
    result = {"per_sample": {"psnr_hole": values}, "dataset_metrics": {}}
    got = spread.model_spread(result, ["psnr_hole"], spread.bootstrap_indices(4, 500))
    assert got["psnr_hole"]["std"] == pytest.approx(2.0)
    assert got["psnr_hole"]["stderr"] == pytest.approx(2.0 / np.sqrt(3))
    low, high = got["psnr_hole"]["ci95"]
    assert 20.0 <= low < 22.0 < high <= 24.0


class FakeFID:
    """A dataset-level metric whose value on a subset is its mean index: checks that the
    bootstrap hands it the resampled indices."""

    def compute_subset(self, indices):
        return float(np.mean(indices))


def test_dataset_level_metric_is_bootstrapped_through_compute_subset():
    result = {"per_sample": {}, "dataset_metrics": {"fid": FakeFID()}}
    draws = spread.metric_draws(result, "fid", spread.bootstrap_indices(9, 300))
    assert len(draws) == spread.DATASET_DRAWS and 2.0 < draws.mean() < 6.0
    big = spread.bootstrap_indices(spread.DATASET_MAX_IMAGES + 1, 2)
    assert spread.metric_draws(result, "fid", big) is None  # too costly: left out


def report(models, by_area, images=19):
    return {
        "recipe": "knee", "recipe_hash": "abc", "split": "test", "images": images,
        "checkpoint": "best", "smoke_check": images < spread.SMOKE_IMAGES,
        "training": {"steps": 30, "epochs": 0, "seconds": 2.0, "train_images_per_s": 15.0,
                     "planned_epochs": 14, "planned_steps": 14 * 347,
                     "stopped_by": "max_steps", "stopped_early": True},
        "metrics": [{"name": "psnr_hole", "higher_is_better": True},
                    {"name": "fid", "higher_is_better": False}],
        "verdict": [spread.metric_verdict("psnr_hole", True,
                                          {k: v[0] for k, v in models.items()}, None, {}),
                    spread.metric_verdict("fid", False,
                                          {k: v[1] for k, v in models.items()}, None, {})],
        "models": {k: {"component": k, "role": "trained" if k == "trained" else "baseline",
                       "metrics": {"psnr_hole": v[0], "fid": v[1]},
                       "spread": {"psnr_hole": {"ci95": [v[0] - 1, v[0] + 1]},
                                  "fid": {"ci95": None}},
                       "by_mask_area": by_area}
                   for k, v in models.items()},
    }


def test_markdown_opens_with_the_verdict_and_bolds_each_columns_best():
    models = {"trained": (26.88, 158.0), "telea": (25.85, 150.0), "navier-stokes": (25.8, 138.0)}
    text = render_markdown(report(models, {"20-30%": {"count": 19, "psnr_hole": 26.0}}))
    lines = text.splitlines()
    verdict = lines.index("## Verdict")
    assert verdict < lines.index("## Scores")
    assert lines[verdict + 2].startswith("**Smoke check:** 19 test images")
    assert ("- **psnr_hole** (higher is better): the trained model beats every baseline on "
            "psnr_hole by +1.03 dB (26.88 vs 25.85).") in lines
    assert ("- **fid** (lower is better): the trained model is behind navier-stokes on fid "
            "by −20 (158 vs 138).") in lines
    # no draws, no interval: a lead is not counted as a win
    assert ("In short: the trained model beats the best baseline by a real margin on 0 of 2 "
            "metrics; 2 margins have no interval to judge by (ahead on 1 of them).") in lines
    assert "| trained | trained | **26.88** [25.88, 27.88] | 158 |" in lines
    assert "| navier-stokes | navier-stokes | 25.8 [24.8, 26.8] | **138** |" in lines
    # every mask in one bin: the per-area table would repeat the scores
    assert "mask area" not in text
    assert any(line.startswith("Training: 30 steps, epoch 1 of 14 (30 of its 347 steps), ")
               for line in lines)


def test_mask_area_table_only_with_two_bins_and_no_smoke_note_for_a_real_test_set(tmp_path):
    bins = {"10-20%": {"count": 30, "psnr_hole": 27.0}, "20-30%": {"count": 30, "psnr_hole": 25.0}}
    data = report({"trained": (26.0, 140.0), "telea": (25.0, 150.0)}, bins, images=60)
    json_path, md_path = write_report(tmp_path, data)
    text = md_path.read_text()
    assert "## By mask area" in text and "| trained | 20-30% | 30 | 25 |" in text
    assert "Smoke check" not in text
    assert json.loads(json_path.read_text())["verdict"][0]["better"] is True


@pytest.mark.parametrize("training, expected", [
    ({"steps": 4858, "epochs": 14, "stopped_by": None},
     "Training: 4858 steps, 14 epochs, "),
    ({"steps": 1041, "epochs": 3, "stopped_by": "early_stopping"},
     "Training: 1041 steps, 3 epochs (early stopping) of 14 planned, "),
    ({"steps": 694, "epochs": 2, "stopped_by": "max_steps"},
     "Training: 694 steps, 2 epochs of 14 planned, "),
])
def test_training_line_counts_epochs_like_the_console(training, expected):
    training.update(planned_epochs=14, planned_steps=14 * 347, train_images_per_s=9.0)
    line = training_line(training)
    assert line.startswith(expected) and line.endswith(" images/s.")
