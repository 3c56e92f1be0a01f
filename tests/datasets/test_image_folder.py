"""image-folder: channels, value ranges, resize/crop, splits, unreadable files, cache, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from dataset_trees import random_image, truncate, write_png
from corefill.testing import construct
from pydantic import ValidationError

from corefill.datasets.base import UnreadableFilesWarning
from corefill.datasets.image_folder import ImageFolder
from corefill.datasets.params import ImageFolderParams
from corefill.errors import DataError
from corefill.plugins import registries
from corefill.registry import build
from corefill.testing import check_dataset


def everything(root, **kw):
    """All files in train (no val/test)."""
    return construct(ImageFolder, split="train", root=root, val_fraction=0.0, test_fraction=0.0, **kw)


def test_channels_and_default_value_range(mixed_tree):
    for channels in (1, 3):
        ds = everything(mixed_tree, channels=channels, size=[16, 16])
        assert ds.channels == channels and ds.value_range == (-1.0, 1.0) and len(ds) == 13
        batch = torch.stack([ds[i]["image"] for i in range(len(ds))])
        assert batch.shape == (13, channels, 16, 16) and batch.dtype == torch.float32
        assert batch.min() >= -1.0 and batch.max() <= 1.0 and batch.min() < -0.9


def test_exact_values_in_zero_one_range(tmp_path):
    raw = random_image(5, channels=1)
    write_png(tmp_path / "a.png", raw)
    ds = everything(tmp_path, channels=1, value_range=(0.0, 1.0))
    np.testing.assert_allclose(ds[0]["image"][0].numpy(), raw / 255.0, atol=1e-6)
    assert ds[0]["name"] == "a"


def test_16bit_png_stays_16bit_through_the_dataset(tmp_path):
    raw = (np.arange(40 * 40, dtype=np.uint16).reshape(40, 40) * 37)
    write_png(tmp_path / "deep.png", raw)
    image = everything(tmp_path, channels=1)[0]["image"]
    assert len(torch.unique(image)) == 1600
    np.testing.assert_allclose(image[0].numpy(), raw / 65535.0 * 2 - 1, atol=1e-6)


def test_int_size_resizes_shorter_side_then_square_crop(tmp_path):
    write_png(tmp_path / "wide.png", random_image(1, 20, 40))
    item = everything(tmp_path, size=10, crop_mode="center")[0]
    assert item["image"].shape == (3, 10, 10)
    assert everything(tmp_path, size=[8, 12])[0]["image"].shape == (3, 8, 12)


def test_random_train_crops_are_reproducible_and_change_with_epoch(tmp_path):
    write_png(tmp_path / "a.png", random_image(2, 40, 40))
    train = everything(tmp_path, crop=16, crop_mode="random", cache=False)
    first = train[0]["image"]
    assert torch.equal(first, train[0]["image"])  # same index, same epoch -> same crop
    crops = set()
    for epoch in range(6):
        train.set_epoch(epoch)
        crops.add(train[0]["image"].sum().item())
    assert len(crops) > 1
    assert torch.equal(train[(5, 0)]["image"], train[0]["image"])  # (epoch, index) keys
    train.set_epoch(0)
    assert torch.equal(train[(0, 0)]["image"], first)
    center = construct(ImageFolder, split="val", root=tmp_path, crop=16, crop_mode="random",
                         val_fraction=1.0, test_fraction=0.0)[0]["image"]
    full = everything(tmp_path)[0]["image"]
    assert torch.equal(center, full[:, 12:28, 12:28])  # eval splits always crop the centre


def test_split_folders_are_used(tmp_path):
    for split, folder in (("train", "train"), ("val", "validate"), ("test", "test")):
        for i in range(2):
            write_png(tmp_path / folder / f"{split}{i}.png", random_image(i))
    names = {s: sorted(construct(ImageFolder, split=s, root=tmp_path)[i]["name"] for i in range(2))
             for s in ("train", "val", "test")}
    assert names == {"train": ["train0", "train1"], "val": ["val0", "val1"], "test": ["test0", "test1"]}


def test_hash_split_is_deterministic_and_disjoint(tmp_path):
    for i in range(40):
        write_png(tmp_path / f"d{i % 3}" / f"{i}.png", random_image(i, 8, 8))
    def names(split):
        ds = construct(ImageFolder, split=split, root=tmp_path, val_fraction=0.25, test_fraction=0.25)
        return [ds[i]["name"] for i in range(len(ds))]
    parts = {s: names(s) for s in ("train", "val", "test")}
    assert parts == {s: names(s) for s in ("train", "val", "test")}
    assert sum(map(len, parts.values())) == 40 == len(set().union(*map(set, parts.values())))
    assert all(len(p) >= 3 for p in parts.values())


def test_truncated_png_is_skipped_counted_and_warned_once(mixed_tree, recwarn):
    truncate(mixed_tree / "rgb" / "c1.png")
    truncate(mixed_tree / "grey" / "g2.png")
    for cache in (True, False):  # decoded into the cache, or only probed
        recwarn.clear()
        ds = everything(mixed_tree, cache=cache)
        warned = [w for w in recwarn if issubclass(w.category, UnreadableFilesWarning)]
        assert len(warned) == 1 and len(ds) == 11
        message = str(warned[0].message)
        assert "skipped 2 unreadable file(s) of 13" in message and "g2.png" in message
        assert "\n" not in message
        assert all(ds[i]["image"].shape[0] == 3 for i in range(len(ds)))


def test_cache_on_and_off_give_identical_items(mixed_tree):
    cached = everything(mixed_tree, size=12, crop_mode="random")
    plain = everything(mixed_tree, size=12, crop_mode="random", cache=False)
    assert cached.cached_bytes > 0 and plain.cached_bytes == 0
    for i in range(len(cached)):
        a, b = cached[i], plain[i]
        assert a["name"] == b["name"] and torch.equal(a["image"], b["image"])


def test_cache_budget_limits_what_is_kept(mixed_tree):
    ds = everything(mixed_tree, cache_mb=0.004)  # ~4 KB: room for one or two images
    assert 0 < len(ds._cache) < len(ds)
    assert torch.equal(ds[len(ds) - 1]["image"], everything(mixed_tree)[len(ds) - 1]["image"])


def test_missing_empty_and_empty_split_errors(tmp_path):
    with pytest.raises(DataError, match=r"nope.*split 'train'"):
        construct(ImageFolder, split="train", root=tmp_path / "nope", checked=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"empty: no images found \(split 'val'\)"):
        construct(ImageFolder, split="val", root=tmp_path / "empty")
    write_png(tmp_path / "one" / "a.png", random_image(0))
    with pytest.raises(DataError, match=r"one: split 'test' is empty"):
        construct(ImageFolder, split="test", root=tmp_path / "one", test_fraction=0.0)
    write_png(tmp_path / "bad" / "a.png", random_image(0))
    truncate(tmp_path / "bad" / "a.png")
    with pytest.warns(UnreadableFilesWarning), pytest.raises(DataError, match="no readable files"):
        everything(tmp_path / "bad")


def test_params_catch_missing_root_before_any_tensor(tmp_path):
    with pytest.raises(ValidationError, match="root"):
        ImageFolderParams(root=tmp_path / "missing")
    with pytest.raises(ValidationError, match="val_fraction"):
        ImageFolderParams(root=tmp_path, val_fraction=0.6, test_fraction=0.6)
    with pytest.raises(ValidationError, match="lo < hi"):
        ImageFolderParams(root=tmp_path, value_range=(1, 0))


def test_built_through_registry_passes_conformance_kit(mixed_tree):
    spec = registries().get("dataset", "image-folder")
    ds = build(spec, {"root": str(mixed_tree), "size": 16, "val_fraction": 0, "test_fraction": 0},
               split="train")
    check_dataset(ds, max_items=len(ds))
    loader = torch.utils.data.DataLoader(ds, batch_size=5)
    batch = next(iter(loader))
    assert batch["image"].shape == (5, 3, 16, 16) and len(batch["name"]) == 5


def test_crop_larger_than_image_names_the_file(tmp_path):
    write_png(tmp_path / "small.png", random_image(0, 8, 8))
    with pytest.raises(DataError, match=r"small: image 8x8 is smaller than crop 16x16"):
        everything(tmp_path, crop=16)[0]
