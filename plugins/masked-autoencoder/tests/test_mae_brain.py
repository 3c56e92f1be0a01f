"""completion-images on its embedded brain data: axial T1 slices of the MNI152 template
that nilearn's wheel ships (read from the installed file; nothing is downloaded)."""
import importlib.util

import numpy as np
import pytest
import torch

from corefill.data import template_dir, template_file
from corefill.plugin import DataError
from corefill.testing import check_component, construct
from corefill_masked_autoencoder.datasets.images import completion_images

BRAIN = {"embedded": "mni152", "slice_shape": (144, 128), "val_fraction": 0.2,
         "test_fraction": 0.2, "value_range": (0.0, 1.0)}


def slice_numbers(dataset):
    return [int(dataset[i]["name"].rsplit("#", 1)[1]) for i in range(len(dataset))]


@pytest.fixture(scope="module")
def splits():
    return {s: construct(completion_images, split=s, **BRAIN) for s in ("train", "val", "test")}


def test_splits_share_no_slice_and_no_neighbour(splits):
    numbers = {s: set(slice_numbers(d)) for s, d in splits.items()}
    assert all(len(n) >= 14 for n in numbers.values()), {s: len(n) for s, n in numbers.items()}
    for held_out in ("val", "test"):
        # every held-out slice is at least 2 slices (2 mm) from every train slice
        gaps = [min(abs(z - t) for t in numbers["train"]) for z in numbers[held_out]]
        assert min(gaps) >= 2, (held_out, min(gaps))
    assert not numbers["val"] & numbers["test"]


def test_slices_are_grey_brain_images_of_the_asked_shape(splits):
    item = splits["test"][0]
    image = item["image"]
    assert image.shape == (1, 144, 128) and image.dtype == torch.float32
    assert float(image.min()) >= 0.0 and float(image.max()) <= 1.0
    assert 0.05 < float((image > 0.05).float().mean()) < 0.9  # a head on a black background
    assert item["name"].startswith("mni_icbm152_t1")


def test_the_demo_hole_covers_structure_not_a_flat_region(splits):
    # The hole the demo blanks holds structure (ventricles, midline): its pixels vary.
    image = splits["val"][len(splits["val"]) // 2]["image"][0].numpy()
    centre = image[62:82, 54:74]
    assert centre.std() > 0.05


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_brain_mode_conforms(split):
    check_component("dataset", "completion-images", dict(BRAIN), split=split)


def test_without_nilearn_the_error_says_what_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "nilearn" else real(name, *a))
    with pytest.raises(DataError, match="pip install nilearn"):
        template_dir()


def test_an_unknown_template_volume_is_named():
    with pytest.raises(DataError, match="'t2'"):
        template_file("t2")
    assert template_file("t1").name.endswith(".nii.gz")
