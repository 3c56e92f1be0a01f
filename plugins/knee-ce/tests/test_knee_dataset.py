"""The knee dataset: folder layouts, DICOM polarity, preprocessing reports, embedded crops."""
import json

import cv2
import numpy as np
import pytest
import torch

from corefill.plugin import DataError
from corefill.testing import construct
from corefill_knee_ce.datasets.knee import KneeRadiographs
from corefill_knee_ce.datasets.params import KneeRadiographsParams


def radiograph(size=96, seed=0):
    rng = np.random.default_rng(seed)
    image = np.full((size, size), 0.05, np.float32)
    cv2.rectangle(image, (size // 5, 0), (4 * size // 5, size), 0.35, -1)
    cv2.ellipse(image, (size // 2, size // 3), (size // 5, size // 7), 0, 0, 360, 0.75, -1)
    image += rng.normal(0, 0.03, image.shape).astype(np.float32)
    return np.clip(image, 0, 1)


def save_png(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.round(image * 255).astype(np.uint8))


def save_monochrome1_dicom(path, image):
    """Store `image` (bright = dense) the MONOCHROME1 way: dense tissue as low values."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    stored = np.round((1.0 - image) * 4095).astype(np.uint16)
    ds.Rows, ds.Columns = stored.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME1"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = stored.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(str(path), enforce_file_format=True)


def params(**overrides):
    # A blur threshold above the 8-bit quantisation noise of the synthetic images at 32².
    return KneeRadiographsParams(**{"blur_threshold": 10.0, **overrides}).model_dump()


@pytest.fixture
def kaggle_root(tmp_path):
    """train|val|test/<KL grade>/ with one image per rule to trigger."""
    root = tmp_path / "knee"
    for split, count in (("train", 4), ("val", 2), ("test", 2)):
        for k in range(count):
            save_png(root / split / str(k % 3) / f"{split}{k}.png", radiograph(seed=k))
    save_png(root / "train" / "1" / "negative.png", 1.0 - radiograph(seed=9))
    save_png(root / "train" / "2" / "blurry.png", cv2.GaussianBlur(radiograph(seed=8), (0, 0), 8))
    plated = radiograph(seed=7)
    plated[30:66, 40:56] = 1.0
    save_png(root / "test" / "4" / "prosthesis.png", plated)
    save_monochrome1_dicom(root / "val" / "3" / "scan.dcm", radiograph(seed=6))
    (root / "train" / "0" / "broken.png").write_bytes(b"not a png")
    return root


def test_kaggle_layout_splits_grades_and_rules(kaggle_root, tmp_path):
    train = construct(KneeRadiographs, split="train", **params(root=str(kaggle_root), size=32, augment="none"))
    val = construct(KneeRadiographs, split="val", **params(root=str(kaggle_root), size=32))
    test = construct(KneeRadiographs, split="test", **params(root=str(kaggle_root), size=32))
    names = {s: {d[i]["name"] for i in range(len(d))} for s, d in
             (("train", train), ("val", val), ("test", test))}
    assert "train/1/negative.png" in names["train"]
    assert "val/3/scan.dcm" in names["val"]
    assert len(test) == 2 and not any("prosthesis" in n for n in names["test"])
    assert not any("blurry" in n for n in names["train"])
    item = train[0]
    assert item["image"].shape == (1, 32, 32) and item["image"].dtype == torch.float32
    assert -1.0 <= float(item["image"].min()) and float(item["image"].max()) <= 1.0
    grades = {train[i]["name"]: train[i]["grade"] for i in range(len(train))}
    assert grades["train/1/negative.png"] == 1

    train.write_report(tmp_path / "run")
    folder = tmp_path / "run" / "preprocessing"
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["counts"] == {"inverted": 2, "blurry": 1, "artifact": 1, "unreadable": 1}
    assert summary["kept"] == {"train": 5, "val": 3, "test": 2}
    assert (folder / "artifact.txt").read_text().strip().endswith("prosthesis.png")
    listed = (folder / "artifacts_to_regenerate.txt").read_text().split()
    assert len(listed) == 1 and (tmp_path / "run" / listed[0]).is_file()


def test_negative_png_and_dicom_come_out_bright_on_dense(kaggle_root):
    val = construct(KneeRadiographs, split="val", **params(root=str(kaggle_root), size=32))
    train = construct(KneeRadiographs, split="train", **params(root=str(kaggle_root), size=32, augment="none"))
    for dataset, wanted in ((train, "train/1/negative.png"), (val, "val/3/scan.dcm")):
        item = next(dataset[i] for i in range(len(dataset)) if dataset[i]["name"] == wanted)
        image = item["image"][0]
        # Bone (centre) brighter than the air at the left edge, as in a positive radiograph.
        assert image[8:16, 12:20].mean() > image[:, :3].mean() + 0.5


def test_flat_folder_is_split_by_name_hash(tmp_path):
    for k in range(30):
        save_png(tmp_path / "flat" / f"knee{k:02d}.png", radiograph(seed=k))
    sizes = [len(construct(KneeRadiographs, split=s, **params(root=str(tmp_path / "flat"), size=16,
                                                   augment="none")))
             for s in ("train", "val", "test")]
    assert sum(sizes) == 30 and min(sizes) > 0 and sizes[0] > sizes[1]


def test_augmentation_adds_mirrored_and_rotated_copies(kaggle_root):
    plain = construct(KneeRadiographs, split="train", **params(root=str(kaggle_root), size=32, augment="none"))
    n = len(plain)
    mirror = construct(KneeRadiographs, split="train", **params(root=str(kaggle_root), size=32))
    assert len(mirror) == 2 * n
    assert torch.equal(mirror[n]["image"], plain[0]["image"].flip(-1))
    dihedral = construct(KneeRadiographs, split="train", **params(root=str(kaggle_root), size=32,
                                                      augment="dihedral"))
    assert len(dihedral) == 8 * n
    variants = [dihedral[k * n]["image"] for k in range(8)]
    assert torch.equal(variants[2], torch.rot90(plain[0]["image"], 1, dims=(1, 2)))
    assert len({v.numpy().tobytes() for v in variants}) == 8  # all distinct
    assert torch.equal(dihedral[3 * n]["image"], dihedral[3 * n]["image"])  # deterministic
    # Held-out splits are never augmented.
    val = construct(KneeRadiographs, split="val", **params(root=str(kaggle_root), size=32, augment="dihedral"))
    assert len(val) == 3


def test_batched_fetch_gives_the_items_one_by_one_reading_gives(kaggle_root):
    data = construct(KneeRadiographs, split="train", **params(root=str(kaggle_root), size=32,
                                                             augment="dihedral"))
    indices = [0, len(data) - 1, 5, 3 * len(data) // 8 + 1, 5]
    for batched, index in zip(data.__getitems__(indices), indices):
        alone = data[index]
        assert batched["name"] == alone["name"] and batched["grade"] == alone["grade"]
        assert torch.equal(batched["image"], alone["image"])
    with pytest.raises(IndexError):
        data.__getitems__([0, len(data)])


def test_missing_root_names_the_path(tmp_path):
    with pytest.raises(DataError, match="folder not found: .*nowhere"):
        construct(KneeRadiographs, split="train", **params(root=str(tmp_path / "nowhere")))


def _position(name):
    stem, pos = name.split("#y")
    y, x = (int(v) for v in pos.split("x"))
    return stem, y, x


def test_embedded_crops_hold_out_whole_bands():
    size = 32
    config = params(size=size, train_crops=200, embedded_scale=0.0625)
    train = construct(KneeRadiographs, split="train", **{**config, "augment": "none"})
    held = [_position(d[i]["name"]) for split in ("val", "test")
            for d in [construct(KneeRadiographs, split=split, **config)] for i in range(len(d))]
    assert len(train) > 50 and held
    for i in range(len(train)):
        stem, y, x = _position(train[i]["name"])
        for other, top, _ in held:  # no train crop shares a row with a held-out band
            assert other != stem or y + size <= top or y >= top + size
    # Both sources are MONOCHROME1: every crop is recorded as inverted by the header.
    assert train.prepared.summary()["counts"]["inverted"] == train.prepared.total
