"""`sample-photos`: real bundled photos, disjoint splits, fixed eval crops, per-epoch train crops."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from corefill.testing import construct
from corefill.datasets import photos as photos_module
from corefill.datasets.params import SamplePhotosParams
from corefill.datasets.photos import CATALOGUE, SamplePhotos, load_photos, package_folder
from corefill.errors import DataError
from corefill.testing import check_component

SMALL = dict(size=96, crop_size=24, crops_per_image=4, val_fraction=0.25, test_fraction=0.25)


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_conforms_in_every_split(split):
    check_component("dataset", "sample-photos", {"photos": ["astronaut", "camera"], **SMALL},
                    split=split)
    check_component("dataset", "sample-photos", {"channels": 1, "split_by": "photo", **SMALL},
                    split=split)


def test_catalogue_and_params_name_the_same_photos():
    field = SamplePhotosParams.model_fields["photos"].annotation
    names = set(field.__args__[1].__args__[0].__args__)
    assert names == set(CATALOGUE)


def test_files_come_from_the_installed_wheel_folders():
    skimage = package_folder("skimage")
    assert skimage is not None and (skimage / "data" / "astronaut.png").is_file()
    for name in photos_module.resolve_names("all"):
        path = photos_module.photo_path(name)
        package, relative = CATALOGUE[name]
        assert path.is_file() and path == package_folder(package) / relative


def test_crops_are_the_photo_pixels_mapped_to_the_value_range():
    data = construct(SamplePhotos, split="val", photos=["coffee"], value_range=(0.0, 1.0), **SMALL)
    (photo,) = load_photos(("coffee",), 3, 96)
    for index in range(len(data)):
        top, left = data.crop_origin(index)
        expected = torch.from_numpy(photo[top:top + 24, left:left + 24].transpose(2, 0, 1).copy())
        assert torch.allclose(data[index]["image"], expected)
    assert data[1]["name"] == "coffee_val#1"
    signed = construct(SamplePhotos, split="val", photos=["coffee"], **SMALL)
    assert torch.allclose(signed[0]["image"], data[0]["image"] * 2 - 1, atol=1e-6)


def test_region_split_bands_never_overlap():
    extents = {}
    for split in ("train", "val", "test"):
        data = construct(SamplePhotos, split=split, photos=["rocket"], **{**SMALL, "crops_per_image": 64})
        lefts = [data.crop_origin(i, epoch) for i in range(len(data)) for epoch in range(3)]
        columns = [left for _, left in lefts]
        extents[split] = (min(columns), max(columns) + 24)  # rocket is landscape: bands of columns
    assert extents["train"][1] <= extents["val"][0] and extents["val"][1] <= extents["test"][0]


def test_photo_split_gives_each_split_its_own_photos():
    seen = {split: {n for n, _, _ in construct(SamplePhotos, split=split, split_by="photo", **SMALL).photos}
            for split in ("train", "val", "test")}
    assert not seen["train"] & seen["val"] and not seen["train"] & seen["test"]
    assert not seen["val"] & seen["test"] and seen["val"] and seen["test"]
    assert seen["train"] | seen["val"] | seen["test"] == set(photos_module.resolve_names("all"))


def test_eval_crops_fixed_train_crops_change_per_epoch():
    val = construct(SamplePhotos, split="val", photos=["chelsea"], **SMALL)
    assert torch.equal(val[2]["image"], val[(5, 2)]["image"])
    train = construct(SamplePhotos, split="train", photos=["chelsea"], **SMALL)
    assert torch.equal(train[1]["image"], train[(0, 1)]["image"])
    assert torch.equal(train[(3, 1)]["image"], train[(3, 1)]["image"])
    assert train.crop_origin(1, 0) != train.crop_origin(1, 1)


def symmetries(image: torch.Tensor) -> list[torch.Tensor]:
    turns = [torch.rot90(image, k, dims=(-2, -1)) for k in range(4)]
    return turns + [t.flip(-1) for t in turns]


def test_flips_turn_or_mirror_train_crops_at_the_same_positions_and_leave_eval_crops():
    plain = construct(SamplePhotos, split="train", photos=["chelsea", "coffee"], **SMALL)
    flipped = construct(SamplePhotos, split="train", photos=["chelsea", "coffee"], flips=True,
                        **SMALL)
    ways = set()
    for epoch in range(3):
        for index in range(len(plain)):
            crop, turned = plain[(epoch, index)]["image"], flipped[(epoch, index)]["image"]
            matches = [k for k, s in enumerate(symmetries(crop)) if torch.equal(s, turned)]
            assert matches, (epoch, index)  # the same pixels, turned or mirrored
            ways.add(matches[0])
    assert len(ways) >= 5  # 24 draws cover most of the 8 ways
    for split in ("val", "test"):
        a = construct(SamplePhotos, split=split, photos=["chelsea"], **SMALL)
        b = construct(SamplePhotos, split=split, photos=["chelsea"], flips=True, **SMALL)
        assert all(torch.equal(a[i]["image"], b[i]["image"]) for i in range(len(a)))


def test_scales_cut_train_crops_from_the_photo_resized_and_leave_eval_crops():
    scaled = construct(SamplePhotos, split="train", photos=["coffee"], scales=(0.5, 1.0, 2.0),
                       **{**SMALL, "crops_per_image": 16})
    photos = {round(96 * s): load_photos(("coffee",), 3, round(96 * s))[0] for s in (0.5, 1.0, 2.0)}
    drawn = set()
    for epoch in range(2):
        for index in range(len(scaled)):
            size = round(96 * scaled.scales[scaled.scale_of(index, epoch)])
            top, left = scaled.crop_origin(index, epoch)
            expected = photos[size][top:top + 24, left:left + 24] * 2 - 1
            assert np.allclose(scaled[(epoch, index)]["image"].numpy().transpose(1, 2, 0), expected,
                               atol=1e-6)
            drawn.add(size)
    assert drawn == {48, 96, 192}
    plain = construct(SamplePhotos, split="val", photos=["coffee"], **SMALL)
    for_val = construct(SamplePhotos, split="val", photos=["coffee"], scales=(0.5, 2.0), **SMALL)
    assert for_val.scales == (1.0,)
    assert all(torch.equal(plain[i]["image"], for_val[i]["image"]) for i in range(len(plain)))


def test_one_scale_keeps_the_crops_of_no_scales():
    plain = construct(SamplePhotos, split="train", photos=["chelsea"], **SMALL)
    one = construct(SamplePhotos, split="train", photos=["chelsea"], scales=(1.0,), flips=False, **SMALL)
    assert all(torch.equal(plain[(1, i)]["image"], one[(1, i)]["image"]) for i in range(len(plain)))


def test_grey_photos_have_one_channel():
    data = construct(SamplePhotos, split="test", photos="grey", channels=1, **SMALL)
    assert data.channels == 1 and data[0]["image"].shape == (1, 24, 24)
    assert {n for n, _, _ in data.photos} <= set(CATALOGUE) - set(photos_module.COLOUR)


def test_missing_scikit_image_is_a_one_line_data_error(monkeypatch):
    real = photos_module.package_folder
    monkeypatch.setattr(photos_module, "package_folder",
                        lambda package: None if package == "skimage" else real(package))
    with pytest.raises(DataError, match="pip install scikit-image") as info:
        construct(SamplePhotos, split="train")
    assert "\n" not in str(info.value)


def test_missing_named_photo_names_the_file(monkeypatch):
    real = photos_module.package_folder
    monkeypatch.setattr(photos_module, "package_folder",
                        lambda package: None if package == "sklearn" else real(package))
    with pytest.raises(DataError, match="'china'.*pip install scikit-learn"):
        construct(SamplePhotos, split="train", photos=["china"], **SMALL)
    names = {n for n, _, _ in construct(SamplePhotos, split="train", **SMALL).photos}
    assert "china" not in names and "astronaut" in names  # groups keep what is installed


def test_region_too_small_for_the_crop_names_the_photo():
    with pytest.raises(DataError, match="astronaut: the val region"):
        construct(SamplePhotos, split="val", photos=["astronaut"], size=64, crop_size=32)


@pytest.mark.parametrize("bad", [{"crop_size": 400, "size": 320}, {"photos": ["lena"]},
                                 {"val_fraction": 0.5, "test_fraction": 0.5}, {"channels": 2},
                                 {"scales": (0.1,), "size": 96, "crop_size": 24},
                                 {"scales": (2.0,), "size": None}, {"scales": ()}])
def test_params_reject_bad_values(bad):
    with pytest.raises(ValidationError):
        SamplePhotosParams(**bad)


def test_defaults_build_every_split():
    params = SamplePhotosParams().model_dump()
    sizes = [len(construct(SamplePhotos, split=s, **params)) for s in ("train", "val", "test")]
    assert all(n > 0 for n in sizes)
    assert np.isclose(construct(SamplePhotos, split="test", **params)[0]["image"].abs().max(), 1.0, atol=0.2)
