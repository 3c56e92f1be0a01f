"""No silent caps: when max_steps or max_minutes ends training before max_epochs, the
console, report.json and the top of report.md say so and how to lift it; and last.pt is
also written mid-epoch (train.checkpoint_every_minutes / _steps)."""
import json

import pytest
import torch

from corefill.engine import checkpoint, run
from toy_components import toy_recipe, toy_registries


def tensors(node, prefix=""):
    if isinstance(node, torch.Tensor):
        return {prefix: node}
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, (list, tuple)) else []
    return {k: v for key, value in items for k, v in tensors(value, f"{prefix}/{key}").items()}


def training(folder):
    return json.loads((folder / "report.json").read_text())["training"]


def test_a_step_limit_is_said_in_the_report_and_on_the_console(tmp_path, capsys):
    folder = run(toy_recipe("train.max_steps=4"), out_dir=tmp_path / "run",
                 registries=toy_registries())
    summary = training(folder)
    assert summary["stopped_by"] == "max_steps" and summary["stopped_early"] is True
    assert (summary["limit"], summary["steps"]) == (4, 4)
    assert (summary["planned_steps"], summary["planned_epochs"]) == (9, 3)  # 3 steps an epoch
    assert summary["how_to_lift"].startswith("-o train.max_steps=null, or continue this run")
    assert f"--out {folder} --resume -o train.max_steps=" in summary["how_to_lift"]
    note = "train.max_steps=4 stopped training at step 4 of 9 (epoch 2 of 3)"
    markdown = (folder / "report.md").read_text().splitlines()
    assert markdown[2].startswith(f"**Training was cut short:** {note}")
    assert "-o train.max_steps=null" in markdown[2]
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert last_line.startswith(f"note: {note}; to train fully: -o train.max_steps=null")


def test_a_time_limit_is_not_reported_as_a_full_run(tmp_path):
    folder = run(toy_recipe("train.max_minutes=1e-6", "train.log_every=2"),
                 out_dir=tmp_path / "run", registries=toy_registries())
    summary = training(folder)
    assert summary["stopped_by"] == "max_minutes" and summary["stopped_early"] is True
    assert summary["note"].startswith("train.max_minutes=1e-06 stopped training at step 2 of 9")
    assert "-o train.max_minutes=null" in summary["how_to_lift"]
    assert "Training was cut short" in (folder / "report.md").read_text()


def test_a_full_run_says_nothing_of_limits(tmp_path, capsys):
    folder = run(toy_recipe("train.max_epochs=2", "train.max_steps=100"),
                 out_dir=tmp_path / "run", registries=toy_registries())
    summary = training(folder)
    assert summary["stopped_by"] is None and summary["stopped_early"] is False
    assert "note" not in summary and summary["steps"] == summary["planned_steps"] == 6
    assert "cut short" not in (folder / "report.md").read_text()
    assert "note:" not in capsys.readouterr().out


def test_a_step_limit_at_an_epoch_end_ends_the_epoch_then_resumes_exactly(tmp_path):
    folder = run(toy_recipe("train.max_steps=3"), out_dir=tmp_path / "cut",
                 registries=toy_registries())
    saved = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert (saved["step"], saved["epoch"], saved["batch_in_epoch"]) == (3, 1, 0)
    assert training(folder)["stopped_by"] == "max_steps"
    assert training(folder)["note"].endswith("at step 3 of 9 (after epoch 1 of 3)")
    # resumed with the limit lifted, as the report advises (no --force needed)
    run(toy_recipe("train.max_steps=null"), out_dir=folder, resume=True,
        registries=toy_registries())
    whole = run(toy_recipe(), out_dir=tmp_path / "whole", registries=toy_registries())
    a = torch.load(whole / "checkpoints" / "last.pt", weights_only=True)
    b = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    for group in ("networks", "optimizers", "rng"):
        a_tensors, b_tensors = tensors(a[group]), tensors(b[group])
        assert a_tensors.keys() == b_tensors.keys() and a_tensors
        assert all(torch.equal(a_tensors[k], b_tensors[k]) for k in a_tensors), group
    assert training(folder)["stopped_by"] is None


@pytest.mark.parametrize("every, mid_epoch", [
    (["train.checkpoint_every_minutes=1e-9"], [(0, 1), (0, 2), (1, 1), (1, 2)]),
    (["train.checkpoint_every_steps=2", "train.checkpoint_every_minutes=null"], [(0, 2), (1, 2)]),
    ([], []),  # the default, 10 minutes: none in a short run
])
def test_last_is_also_written_mid_epoch(tmp_path, monkeypatch, every, mid_epoch):
    written = []
    real_save = checkpoint.save

    def save(path, state):
        if path.name == "last.pt":
            written.append((state["epoch"], state["batch_in_epoch"]))
        real_save(path, state)

    monkeypatch.setattr(checkpoint, "save", save)
    run(toy_recipe("train.max_epochs=2", "train.log_every=1", *every),
        out_dir=tmp_path / "run", registries=toy_registries())
    assert [w for w in written if w[1] > 0] == mid_epoch
    assert [w for w in written if w[1] == 0] == [(1, 0), (2, 0)]  # and every epoch end
