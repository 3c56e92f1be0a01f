"""completion-images on a user's folder (any size, grey/RGB, 16-bit, unreadable files), and
the shipped recipes run on it through the real CLI with only `root` set."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mae_trees import IMAGES, UNREADABLE, photo, write_flat_tree, write_image  # noqa: E402

from corefill.data import UnreadableFilesWarning  # noqa: E402
from corefill.testing import check_component, construct, run_cli  # noqa: E402
from corefill.testing.files import skipped_count  # noqa: E402
from corefill_masked_autoencoder.datasets.images import completion_images  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
IGNORE_SKIPS = pytest.mark.filterwarnings("ignore::corefill.datasets.base.UnreadableFilesWarning")
FOLDER = {"channels": 1, "crop_size": 32, "size": 40, "val_fraction": 0.2,
          "test_fraction": 0.2, "value_range": (0.0, 1.0)}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return write_flat_tree(tmp_path_factory.mktemp("mae") / "images")


def test_every_readable_image_once_and_unreadable_ones_counted(tree):
    with pytest.warns(UnreadableFilesWarning) as records:
        splits = {s: construct(completion_images, split=s, root=str(tree), **FOLDER) for s in ("train", "val", "test")}
    assert skipped_count(records) == UNREADABLE
    names = [d.name(r) for d in splits.values() for r in d.records]
    assert sorted(Path(n).name for n in names) == sorted(IMAGES)  # disjoint, complete
    item = splits["train"][0]
    assert item["image"].shape == (1, 32, 32) and 0.0 <= item["image"].min() < item["image"].max() <= 1.0


@IGNORE_SKIPS
def test_sixteen_bit_images_keep_their_precision(tree):
    train = construct(completion_images, split="train", root=str(tree), **{**FOLDER, "crop_size": 64, "size": 64})
    index = [train.name(r) for r in train.records].index("coins16")
    values = train[index]["image"].numpy() * 255.0
    assert np.abs(values - np.round(values)).max() > 0.05  # not quantised to 8 bits


@IGNORE_SKIPS
@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_folder_mode_conforms(tree, split):
    check_component("dataset", "completion-images", {**FOLDER, "root": str(tree)}, split=split)


def test_split_folders_win_over_the_hash(tmp_path):
    for split, stems in {"train": ["astronaut", "coffee"], "validate": ["camera"], "test": ["moon"]}.items():
        for stem in stems:
            name, size, kind = IMAGES[stem]
            write_image(tmp_path / split / f"{stem}.png", photo(name, size, kind))
    val = construct(completion_images, split="val", root=str(tmp_path), **FOLDER)
    assert [val.name(r) for r in val.records] == ["camera"]


@IGNORE_SKIPS
def test_crop_fit_takes_new_train_crops_each_epoch(tree):
    train = construct(completion_images, split="train", root=str(tree), fit="crop", **FOLDER)
    assert train[(0, 0)]["image"].shape == (1, 32, 32)
    assert not np.array_equal(train[(0, 0)]["image"], train[(1, 0)]["image"])


@pytest.mark.parametrize("recipe", ["masked-autoencoder.yaml", "masked-autoencoder-photos.yaml",
                                    "masked-autoencoder-256.yaml"])
def test_shipped_recipe_runs_on_the_folder(tree, tmp_path, recipe, capsys):
    out = tmp_path / "run"
    with pytest.warns(UnreadableFilesWarning) as records:
        code = run_cli("run", str(REPO / "recipes" / recipe), "-o", f"data.dataset.params.root={tree}",
                        "-o", "train.max_steps=2", "--out", str(out), "--device", "cpu")
    assert code == 0, capsys.readouterr().err
    assert skipped_count(records) == UNREADABLE
    report = json.loads((out / "report.json").read_text())
    assert report["images"] == 4  # astronaut, camera, grass, hubble fall in test
    trained = report["models"]["trained"]["metrics"]
    assert 0.0 <= trained["accuracy_hole"] <= 1.0 and trained["l2_hole"] > 0
    assert {"telea", "navier-stokes", "harmonic", "mean-fill"} <= set(report["models"])
