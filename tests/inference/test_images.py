"""Pixels keep their size, channels and depth from reading to writing; masks of any size."""
import cv2
import numpy as np
import pytest

from corefill.errors import DataError
from corefill.engine.inference import images
from corefill.engine.inference.masks import MaskFolder, image_hole, model_hole


def _roundtrip(tmp_path, name, pixels_bgr):
    path = tmp_path / name
    assert cv2.imwrite(str(path), pixels_bgr)
    read = images.read_pixels(path)
    out = tmp_path / "out.png"
    images.write_png(out, read)
    return read, cv2.imread(str(out), cv2.IMREAD_UNCHANGED)


def test_16_bit_rgb_is_read_as_rgb_and_written_back_unchanged(tmp_path):
    bgr = np.random.default_rng(0).integers(0, 65536, (13, 21, 3), dtype=np.uint16)
    read, written = _roundtrip(tmp_path, "a.png", bgr)
    assert read.dtype == np.uint16 and np.array_equal(read, bgr[:, :, ::-1])  # RGB order
    assert np.array_equal(written, bgr)


def test_alpha_is_carried_through(tmp_path):
    bgra = np.random.default_rng(1).integers(0, 256, (9, 7, 4), dtype=np.uint8)
    read, written = _roundtrip(tmp_path, "a.png", bgra)
    assert images.colour_channels(read) == 3 and images.to_unit(read).shape == (9, 7, 3)
    assert np.array_equal(written, bgra)


def test_float_tiff_becomes_16_bit(tmp_path):
    values = np.linspace(0, 1, 6 * 5, dtype=np.float32).reshape(6, 5)
    read, _ = _roundtrip(tmp_path, "a.tif", values)
    assert read.dtype == np.uint16 and read.shape == (6, 5, 1)
    assert read[0, 0, 0] == 0 and read[-1, -1, 0] == 65535


def test_a_corrupt_file_is_one_line_naming_it(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(DataError, match=r"bad\.png: not a readable image"):
        images.read_pixels(tmp_path / "bad.png")


def test_fill_hole_changes_only_the_hole_and_keeps_the_type():
    pixels = np.full((4, 5, 1), 1000, np.uint16)
    hole = np.zeros((4, 5), bool)
    hole[1:3, 2:4] = True
    result = images.fill_hole(pixels, np.full((4, 5, 1), 0.5, np.float32), hole)
    assert result.dtype == np.uint16
    assert np.all(result[hole] == 32768) and np.all(result[~hole] == 1000)


def test_channel_conversion_both_ways():
    grey = np.random.default_rng(2).random((3, 4, 1)).astype(np.float32)
    rgb = images.convert_channels(grey, 3)
    assert rgb.shape == (3, 4, 3) and np.array_equal(rgb[:, :, 1], grey[:, :, 0])
    assert np.allclose(images.convert_channels(rgb, 1), grey, atol=1e-6)


def test_mask_of_another_size_is_resized_nearest_to_the_image(tmp_path):
    mask = np.zeros((10, 20), np.uint8)
    mask[2:6, 5:15] = 255
    cv2.imwrite(str(tmp_path / "img.png"), mask)
    hole = MaskFolder(tmp_path).hole(tmp_path / "elsewhere" / "img.jpg", 25, 40)
    expected = cv2.resize(mask, (40, 25), interpolation=cv2.INTER_NEAREST) > 127
    assert hole.dtype == bool and np.array_equal(hole, expected)


def test_a_missing_mask_is_named(tmp_path):
    with pytest.raises(DataError, match="no mask named lonely"):
        MaskFolder(tmp_path).hole(tmp_path / "lonely.png", 4, 4)


@pytest.mark.parametrize("size", [(16, 16), (200, 120)])
def test_the_model_hole_covers_every_image_hole_pixel(size):
    hole = np.zeros((97, 61), bool)
    hole[40, 17] = True  # a single pixel must not vanish when shrinking
    hole[70:80, 30:50] = True
    small = model_hole(hole, *size)
    back = image_hole(small, 97, 61)
    assert np.all(back[hole])
    assert small.sum() < small.size / 4  # and stays local


def test_one_warning_line_names_what_was_converted():
    note = images.conversion_note({"grey": 4}, {"grey": ["a.png", "b.png", "c.png", "d.png"]}, 3)
    assert note == ("converted 4 grey images (a.png, b.png, c.png, ...) to RGB for the RGB "
                    "model; results keep their own channels")
    assert images.conversion_note({}, {}, 1) is None
