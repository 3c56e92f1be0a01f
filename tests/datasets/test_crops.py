"""random-crops: reproducible train crops, fixed eval crops, region split, pairs, params."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from dataset_trees import random_image, write_png
from pydantic import ValidationError

from corefill.datasets.crops import RandomCrops
from corefill.datasets.params import RandomCropsParams
from corefill.errors import DataError
from corefill.plugins import registries
from corefill.registry import build
from corefill.testing import check_dataset


def gradient_tree(tmp_path, count=2, height=120, width=90):
    """16-bit grey images whose value encodes the row: a crop's values reveal where it came from."""
    rows = np.linspace(0, 65535, height).round().astype(np.uint16)
    for i in range(count):
        write_png(tmp_path / "big" / f"r{i}.png", np.repeat(rows[:, None], width, axis=1))
    return tmp_path / "big"


def crops(root, split="train", **kw):
    inner = {"name": "image-folder",
             "params": {"root": str(root), "channels": 1, "value_range": [0, 1],
                        "val_fraction": 0, "test_fraction": 0}}
    params = RandomCropsParams.model_validate({"dataset": inner, "crop_size": 16, **kw})
    return build(registries().get("dataset", "random-crops"), params, split=split)


def stack(ds):
    return torch.stack([ds[i]["image"] for i in range(len(ds))])


def test_length_names_and_conformance(tmp_path):
    ds = crops(gradient_tree(tmp_path), crops_per_image=5)
    assert len(ds) == 10 and ds.channels == 1 and ds.value_range == (0.0, 1.0)
    assert [ds[i]["name"] for i in range(6)] == [f"r0#{j}" for j in range(5)] + ["r1#0"]
    check_dataset(ds, max_items=10)
    assert ds[0]["image"].shape == (1, 16, 16)


def test_train_crops_reproducible_per_seed_and_epoch(tmp_path):
    root = gradient_tree(tmp_path)
    a, b, other = crops(root, seed=1), crops(root, seed=1), crops(root, seed=2)
    assert torch.equal(stack(a), stack(b))
    assert not torch.equal(stack(a), stack(other))
    first = stack(a)
    a.set_epoch(1), b.set_epoch(1)
    assert not torch.equal(first, stack(a)) and torch.equal(stack(a), stack(b))
    assert len({tuple(x[0, :, 0].tolist()) for x in first}) > 10  # positions really vary


def test_eval_crops_fixed_across_epochs(tmp_path):
    root = gradient_tree(tmp_path)
    val = crops(root, split="val", split_by="region", val_fraction=0.25, test_fraction=0.25)
    first = stack(val)
    val.set_epoch(5)
    assert torch.equal(first, stack(val))


def test_region_split_keeps_each_split_in_its_band(tmp_path):
    root = gradient_tree(tmp_path, height=120)
    for split, (lo, hi) in {"train": (0, 60), "val": (60, 90), "test": (90, 120)}.items():
        ds = crops(root, split=split, split_by="region", val_fraction=0.25, test_fraction=0.25,
                   crops_per_image=20)
        assert len(ds) == 40  # both images, in every split
        rows = stack(ds) * 119  # the value of a pixel is its row / 119
        assert rows.min() >= lo - 1e-3 and rows.max() <= hi - 1 + 1e-3


def test_band_smaller_than_crop_is_a_clear_error(tmp_path):
    ds = crops(gradient_tree(tmp_path, height=120), split="val", split_by="region",
               val_fraction=0.1, test_fraction=0.1)
    with pytest.raises(DataError, match=r"r0: val region 12x90 .* smaller than crop_size 16x16"):
        ds[0]


def test_fast_cache_path_equals_generic_path(tmp_path, monkeypatch):
    ds = crops(gradient_tree(tmp_path), crops_per_image=4)
    fast = [ds[i] for i in range(len(ds))]
    monkeypatch.setattr(RandomCrops, "_fast_arrays", lambda self, d, p: None)
    generic = [ds[i] for i in range(len(ds))]
    for a, b in zip(fast, generic):
        assert a["name"] == b["name"] and torch.equal(a["image"], b["image"])


def test_pairs_are_cropped_at_the_same_place(tmp_path):
    for i in range(2):
        target = random_image(i, 48, 40, channels=1)
        write_png(tmp_path / "B" / f"p{i}.png", target)
        write_png(tmp_path / "A" / f"p{i}.png", 255 - target)
    inner = {"name": "paired-folder", "params": {
        "input_root": str(tmp_path / "A"), "target_root": str(tmp_path / "B"), "channels": 1,
        "input_channels": 1, "val_fraction": 0, "test_fraction": 0}}
    ds = build(registries().get("dataset", "random-crops"),
               {"dataset": inner, "crop_size": [8, 12], "crops_per_image": 3}, split="train")
    assert ds.input_channels == 1
    for i in range(len(ds)):
        item = ds[i]
        assert item["input"].shape == (1, 8, 12)
        assert torch.allclose(item["input"], -item["image"], atol=1e-6)


def test_params_validate_the_wrapped_dataset(tmp_path):
    with pytest.raises(ValidationError, match=r"params.root: Path does not point to a directory"):
        RandomCropsParams.model_validate(
            {"dataset": {"name": "image-folder", "params": {"root": str(tmp_path / "nope")}}})
    with pytest.raises(ValidationError, match=r"unknown dataset 'image-foldr'; did you mean"):
        RandomCropsParams.model_validate({"dataset": {"name": "image-foldr"}})
    resolved = RandomCropsParams.model_validate(
        {"dataset": {"name": "image-folder", "params": {"root": str(tmp_path)}}})
    assert resolved.dataset.params["channels"] == 3  # defaults filled in, as a recipe records them
    with pytest.raises(ValidationError, match="val_fraction"):
        RandomCropsParams.model_validate({"dataset": resolved.dataset.model_dump(),
                                          "val_fraction": 0.5, "test_fraction": 0.5})


def test_dataloader_workers_give_the_same_batches(tmp_path):
    ds = crops(gradient_tree(tmp_path), crops_per_image=4)
    ds.set_epoch(3)
    def batches(workers):
        loader = torch.utils.data.DataLoader(ds, batch_size=4, num_workers=workers)
        return torch.cat([b["image"] for b in loader])
    assert torch.equal(batches(0), batches(2))


def test_epoch_index_keys_match_set_epoch(tmp_path):
    ds = crops(gradient_tree(tmp_path), crops_per_image=3)
    keyed = [ds[(4, i)]["image"] for i in range(len(ds))]
    ds.set_epoch(4)
    assert all(torch.equal(a, ds[i]["image"]) for i, a in enumerate(keyed))
