"""`corefill evaluate RECIPE --checkpoint A --checkpoint B`: every model and baseline on the
same images and masks, paired intervals between the models, the best one named, a card per
metric, cost per model and a sample grid with a row per model."""
import json
import subprocess
import sys

import pytest
from PIL import Image

from corefill.engine import run
from toy_cli import SCRIPT, write_recipe
from toy_components import toy_recipe, toy_registries


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    long = run(toy_recipe("train.max_epochs=4"), out_dir=root / "long", registries=toy_registries())
    short = run(toy_recipe("train.max_epochs=1", "train.max_steps=1"), out_dir=root / "short",
                registries=toy_registries())
    return root, long, short


def _evaluate(root, *args):
    recipe = write_recipe(root / "toy.yaml", "data.splits.test.count=12")
    return subprocess.run([sys.executable, str(SCRIPT), "evaluate", str(recipe), *args,
                           "--out", str(root / "report")], capture_output=True, text=True)


def test_two_checkpoints_in_one_report(two_runs):
    root, long, short = two_runs
    done = _evaluate(root, "--checkpoint", str(long / "checkpoints" / "last.pt"),
                     "--checkpoint", str(short))
    assert done.returncode == 0, done.stderr
    report = json.loads((root / "report" / "report.json").read_text())
    models = report["models"]
    assert set(models) == {"long/last", "short/best", "mean-fill", "zero-fill"} or \
        set(models) == {"long/last", "short/last", "mean-fill", "zero-fill"}
    keys = [k for k, e in models.items() if e["role"] == "trained"]
    assert len(keys) == 2 and report["images"] == 12
    comparison = report["comparison"]
    pairs = [p for p in comparison["pairs"] if p["metric"] == "mae_hole"]
    assert len(pairs) == 1 and pairs[0]["ci95"] is not None
    low, high = pairs[0]["ci95"]
    assert low <= high
    # 4 epochs beat 1 step on the hole error, by a margin the interval can resolve
    assert comparison["best"]["mae_hole"] == "long/last" == comparison["best_model"]
    assert "best model: long/last" in done.stdout
    assert all(entry["model"] == "long/last" for entry in report["verdict"])
    # cards, cost, samples
    card = report["metrics_info"]["mae_hole"]
    assert card["images"] == 12 and card["region"] == "hole pixels" and card["resize"]
    for key in models:
        cost = models[key]["cost"]
        assert cost["ms_per_image_batch1"] > 0 and cost["batch_size"] == 4 and cost["device"] == "cpu"
    samples = report["samples"]
    assert len(samples["items"]) == 4
    grid = Image.open(root / "report" / "samples.png")
    assert grid.size[1] > 6 * 128  # real, input and four models: a row each
    markdown = (root / "report" / "report.md").read_text()
    assert "## Metric cards" in markdown and "## Models compared" in markdown
    assert "## Cost on cpu" in markdown and "![samples](samples.png)" in markdown


def test_a_folder_that_is_no_run_is_one_line(tmp_path):
    recipe = write_recipe(tmp_path / "toy.yaml")
    done = subprocess.run([sys.executable, str(SCRIPT), "evaluate", str(recipe), "--checkpoint",
                           str(tmp_path), "--out", str(tmp_path / "r")], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "neither a checkpoint nor a run folder" in done.stderr


def test_samples_show_the_largest_hole_over_content_not_an_empty_slice():
    import torch

    from corefill.engine.report_samples import Showcase

    images = torch.zeros(4, 1, 16, 16)
    images[1] = torch.rand(1, 16, 16)  # texture under the hole
    images[2, :, :, 8:] = 1.0  # an edge under the hole
    masks = torch.zeros(4, 1, 16, 16)
    masks[:, :, 2:14, 2:14] = 1
    masks[2, :, 6:10, 6:10] = 0  # a smaller hole over the same kind of content
    showcase = Showcase(2, (0.0, 1.0))
    batch = {"image": images, "input": images, "mask": masks, "name": ["empty", "texture", "edge", "e2"]}
    showcase(batch, {"model-a": images, "model-b": images})
    assert [entry[2] for entry in showcase.kept] == ["edge", "texture"] or \
        [entry[2] for entry in showcase.kept] == ["texture", "edge"]
    assert "empty" not in [entry[2] for entry in showcase.kept]
