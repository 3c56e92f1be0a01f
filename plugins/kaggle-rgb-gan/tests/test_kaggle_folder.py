"""kaggle-images on a user's folder with the source's pre-made masks/, and the shipped
recipes run on it through the real CLI with only `root` set."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))

from kaggle_trees import BLOCK_MASKS, SPLITS, STROKE_MASKS, UNREADABLE, expected_hole, write_tree  # noqa: E402

from corefill.data import UnreadableFilesWarning  # noqa: E402
from corefill.engine.data import MaskedDataset  # noqa: E402
from corefill.maskers.strokes import ShapesMasker  # noqa: E402
from corefill.testing import check_component, construct, run_cli  # noqa: E402
from corefill.testing.files import skipped_count  # noqa: E402
from corefill_kaggle_rgb_gan.datasets.images import kaggle_images  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
FOLDER = {"crop_size": 32, "size": 40}
IGNORE_SKIPS = pytest.mark.filterwarnings("ignore::corefill.datasets.base.UnreadableFilesWarning")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return write_tree(tmp_path_factory.mktemp("kaggle") / "photos")


def names(dataset) -> list[str]:
    return [dataset.name(r) for r in dataset.records]


def test_split_folders_and_unreadable_files_counted(tree):
    with pytest.warns(UnreadableFilesWarning) as records:
        train = construct(kaggle_images, split="train", root=str(tree), **FOLDER)
    assert skipped_count(records) == UNREADABLE["train"]
    # rocket.jpg is a good photo whose mask file is corrupt: the pair is skipped.
    assert sorted(p.name for p in train.skipped) == ["empty.jpg", "rocket.jpg", "truncated.png"]
    assert sorted(names(train)) == sorted(set(SPLITS["train"]) - {"rocket"})
    assert sorted(names(construct(kaggle_images, split="test", root=str(tree), **FOLDER))) == sorted(SPLITS["test"])
    item = train[names(train).index("coins16")]  # a 16-bit grey PNG becomes RGB
    assert item["image"].shape == (3, 32, 32) and -1.0 <= item["image"].min() < item["image"].max() <= 1.0


@IGNORE_SKIPS
def test_items_carry_their_premade_masks(tree):
    train = construct(kaggle_images, split="train", root=str(tree), **FOLDER)
    assert train.masked == 3  # astronaut, coffee, camera (stored at twice its image's size)
    for index, stem in enumerate(names(train)):
        item = train[index]
        if stem in STROKE_MASKS:
            assert item["mask"].shape == (1, 32, 32) and set(item["mask"].unique().tolist()) == {0.0, 1.0}
            assert np.array_equal(item["mask"][0].numpy(), expected_hole(tree, stem, 32))
        else:
            assert "mask" not in item


@IGNORE_SKIPS
def test_the_engine_uses_premade_masks_and_draws_the_rest(tree):
    masker = construct(ShapesMasker, max_hole_fraction=0.4)
    train = MaskedDataset(construct(kaggle_images, split="train", root=str(tree), **FOLDER), masker, seed=0, split="train")
    stems = names(train.base)
    for stem in ("astronaut", "motorcycle"):
        item = train[(1, stems.index(stem))]
        drawn = masker(32, 32, rng=np.random.default_rng([0, 1, stems.index(stem)]))
        if stem == "astronaut":
            assert np.array_equal(item["mask"][0].numpy(), expected_hole(tree, stem, 32))
            assert not torch.equal(item["mask"], drawn)
        else:
            assert torch.equal(item["mask"], drawn)
        assert torch.equal(item["input"], item["image"] * (1 - item["mask"]))


def test_black_is_hole_inverts_the_files(tree):
    test = construct(kaggle_images, split="test", root=str(tree), mask_polarity="black-is-hole", **FOLDER)
    for index, stem in enumerate(names(test)):
        assert np.array_equal(test[index]["mask"][0].numpy(), 1 - expected_hole(tree, stem, 32))


def test_flat_folder_splits_by_name_and_never_reads_masks_as_images(tmp_path):
    root = write_tree(tmp_path / "flat", split_folders=False)
    with pytest.warns(UnreadableFilesWarning) as records:
        splits = [construct(kaggle_images, split=s, root=str(root), **FOLDER) for s in ("train", "val", "test")]
    assert skipped_count(records) == sum(UNREADABLE.values())
    every = sorted(n for d in splits for n in names(d))
    assert every == sorted({s for images in SPLITS.values() for s in images} - {"rocket"})
    assert sum(d.masked for d in splits) == len(STROKE_MASKS) + len(BLOCK_MASKS)


@IGNORE_SKIPS
@pytest.mark.parametrize("split", ["train", "test"])
def test_folder_mode_conforms(tree, split):
    check_component("dataset", "kaggle-images", {**FOLDER, "root": str(tree), "fit": "crop"}, split=split)


@pytest.mark.parametrize("recipe", ["kaggle-rgb-gan.yaml", "kaggle-rgb-gan-256.yaml"])
def test_shipped_recipe_runs_on_the_folder(tree, tmp_path, recipe, capsys):
    out = tmp_path / "run"
    with pytest.warns(UnreadableFilesWarning) as records:
        code = run_cli("run", str(REPO / "recipes" / recipe), "-o", f"data.dataset.params.root={tree}",
                        "-o", "train.max_steps=2", "--out", str(out), "--device", "cpu")
    assert code == 0, capsys.readouterr().err
    assert skipped_count(records) == sum(UNREADABLE.values())
    report = json.loads((out / "report.json").read_text())
    assert report["images"] == len(SPLITS["test"])
    trained = report["models"]["trained"]
    assert 0 < trained["metrics"]["psnr_hole"] < 60
    # Every test image has its 68% block: the shapes masker (<= 40%) drew none of them.
    assert {k: v["count"] for k, v in trained["by_mask_area"].items() if v["count"]} == {"50-100%": 3}


def test_a_masks_folder_matching_no_image_is_reported(tmp_path):
    root = write_tree(tmp_path / "renamed")
    for mask in (root / "masks").iterdir():
        mask.rename(mask.with_name(f"mask_{mask.name}"))
    with pytest.warns(UserWarning, match="none of the 3 test images has a mask in .*masks"):
        test = construct(kaggle_images, split="test", root=str(root), **FOLDER)
    assert test.masked == 0 and "mask" not in test[0]
