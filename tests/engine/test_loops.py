"""Both loop shapes train for real on CPU; outputs are written and readable."""
import json

import pytest
import torch
import yaml
from PIL import Image

from corefill.config import recipe_hash
from corefill.engine import load_generator, run
from toy_components import toy_recipe, toy_registries

ADVERSARIAL = ["discriminator.name=tiny-d", "losses=[{name: l1-hole}, {name: bce, weight: 0.05}]"]


def records(folder, kind):
    lines = (folder / "metrics.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r["type"] == kind]


def test_reconstruction_loop_reduces_loss_and_writes_outputs(tmp_path):
    recipe = toy_recipe("train.max_epochs=6", "train.best_metric=mae_hole")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())

    val = records(folder, "val")
    assert [r["epoch"] for r in val] == [1, 2, 3, 4, 5, 6]
    assert val[-1]["loss"] < 0.8 * val[0]["loss"]
    assert val[-1]["mae_hole"] < val[0]["mae_hole"]
    train = records(folder, "train")
    assert all(r["images_per_s"] > 0 for r in train)
    assert train[-1]["loss/l1-hole"] < train[0]["loss/l1-hole"]

    saved = yaml.safe_load((folder / "recipe.yaml").read_text())
    assert saved == recipe.model_dump(mode="json")
    for epoch in range(1, 7):
        grid = Image.open(folder / "samples" / f"epoch_{epoch:04d}.png")
        # 3 labelled rows (real / masked input / output) of 4 images of 16 px, enlarged
        # 8x to 128 px, 2 px apart, under a row of column names
        width, height = grid.size
        assert width > 2 + 4 * 130 and 3 * 130 < height < 3 * 130 + 40
    assert Image.open(folder / "loss_curves.png").size[0] > 100

    report = json.loads((folder / "report.json").read_text())
    assert report["recipe_hash"] == recipe_hash(recipe)
    assert report["checkpoint"] == "best" and report["images"] == 6
    assert set(report["models"]) == {"trained", "mean-fill", "zero-fill"}
    trained = report["models"]["trained"]
    assert set(trained["metrics"]) == {"mae_hole", "mae_all"}
    # 6x6 holes in 16x16 images: 14% of the image
    assert trained["by_mask_area"] == {"10-20%": {"count": 6, "mae_hole": pytest.approx(
        trained["metrics"]["mae_hole"])}}
    assert trained["metrics"]["mae_hole"] < report["models"]["zero-fill"]["metrics"]["mae_hole"]
    markdown = (folder / "report.md").read_text()
    assert "| trained | tiny |" in markdown and "| mean-fill | mean-fill |" in markdown
    assert report["training"]["train_images_per_s"] > 0

    best = torch.load(folder / "checkpoints" / "best.pt", weights_only=True)
    assert best["best"]["best"] == min(r["mae_hole"] for r in val)
    generator, loaded = load_generator(folder / "checkpoints" / "best.pt",
                                       registries=toy_registries())
    assert loaded == recipe and not generator.training
    assert torch.equal(generator.head.weight, best["networks"]["generator"]["head.weight"])


@pytest.mark.parametrize("extra", [
    ["discriminator.input=image"],
    # context-encoder shape: G predicts only the hole box, D sees the fill
    ["discriminator.input=fill", "generator.params.patch=6"],
    # pix2pix shape: paired data, no masker (whole image generated), conditional D
    ["discriminator.input=conditional", "discriminator.params.in_channels=2",
     "masker=none", "data.dataset.params.paired=true", "generator.params.width=12"],
])
def test_adversarial_loop_trains_generator_and_discriminator(tmp_path, extra):
    recipe = toy_recipe("train.max_epochs=5", "train.log_every=1",
                        "train.discriminator_optimizer.lr=0.001", *ADVERSARIAL, *extra)
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    train = records(folder, "train")
    assert {"loss/d_total", "loss/bce", "loss/l1-hole", "loss/g_total"} <= set(train[0])
    first = sum(r["loss/l1-hole"] for r in train[:3]) / 3
    last = sum(r["loss/l1-hole"] for r in train[-3:]) / 3
    assert last < first
    state = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert set(state["networks"]) == {"generator", "discriminator"}
    assert state["optimizers"]["discriminator"]["state"]  # D was stepped
    if "masker=none" in extra:
        report = json.loads((folder / "report.json").read_text())
        assert list(report["models"]["trained"]["by_mask_area"]) == ["50-100%"]


def test_same_seed_same_recipe_gives_identical_weights(tmp_path):
    recipe = toy_recipe("train.max_epochs=1", *ADVERSARIAL)
    first = run(recipe, out_dir=tmp_path / "a", registries=toy_registries())
    second = run(recipe, out_dir=tmp_path / "b", registries=toy_registries())
    a = torch.load(first / "checkpoints" / "last.pt", weights_only=True)["networks"]
    b = torch.load(second / "checkpoints" / "last.pt", weights_only=True)["networks"]
    for net in a:
        for key in a[net]:
            assert torch.equal(a[net][key], b[net][key]), (net, key)
    other = run(toy_recipe("train.max_epochs=1", "seed=4", *ADVERSARIAL),
                out_dir=tmp_path / "c", registries=toy_registries())
    c = torch.load(other / "checkpoints" / "last.pt", weights_only=True)["networks"]
    assert not torch.equal(a["generator"]["head.weight"], c["generator"]["head.weight"])


def test_schedulers_change_learning_rate_per_epoch(tmp_path):
    recipe = toy_recipe("train.max_epochs=4", "train.scheduler.name=step",
                        "train.scheduler.step_size=2", "train.scheduler.gamma=0.5",
                        "train.val_every=3")
    folder = run(recipe, out_dir=tmp_path / "step", registries=toy_registries())
    lrs = {r["epoch"]: r["lr"] for r in records(folder, "train")}
    assert lrs == {1: 0.01, 2: 0.01, 3: 0.005, 4: 0.005}  # epochs counted from 1
    # validation after epochs 3 and 4 (the last); sample grids after every epoch
    assert [r["epoch"] for r in records(folder, "val")] == [3, 4]
    assert sorted(p.name for p in (folder / "samples").iterdir()) == [
        f"epoch_{e:04d}.png" for e in range(1, 5)]

    recipe = toy_recipe("train.max_epochs=4", "train.scheduler.name=linear",
                        "train.scheduler.decay_start=2")
    folder = run(recipe, out_dir=tmp_path / "linear", registries=toy_registries())
    lrs = {r["epoch"]: r["lr"] for r in records(folder, "train")}
    assert lrs == pytest.approx({1: 0.01, 2: 0.01, 3: 0.01, 4: 0.01 * 2 / 3})


def test_plain_progress_lines(tmp_path, capsys):
    recipe = toy_recipe("train.max_epochs=2", "train.log_every=1")
    run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    out = capsys.readouterr().out
    assert "epoch 1/2: 3 steps" in out and "step 4: g_total=" in out
    assert "training: 6 steps" in out and "images/s" in out


def test_tensorboard_scalars_and_images_when_enabled(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    recipe = toy_recipe("train.max_epochs=1", "train.tensorboard=true")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    events = EventAccumulator(str(folder / "tensorboard"))
    events.Reload()
    tags = events.Tags()
    assert {"train/loss/g_total", "val/loss", "val/mae_hole"} <= set(tags["scalars"])
    assert "samples" in tags["images"]


def test_worker_processes_give_the_same_training_as_the_main_process(tmp_path):
    # masks are seeded per item, so loading in 2 workers changes nothing but speed
    main = run(toy_recipe("train.max_epochs=2"), out_dir=tmp_path / "main",
               registries=toy_registries())
    workers = run(toy_recipe("train.max_epochs=2", "data.num_workers=2"),
                  out_dir=tmp_path / "workers", registries=toy_registries())
    a = torch.load(main / "checkpoints" / "last.pt", weights_only=True)["networks"]
    b = torch.load(workers / "checkpoints" / "last.pt", weights_only=True)["networks"]
    for key in a["generator"]:
        assert torch.equal(a["generator"][key], b["generator"][key]), key


def test_test_outputs_written_per_item_when_asked(tmp_path):
    recipe = toy_recipe("train.max_epochs=1", "test_outputs=true")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    written = sorted((folder / "test_outputs").glob("*.png"))
    report = json.loads((folder / "report.json").read_text())
    assert len(written) == report["images"] == 6
    assert Image.open(written[0]).size == (16, 16)
    plain = run(toy_recipe("train.max_epochs=1"), out_dir=tmp_path / "plain",
                registries=toy_registries())
    assert not (plain / "test_outputs").exists()


def test_dataset_report_is_written_into_the_run_folder(tmp_path, monkeypatch):
    import toy_components

    def write_report(self, run_folder):
        (run_folder / "preprocessing").mkdir()
        (run_folder / "preprocessing" / "kept.txt").write_text(f"{len(self)}\n")

    monkeypatch.setattr(toy_components.ToyDataset, "write_report", write_report, raising=False)
    folder = run(toy_recipe("train.max_epochs=1"), out_dir=tmp_path / "run",
                 registries=toy_registries())
    assert int((folder / "preprocessing" / "kept.txt").read_text()) > 0


def test_poisson_blend_is_used_in_training_evaluation_and_the_checkpoint(tmp_path):
    """`generator.blend: poisson`: the loss sees the blended fill (gradients go through the
    solve), validation and test score it, and the checkpoint tells inference to blend."""
    from corefill.engine import build
    from corefill.engine.data import MaskedDataset
    from corefill.engine.composite import complete

    recipe = toy_recipe("train.max_epochs=4", "generator.blend=poisson")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    val = records(folder, "val")
    assert val[-1]["loss"] < val[0]["loss"]
    state = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert state["data_spec"]["blend"] == "poisson"

    generator, _ = load_generator(folder / "checkpoints" / "last.pt", registries=toy_registries())
    context = build.context(toy_registries())
    test_set = MaskedDataset(build.dataset(recipe, context, "test"),
                             build.masker(recipe, context), seed=recipe.seed, split="test")
    items = [test_set[i] for i in range(len(test_set))]
    batch = {key: torch.stack([item[key] for item in items]) for key in ("image", "input", "mask")}
    with torch.no_grad():
        pasted = complete(generator, batch, None)
        blended = complete(generator, batch, None, "poisson")
    assert torch.equal(blended * (1 - batch["mask"]), batch["image"] * (1 - batch["mask"]))
    assert not torch.allclose(blended, pasted)
    report = json.loads((folder / "report.json").read_text())
    hole = batch["mask"].expand_as(blended) > 0.5
    # the report scores the blended outputs (mae_hole on [0, 1] images), per image then mean
    per_image = [float(((b - i).abs() / 2)[h].mean())
                 for b, i, h in zip(blended, batch["image"], hole)]
    assert report["models"]["trained"]["metrics"]["mae_hole"] == pytest.approx(
        sum(per_image) / len(per_image), rel=1e-4)
