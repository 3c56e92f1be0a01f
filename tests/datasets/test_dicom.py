"""DICOM: photometric handling on real radiographs (pydicom-data), rescale, windowing, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

pydicom = pytest.importorskip("pydicom")
pydicom_data = pytest.importorskip("pydicom.data")

from corefill.testing import construct
from corefill.datasets.base import UnreadableFilesWarning  # noqa: E402
from corefill.datasets.dicom import DicomFolder  # noqa: E402
from corefill.datasets.io import read_dicom, read_dicom_values  # noqa: E402

LEG, CHEST = "RG3_UNCR.dcm", "RG1_UNCR.dcm"  # MONOCHROME1 computed radiographs


def real(name):
    return pydicom_data.get_testdata_file(name)


def box(a, rows, cols):
    h, w = a.shape[-2:]
    return a[..., int(rows[0] * h): int(rows[1] * h), int(cols[0] * w): int(cols[1] * w)].mean()


def test_leg_bone_is_bright_and_air_dark_after_monochrome1_inversion():
    raw = pydicom.dcmread(real(LEG)).pixel_array.astype(np.float32)
    image = read_dicom(real(LEG))
    assert image.shape == (1760, 1760) and image.dtype == np.float32
    rows = (0.2, 0.3)  # upper shin: tibia in the middle, exposed air beside the leg
    bone, air = box(image, rows, (0.45, 0.55)), box(image, rows, (0.28, 0.34))
    assert bone > 0.6 and air < 0.2
    # In the stored MONOCHROME1 data the same regions are the other way round.
    assert box(raw, rows, (0.45, 0.55)) < box(raw, rows, (0.28, 0.34))


def test_chest_center_brighter_than_corners():
    image = read_dicom(real(CHEST))
    corners = np.mean([box(image, r, c) for r in ((0, .05), (.95, 1)) for c in ((0, .05), (.95, 1))])
    assert box(image, (0.4, 0.6), (0.4, 0.6)) > corners + 0.2


@pytest.mark.parametrize("name,bits", [(LEG, 10), (CHEST, 15)])
def test_raw_bit_depth_is_kept_until_normalisation(name, bits):
    values, ds = read_dicom_values(real(name))
    assert values.dtype == np.float32 and int(ds.BitsStored) == bits
    assert len(np.unique(values)) > 256 and values.max() <= 2**bits - 1
    for window in ("dicom", "minmax", "none"):
        normalised = read_dicom(real(name), window=window)
        assert 0.0 <= normalised.min() and normalised.max() <= 1.0
        assert len(np.unique(normalised)) > 256


def test_window_modes_differ_as_documented():
    dicom, none = read_dicom(real(CHEST), window="dicom"), read_dicom(real(CHEST), window="none")
    values, _ = read_dicom_values(real(CHEST))
    # window none maps the full 15-bit range; the chest uses less of it, so contrast is lower.
    assert np.ptp(none) < np.ptp(dicom)
    np.testing.assert_allclose(none, 1 - values / (2**15 - 1), atol=1e-5)


def write_dicom(path, pixels, **attrs):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    ds = Dataset()
    ds.file_meta = meta
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.BitsAllocated, ds.BitsStored, ds.HighBit = 1, 16, 12, 11
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "MONOCHROME2"
    for key, value in attrs.items():
        setattr(ds, key, value)
    ds.PixelData = pixels.astype(np.uint16).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(str(path), enforce_file_format=True)
    return path


def test_rescale_then_window_on_a_synthetic_monochrome2(tmp_path):
    pixels = np.arange(0, 4096, 16, dtype=np.uint16).reshape(16, 16)
    path = write_dicom(tmp_path / "a.dcm", pixels, RescaleSlope=2, RescaleIntercept=-1000,
                       WindowCenter=1000, WindowWidth=2001)
    values, _ = read_dicom_values(path)
    np.testing.assert_allclose(values, pixels * 2.0 - 1000)
    image = read_dicom(path)  # window [0, 2000] of modality values, no inversion
    np.testing.assert_allclose(image, np.clip((values - 0) / 2000, 0, 1), atol=1e-3)


def test_dataset_on_real_files_with_split_folders(tmp_path):
    (tmp_path / "train").mkdir(), (tmp_path / "val").mkdir()
    (tmp_path / "train" / "leg.dcm").symlink_to(real(LEG))
    (tmp_path / "val" / "chest.dcm").symlink_to(real(CHEST))
    (tmp_path / "train" / "broken.dcm").write_bytes(b"DICM but not really" * 10)
    with pytest.warns(UnreadableFilesWarning, match="skipped 1 unreadable file.*broken.dcm"):
        train = construct(DicomFolder, split="train", root=tmp_path, size=[128, 128], value_range=(0, 1))
    assert len(train) == 1 and train.channels == 1
    item = train[0]
    assert item["name"] == "leg" and item["image"].shape == (1, 128, 128)
    image = item["image"][0]
    assert box(image, (0.2, 0.3), (0.45, 0.55)) > box(image, (0.2, 0.3), (0.28, 0.34)) + 0.4
    val = construct(DicomFolder, split="val", root=tmp_path, size=64, channels=3, cache=False)
    assert val[0]["image"].shape == (3, 64, 64) and val.value_range == (-1.0, 1.0)
    assert torch.equal(val[0]["image"][0], val[0]["image"][2])
