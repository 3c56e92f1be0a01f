"""What a user sees after a (tiny) run: a report that opens with its verdict and leaves out
empty tables, epochs counted from 1 everywhere, labelled grids, split loss panels with the
baselines' validation scores beside the learning curve."""
import json

import torch
from PIL import Image

from corefill.engine import curves, run
from corefill.engine.validation import SampleCollector
import toy_components
from toy_components import toy_recipe, toy_registries

ADVERSARIAL = ["discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]"]


def records(folder):
    return [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]


def test_inpainting_run_reports_a_verdict_per_metric_and_no_single_bin_table(tmp_path, capsys,
                                                                             monkeypatch):
    fits = []
    fit = toy_components.MeanFill.fit
    monkeypatch.setattr(toy_components.MeanFill, "fit",
                        lambda self, loader: (fits.append(1), fit(self, loader)))
    recipe = toy_recipe("train.max_epochs=2", "train.log_every=1", *ADVERSARIAL)
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    assert len(fits) == 1  # fitted once, at the first validation; the test report reuses it
    report = json.loads((folder / "report.json").read_text())
    assert report["smoke_check"] is True  # 6 test images
    assert [v["metric"] for v in report["verdict"]] == ["mae_hole", "mae_all"]
    per_image, dataset_level = report["verdict"]  # the toy mae_all has no compute_subset
    assert {per_image["best_baseline"], dataset_level["best_baseline"]} <= {"mean-fill", "zero-fill"}
    low, high = per_image["margin_ci95"]
    assert low <= per_image["advantage"] <= high and dataset_level["margin_ci95"] is None
    for entry in report["models"].values():
        low, high = entry["spread"]["mae_hole"]["ci95"]
        assert low <= entry["metrics"]["mae_hole"] <= high and entry["spread"]["mae_hole"]["std"] > 0
    markdown = (folder / "report.md").read_text()
    lines = markdown.splitlines()
    assert lines.index("## Verdict") < lines.index("## Scores")
    verdict_lines = [line for line in lines if line.startswith("- **")]
    assert [line.split("**")[1] for line in verdict_lines] == ["mae_hole", "mae_all"]
    assert all(line.count("the trained model") == 1 for line in verdict_lines)
    assert "95% interval" in verdict_lines[0] and "95% interval" not in verdict_lines[1]
    assert "**Smoke check:** 6 test images" in markdown
    assert "mask area" not in markdown  # every 6x6 hole in a 16x16 image: one bin
    # epochs from 1: console, metrics.jsonl, sample grids agree; each validation said once
    assert {r["epoch"] for r in records(folder) if r["type"] == "train"} == {1, 2}
    assert [r["epoch"] for r in records(folder) if r["type"] == "val"] == [1, 2]
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and out.count("validation after epoch 2") == 1
    assert out.count("verdict: the trained model") == 2 and "(smoke check: 6 test images)" in out
    assert sorted(p.name for p in (folder / "samples").iterdir()) == [
        "epoch_0001.png", "epoch_0002.png"]
    panels = curves.panels(records(folder))
    assert [p["title"] for p in panels] == ["generator losses", "discriminator losses",
                                            "validation mae_hole", "validation mae_all"]
    # the learning curve against the baselines: their validation scores, logged once
    baselines = [r for r in records(folder) if r["type"] == "val-baseline"]
    assert sorted(r["model"] for r in baselines) == ["mean-fill", "zero-fill"]
    assert all(r["epoch"] == 1 and r["mae_hole"] > 0 for r in baselines)
    assert set(panels[2]["levels"]) == {"mean-fill", "zero-fill"}
    zero_fill = next(r for r in baselines if r["model"] == "zero-fill")
    assert panels[2]["levels"]["zero-fill"] == zero_fill["mae_hole"]


def test_a_limit_mid_epoch_validates_the_epoch_in_progress_under_its_own_words(tmp_path, capsys):
    notes = "notes=The toy generator is one conv;\n  it is here to exercise the engine."
    recipe = toy_recipe("train.max_epochs=3", "train.max_steps=5", "train.log_every=1", notes)
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    val = [r for r in records(folder) if r["type"] == "val"]
    # epoch 1 (3 steps) ends with its validation; 2 steps into epoch 2 the limit stops it
    assert [(r["epoch"], r.get("partial", False)) for r in val] == [(1, False), (2, True)]
    out = capsys.readouterr().out
    assert out.count("validation after epoch 1") == 1
    assert "validation at step 5 (epoch 2, stopped part-way)" in out
    markdown = (folder / "report.md").read_text()
    assert "Training: 5 steps, epoch 2 of 3 (2 of its 3 steps)" in markdown
    # the recipe's notes, under the verdict and on the console, on one line
    said = "The toy generator is one conv; it is here to exercise the engine."
    lines = markdown.splitlines()
    assert lines.index(f"**From the recipe:** {said}") < lines.index("## Scores")
    assert f"from the recipe: {said}" in out
    assert json.loads((folder / "report.json").read_text())["notes"].startswith("The toy")


def test_translation_run_has_no_mask_area_table_and_its_grid_starts_with_the_input(tmp_path):
    recipe = toy_recipe("train.max_epochs=1", "masker=none", "data.dataset.params.paired=true")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    assert "mask area" not in (folder / "report.md").read_text()
    grid = Image.open(folder / "samples" / "epoch_0001.png")
    assert grid.size[0] > 4 * 128 and grid.size[1] > 3 * 128


def test_sample_rows_are_labelled_and_a_dataset_preview_shows_its_input():
    batch = {"image": torch.zeros(2, 1, 8, 8), "input": torch.zeros(2, 3, 8, 8),
             "mask": torch.ones(2, 1, 8, 8), "name": ["a/b/scan-1.png", "scan-2"]}
    batch["input"][:, 2] = 1.0  # one-hot: every pixel has label 2

    def preview(one_hot):  # a label map in [-1, 1], as pix2pix's input_preview
        return one_hot.argmax(dim=1, keepdim=True).float() - 1.0

    samples = SampleCollector(4, (-1.0, 1.0), preview=preview, input_name="segmentation")
    samples(batch, {"trained": torch.zeros(2, 1, 8, 8)})
    rows = samples.labelled_rows()
    assert [label for label, _ in rows] == ["segmentation", "target", "output"]
    assert torch.all(rows[0][1] == 1.0)  # label 2 of 0..2: white, not a blank row
    assert samples.names == ["a/b/scan-1.png", "scan-2"]

    batch["mask"] = torch.zeros(2, 1, 8, 8)
    batch["mask"][:, :, 2:6, 2:6] = 1.0
    inpainting = SampleCollector(4, (-1.0, 1.0))
    inpainting({**batch, "input": batch["image"]}, {"trained": torch.zeros(2, 1, 8, 8)})
    assert [label for label, _ in inpainting.labelled_rows()] == ["real", "masked input", "output"]


def test_the_grid_shows_the_items_with_content_in_the_hole_not_the_first_ones():
    """A near-empty item (flat under the hole) never takes a grid place from one with
    structure there; the kept items stay in the split's order, whatever the batch size."""
    images = torch.zeros(6, 1, 8, 8)
    images[[1, 4], :, :, ::2] = 1.0  # stripes under the hole: content to fill
    images[5, :, 3:5, 3:5] = 1.0  # a little content
    mask = torch.zeros(6, 1, 8, 8)
    mask[:, :, 2:6, 2:6] = 1.0
    names = [f"slice-{i}" for i in range(6)]
    for size in (6, 4, 1):
        samples = SampleCollector(3, (0.0, 1.0))
        for start in range(0, 6, size):
            part = slice(start, start + size)
            samples({"image": images[part], "input": images[part] * (1 - mask[part]),
                     "mask": mask[part], "name": names[part]}, {"trained": images[part]})
        assert samples.names == ["slice-1", "slice-4", "slice-5"], size
        assert samples.positions == [1, 4, 5] and samples.grid_rows()[0].shape == (3, 1, 8, 8)


def test_tensorboard_gets_the_logged_scalars_and_the_labelled_grids(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    recipe = toy_recipe("train.max_epochs=2", "train.log_every=1", "train.tensorboard=true")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    events = EventAccumulator(str(folder / "tensorboard"), size_guidance={"images": 0})
    events.Reload()
    tags = events.Tags()
    assert {"train/loss/l1-hole", "train/images_per_s", "val/mae_hole", "val/mae_all",
            "val/loss"} <= set(tags["scalars"])
    assert [e.step for e in events.Scalars("val/mae_hole")] == [3, 6]
    grids = events.Images("samples")
    grid = Image.open(folder / "samples" / "epoch_0002.png")
    assert [g.step for g in grids] == [3, 6] and (grids[-1].width, grids[-1].height) == grid.size
