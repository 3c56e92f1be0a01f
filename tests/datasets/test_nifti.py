"""nifti-slices on nilearn's MNI152 T1 (real data) and small synthetic volumes."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

nibabel = pytest.importorskip("nibabel")

from corefill.testing import construct
from corefill.datasets.nifti import NiftiSlices  # noqa: E402
from corefill.datasets.slicing import block_split  # noqa: E402
from corefill.errors import DataError  # noqa: E402
from corefill.testing import check_dataset  # noqa: E402


def nilearn_data() -> Path:
    spec = importlib.util.find_spec("nilearn")  # the data files only: no nilearn import
    if spec is None:
        pytest.skip("nilearn (ships the MNI152 template) is not installed")
    return Path(spec.origin).parent / "datasets" / "data"


@pytest.fixture(scope="module")
def mni() -> Path:
    return nilearn_data() / "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"


@pytest.fixture(scope="module")
def tissue_labels(tmp_path_factory, mni) -> Path:
    """0 = background, 1 = grey matter, 2 = white matter, from the MNI probability maps."""
    data = nilearn_data()
    gm = nibabel.load(data / "mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz")
    wm = nibabel.load(data / "mni_icbm152_wm_tal_nlin_sym_09a_converted.nii.gz")
    labels = np.zeros(gm.shape, np.int16)
    labels[gm.get_fdata() > 0.5] = 1
    labels[wm.get_fdata() > 0.5] = 2
    path = tmp_path_factory.mktemp("labels") / "tissue.nii.gz"
    nibabel.save(nibabel.Nifti1Image(labels, gm.affine), path)
    return path


def names(ds):
    return [ds[i]["name"] for i in range(len(ds))]


def test_mni_axial_slices_split_without_sharing(mni):
    parts = {s: construct(NiftiSlices, split=s, path=mni, value_range=(0, 1)) for s in ("train", "val", "test")}
    indices = {s: [int(n.split("#")[1]) for n in names(ds)] for s, ds in parts.items()}
    assert all(indices.values())
    # contiguous blocks in order, with a gap of 2 slices at each border
    assert max(indices["train"]) + 2 < min(indices["val"]) and max(indices["val"]) + 2 < min(indices["test"])
    item = parts["train"][len(parts["train"]) // 2]
    assert item["image"].shape == (1, 233, 197) and item["name"].startswith("mni_icbm152_t1")
    image = item["image"][0]
    assert image.min() >= 0 and image.max() <= 1
    assert image[100:130, 85:115].mean() > 0.3 > image[:10, :10].mean()  # brain bright, air dark


def test_empty_slices_are_skipped_and_slice_range_applies(mni):
    every = construct(NiftiSlices, split="train", path=mni, skip_empty=False, val_fraction=0, test_fraction=0)
    kept = construct(NiftiSlices, split="train", path=mni, val_fraction=0, test_fraction=0)
    assert len(every) == 189 and 60 < len(kept) < 189
    blank = [i for i in range(len(every)) if every[i]["image"].max() <= -0.9]
    assert blank and not any(kept[i]["image"].max() <= -0.9 for i in range(len(kept)))
    ranged = construct(NiftiSlices, split="train", path=mni, slice_range=(80, 90), val_fraction=0, test_fraction=0)
    assert names(ranged) == [f"mni_icbm152_t1_tal_nlin_sym_09a_converted#{i}" for i in range(80, 90)]


def test_other_axis_and_resize(mni):
    sagittal = construct(NiftiSlices, split="val", path=mni, axis=0, size=(64, 48), channels=3)
    check_dataset(sagittal)
    assert sagittal[0]["image"].shape == (3, 64, 48)


def test_label_volume_becomes_input(mni, tissue_labels):
    onehot = construct(NiftiSlices, split="train", path=mni, label_path=tissue_labels, label_encoding="onehot",
                         value_range=(0, 1), slice_range=(90, 100), val_fraction=0, test_fraction=0)
    assert onehot.num_classes == 3 and onehot.input_channels == 3
    item = onehot[5]
    assert item["input"].shape == (3, 233, 197)
    assert torch.all(item["input"].sum(0) == 1)  # exactly one class per pixel
    white = item["input"][2] == 1
    assert item["image"][0][white].mean() > item["image"][0][item["input"][0] == 1].mean()
    scaled = construct(NiftiSlices, split="train", path=mni, label_path=tissue_labels, slice_range=(90, 100),
                         val_fraction=0, test_fraction=0)
    assert set(torch.unique(scaled[5]["input"]).tolist()) == {-1.0, 0.0, 1.0}
    check_dataset(scaled)


def write_volume(path, seed, depth=30):
    volume = np.zeros((16, 12, depth), np.float32)
    volume[3:13, 2:10, :] = np.random.default_rng(seed).uniform(50, 100, (10, 8, depth))
    nibabel.save(nibabel.Nifti1Image(volume, np.eye(4)), path)
    return path


def test_folder_of_volumes_split_by_volume_and_interleaved(tmp_path):
    for i in range(12):
        write_volume(tmp_path / f"v{i:02d}.nii.gz", i)
    by_volume = {s: {n.split("#")[0] for n in names(construct(NiftiSlices, split=s, path=tmp_path,
                 split_by="volume", val_fraction=0.25, test_fraction=0.25))}
                 for s in ("train", "val", "test")}
    assert sum(map(len, by_volume.values())) == 12 == len(set().union(*by_volume.values()))
    interleaved = {s: set(names(construct(NiftiSlices, split=s, path=tmp_path, split_mode="interleaved",
                                            block_size=5, split_gap=1)))
                   for s in ("train", "val", "test")}
    assert not (interleaved["train"] & interleaved["val"]) and not (interleaved["val"] & interleaved["test"])
    assert all(interleaved.values())
    # runs are assigned per volume, so volumes differ in which slice positions are val
    val_positions = {tuple(sorted(int(n.split("#")[1]) for n in interleaved["val"] if n.startswith(f"v{i:02d}")))
                     for i in range(12)}
    assert len(val_positions) > 1


def test_cache_off_gives_same_items(tmp_path):
    write_volume(tmp_path / "a.nii", 0)
    on = construct(NiftiSlices, split="train", path=tmp_path / "a.nii")
    off = construct(NiftiSlices, split="train", path=tmp_path / "a.nii", cache=False)
    assert on.sources[0]["volume"] is not None and off.sources[0]["volume"] is None
    assert len(on) == len(off) and all(torch.equal(on[i]["image"], off[i]["image"]) for i in range(len(on)))


def test_errors_and_unreadable_volumes(tmp_path):
    with pytest.raises(DataError, match="no NIfTI volumes"):
        (tmp_path / "empty").mkdir() or construct(NiftiSlices, split="train", path=tmp_path / "empty")
    write_volume(tmp_path / "vols" / "a.nii.gz", 0) if (tmp_path / "vols").mkdir() is None else None
    (tmp_path / "vols" / "bad.nii.gz").write_bytes(b"\x1f\x8b garbage")
    with pytest.warns(UserWarning, match="skipped 1 unreadable file.*bad.nii.gz"):
        assert len(construct(NiftiSlices, split="train", path=tmp_path / "vols")) > 0
    (tmp_path / "labels").mkdir()
    with pytest.raises(DataError, match="no label file"):
        construct(NiftiSlices, split="train", path=tmp_path / "vols", label_path=tmp_path / "labels")
    with pytest.warns(UserWarning), pytest.raises(DataError, match="split 'val' has no slices"):
        construct(NiftiSlices, split="val", path=tmp_path / "vols", val_fraction=0.0)


def test_block_split_gap():
    parts = {s: block_split(list(range(100)), s, 0.2, 0.1, gap=3) for s in ("train", "val", "test")}
    assert parts["train"] == list(range(70))
    assert parts["val"] == list(range(73, 90)) and parts["test"] == list(range(93, 100))


def test_epoch_index_key_accepted(tmp_path):
    write_volume(tmp_path / "a.nii", 0)
    ds = construct(NiftiSlices, split="train", path=tmp_path / "a.nii")
    assert ds.accepts_epoch_key and torch.equal(ds[(3, 1)]["image"], ds[1]["image"])
