"""paired-folder: matching by relative name, aligned crops, unmatched-file errors."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from dataset_trees import random_image, write_png
from corefill.testing import construct

from corefill.datasets.paired import PairedFolder
from corefill.errors import DataError
from corefill.testing import check_dataset


def make_pairs(tmp_path, count=6):
    """Targets as PNG, inputs as their negatives (grey) stored as PNG or BMP."""
    for i in range(count):
        target = random_image(i, 24, 32, channels=1)
        write_png(tmp_path / "B" / f"sub{i % 2}" / f"p{i}.png", target)
        ext = ".bmp" if i % 2 else ".png"
        path = tmp_path / "A" / f"sub{i % 2}" / f"p{i}{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), 255 - target)
    return tmp_path / "A", tmp_path / "B"


def test_pairs_matched_across_extensions_and_cropped_together(tmp_path):
    inputs, targets = make_pairs(tmp_path)
    ds = construct(PairedFolder, split="train", input_root=inputs, target_root=targets, channels=1,
                      input_channels=1, crop=[10, 12], val_fraction=0, test_fraction=0)
    assert len(ds) == 6
    check_dataset(ds, max_items=6)
    for i in range(len(ds)):
        item = ds[i]
        assert item["image"].shape == (1, 10, 12) == item["input"].shape
        # input = negative of the target, so in [-1, 1] they must sum to zero at the same crop
        assert torch.allclose(item["input"], -item["image"], atol=1e-6)
    assert sorted(ds[i]["name"] for i in range(6)) == sorted(f"sub{i % 2}/p{i}" for i in range(6))


def test_input_follows_target_size_and_channels(tmp_path):
    inputs, targets = make_pairs(tmp_path, count=3)
    ds = construct(PairedFolder, split="train", input_root=inputs, target_root=targets, channels=3,
                      input_channels=1, size=[12, 16], val_fraction=0, test_fraction=0)
    item = ds[0]
    assert item["image"].shape == (3, 12, 16) and item["input"].shape == (1, 12, 16)
    assert ds.input_channels == 1


def test_hash_split_keeps_pairs_together(tmp_path):
    inputs, targets = make_pairs(tmp_path, count=30)
    seen = []
    for split in ("train", "val", "test"):
        ds = construct(PairedFolder, split=split, input_root=inputs, target_root=targets,
                          val_fraction=0.3, test_fraction=0.3)
        seen += [ds[i]["name"] for i in range(len(ds))]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 30


def test_unmatched_files_are_an_error_with_count_and_example(tmp_path):
    inputs, targets = make_pairs(tmp_path, count=4)
    write_png(targets / "extra1.png", random_image(0, 8, 8))
    write_png(targets / "extra2.png", random_image(0, 8, 8))
    with pytest.raises(DataError, match=r"2 file\(s\) have no counterpart in .*A \(e\.g\. 'extra1'\)"):
        construct(PairedFolder, split="train", input_root=inputs, target_root=targets,
                     val_fraction=0, test_fraction=0)
    (targets / "extra1.png").unlink(), (targets / "extra2.png").unlink()
    write_png(inputs / "lonely.png", random_image(0, 8, 8))
    with pytest.raises(DataError, match="1 file.*'lonely'"):
        construct(PairedFolder, split="train", input_root=inputs, target_root=targets,
                     val_fraction=0, test_fraction=0)


def test_cache_on_off_identical(tmp_path):
    inputs, targets = make_pairs(tmp_path)
    kw = dict(split="train", input_root=inputs, target_root=targets, crop=8, val_fraction=0,
              test_fraction=0)
    a, b = construct(PairedFolder, **kw), construct(PairedFolder, cache=False, **kw)
    for i in range(len(a)):
        assert torch.equal(a[i]["image"], b[i]["image"]) and torch.equal(a[i]["input"], b[i]["input"])
    assert np.isclose(a.cached_bytes, 6 * 24 * 32 * 3 * 4 * 2)
