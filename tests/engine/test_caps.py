"""No silent caps: when max_steps or max_minutes ends training before max_epochs, the
console, report.json and the top of report.md say so and how to lift it; and last.pt is
also written mid-epoch (train.checkpoint_every_minutes / _steps)."""
import json

import pytest
import torch

from corefill.engine import checkpoint, run
from toy_components import toy_recipe, toy_registries


def training(folder):
    return json.loads((folder / "report.json").read_text())["training"]


def val_steps(folder):
    lines = (folder / "metrics.jsonl").read_text().splitlines()
    return [r["step"] for r in map(json.loads, lines) if r["type"] == "val"]


# the toy recipe: 3 steps an epoch, max_epochs 3 (9 steps); each limit, where it stops
# (step, epoch, batch_in_epoch of last.pt), the steps planned and the note it leaves
LIMITS = {
    "max_steps mid-epoch": (["train.max_steps=4", "train.log_every=1"], "max_steps", (4, 1, 1),
                            (9, 3), "train.max_steps=4 stopped training at step 4 of 9 "
                                    "(epoch 2 of 3)"),
    "max_steps at an epoch end": (["train.max_steps=3"], "max_steps", (3, 1, 0), (9, 3),
                                  "train.max_steps=3 stopped training at step 3 of 9 "
                                  "(after epoch 1 of 3)"),
    "max_minutes": (["train.max_minutes=1e-6", "train.log_every=2"], "max_minutes", (2, 0, 2),
                    (9, 3), "train.max_minutes=1e-06 stopped training at step 2 of 9"),
    "max_epochs": (["train.max_epochs=2", "train.max_steps=100"], None, (6, 2, 0), (6, 2), None),
}


@pytest.mark.parametrize("overrides, stopped_by, last, planned, note", LIMITS.values(),
                         ids=LIMITS.keys())
def test_each_limit_stops_training_where_it_says_and_the_report_says_so(
        tmp_path, capsys, overrides, stopped_by, last, planned, note):
    folder = run(toy_recipe(*overrides), out_dir=tmp_path / "run", registries=toy_registries())
    saved = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert (saved["step"], saved["epoch"], saved["batch_in_epoch"]) == last
    summary = training(folder)
    assert (summary["stopped_by"], summary["stopped_early"]) == (stopped_by, note is not None)
    assert (summary["steps"], summary["planned_steps"], summary["planned_epochs"]) == \
        (last[0], *planned)
    assert val_steps(folder)[-1] == last[0]  # validated what it had
    markdown = (folder / "report.md").read_text().splitlines()
    out = capsys.readouterr().out
    if note is None:
        assert "note" not in summary and "cut short" not in "\n".join(markdown)
        assert "note:" not in out
        return
    lift = f"-o train.{stopped_by}=null"
    assert summary["note"].startswith(note) and summary["how_to_lift"].startswith(lift)
    assert f"--out {folder} --resume -o train.{stopped_by}=LARGER" in summary["how_to_lift"]
    assert markdown[2].startswith(f"**Training was cut short:** {note}") and lift in markdown[2]
    assert out.strip().splitlines()[-1].startswith(f"note: {note}")
    assert f"; to train fully: {lift}" in out.strip().splitlines()[-1]


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
