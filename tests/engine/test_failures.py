"""Nothing trained is lost: whatever fails after a training step (a metric, an unreadable
file, a full disk), last.pt holds the work done, and the one-line error says how to
evaluate it or resume; a resumed run then ends where an uninterrupted one does."""
import errno
import json
import shlex

import pytest
import torch
import yaml
from torch.utils.data import DataLoader

import corefill.plugins
from corefill.cli import main
from corefill.engine import checkpoint, run
from corefill.engine.failure import TrainingFailed, failure_line
from toy_components import ToyDataset, toy_recipe, toy_registries

# A metric that, like FID, refuses to score fewer than 4 images.
PICKY = "metrics=[mae_hole, {name: min_images_mae, params: {min_images: 4}}]"


def state(folder):
    return torch.load(folder / "checkpoints" / "last.pt", weights_only=True)


def same_networks(a, b):
    a, b = state(a)["networks"], state(b)["networks"]
    return all(torch.equal(a[n][k], b[n][k]) for n in a for k in a[n])


def val_epochs(folder):
    lines = (folder / "metrics.jsonl").read_text().splitlines()
    return [r["epoch"] for r in map(json.loads, lines) if r["type"] == "val"]


def test_a_metric_failing_after_a_step_limit_keeps_the_trained_steps(tmp_path):
    # the knee recipe with -o train.max_steps=20 and no FID weights, in small: before any
    # epoch ended, the validation of what was trained raises
    folder = tmp_path / "run"
    with pytest.raises(TrainingFailed) as failed:
        run(toy_recipe("train.max_steps=2", PICKY, "data.splits.val.count=3"),
            out_dir=folder, registries=toy_registries())
    message = str(failed.value)
    assert message.startswith("validation at step 2: ValueError: min_images_mae: needs at least 4 "
                              "images, got 3")
    assert "\n" not in message and f"(traceback in {folder}/error.log)" in message
    last = folder / "checkpoints" / "last.pt"
    assert f"The trained weights (step 2) are in {last}: evaluate them with `corefill " \
           f"evaluate RECIPE --checkpoint {last} --out DIR`" in message
    assert f"`corefill run RECIPE --out {folder} --resume`" in message
    assert "min_images_mae" in (folder / "error.log").read_text()
    saved = state(folder)
    assert (saved["step"], saved["epoch"], saved["batch_in_epoch"]) == (2, 0, 2)

    # fixed (a bigger validation split), resumed: the validation is done, then the test
    run(toy_recipe("train.max_steps=2", PICKY), out_dir=folder, resume=True, force=True,
        registries=toy_registries())
    report = json.loads((folder / "report.json").read_text())
    assert report["training"]["steps"] == 2 and val_epochs(folder) == [1]  # part-way


def test_a_failed_epoch_end_validation_is_redone_on_resume(tmp_path):
    whole = run(toy_recipe("train.max_epochs=3", PICKY), out_dir=tmp_path / "whole",
                registries=toy_registries())
    folder = tmp_path / "run"
    with pytest.raises(TrainingFailed, match=r"^validation at step 3: ValueError: min_images_mae"):
        run(toy_recipe("train.max_epochs=3", PICKY, "data.splits.val.count=3"),
            out_dir=folder, registries=toy_registries())
    saved = state(folder)
    assert (saved["step"], saved["epoch"], saved["epoch_end_pending"]) == (3, 1, True)
    assert saved["schedulers"] == {} and val_epochs(folder) == []

    run(toy_recipe("train.max_epochs=3", PICKY), out_dir=folder, resume=True, force=True,
        registries=toy_registries())
    assert val_epochs(folder) == val_epochs(whole) == [1, 2, 3]
    assert same_networks(whole, folder)


def test_an_unreadable_file_mid_epoch_keeps_the_steps_before_it(tmp_path):
    # the last batch of epoch 1 holds the broken item: its two steps were trained
    order = torch.randperm(12, generator=torch.Generator().manual_seed(3)).tolist()
    broken = order[-1]
    fixed = ["train.max_epochs=2", "train.log_every=5"]
    folder = tmp_path / "run"
    with pytest.raises(TrainingFailed, match=rf"^training \(epoch 1\): OSError: "
                                             rf"train-{broken}.png: image file is truncated"):
        run(toy_recipe(*fixed, f"data.dataset.params.broken={broken}",
                       "data.splits.val.broken=-1", "data.splits.test.broken=-1"),
            out_dir=folder, registries=toy_registries())
    saved = state(folder)
    assert (saved["step"], saved["epoch"], saved["batch_in_epoch"]) == (2, 0, 2)
    assert saved["images_seen"] == 8  # the unlogged steps' losses were logged first

    run(toy_recipe(*fixed), out_dir=folder, resume=True, force=True,
        registries=toy_registries())
    whole = run(toy_recipe(*fixed), out_dir=tmp_path / "whole", registries=toy_registries())
    assert same_networks(whole, folder)


def test_an_error_in_a_loader_worker_is_told_by_its_own_line():
    loader = DataLoader(ToyDataset(split="train", broken=0), batch_size=2, num_workers=1)
    with pytest.raises(OSError) as raised:
        next(iter(loader))
    assert str(raised.value).startswith("Caught OSError in DataLoader worker process 0")
    assert failure_line(raised.value) == "OSError: train-0.png: image file is truncated"


def test_a_full_disk_says_which_steps_are_on_disk(tmp_path, monkeypatch):
    real_save = checkpoint.save

    def save(path, saved):
        if path.name == "last.pt" and saved["epoch"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(path, saved)

    monkeypatch.setattr(checkpoint, "save", save)
    folder = tmp_path / "run"
    with pytest.raises(TrainingFailed) as failed:
        run(toy_recipe("train.max_epochs=3"), out_dir=folder, registries=toy_registries())
    message = str(failed.value)
    assert message.startswith("writing checkpoints/last.pt: OSError: [Errno 28] No space left "
                              "on device; writing last.pt failed too: OSError: [Errno 28]")
    assert "The trained weights (step 3) are in" in message
    assert "(steps 4-6 could not be saved)" in message
    assert state(folder)["step"] == 3


def test_cli_prints_one_line_with_this_recipe_in_the_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(corefill.plugins, "registries", toy_registries)
    recipe = tmp_path / "my recipe.yaml"
    recipe.write_text(yaml.safe_dump(toy_recipe("train.max_epochs=1").model_dump(mode="json")))
    folder = tmp_path / "run"
    args = ["run", str(recipe), "--out", str(folder), "-o", PICKY,
            "-o", "data.splits.test.count=3"]
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: test evaluation: ValueError: min_images_mae: needs at least 4 images")
    named = f"{shlex.quote(str(recipe))} -o {shlex.quote(PICKY)} -o data.splits.test.count=3"
    assert f"`corefill run {named} --out {folder} --resume`" in err

    # the evaluate command it prints works once the cause is fixed
    evaluate = err.split("evaluate them with `corefill ")[1].split("`")[0]
    command = shlex.split(evaluate.replace("DIR", str(tmp_path / "eval")))
    main(command + ["-o", "data.splits.test.count=6"])
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["checkpoint"].endswith("last.pt") and "trained" in report["models"]
