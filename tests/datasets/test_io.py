"""The shared readers, listing and name-hash splits (corefill.datasets.io)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from dataset_trees import random_image, truncate, write_png

from corefill.datasets import io


def test_8bit_grey_png_is_divided_by_255(tmp_path):
    raw = random_image(1, channels=1)
    out = io.read_image(write_png(tmp_path / "g.png", raw), channels=1)
    assert out.dtype == np.float32 and out.shape == (*raw.shape, 1)
    np.testing.assert_allclose(out[:, :, 0], raw / 255.0, atol=1e-7)


def test_16bit_png_keeps_all_levels(tmp_path):
    raw = np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16  # 4096 distinct levels
    out = io.read_image(write_png(tmp_path / "d.png", raw), channels=1)
    assert len(np.unique(out)) == 4096
    np.testing.assert_allclose(out[:, :, 0], raw / 65535.0, atol=1e-7)


def test_minmax_scale_stretches_12bit_data_in_16bit_png(tmp_path):
    raw = (np.arange(100, dtype=np.uint16).reshape(10, 10) * 40) + 100  # 100 .. 4060
    out = io.read_image(write_png(tmp_path / "d.png", raw), channels=1, scale="minmax")
    assert out.min() == 0.0 and out.max() == pytest.approx(1.0)


def test_rgb_order_and_grey_conversion(tmp_path):
    red = np.zeros((4, 5, 3), np.uint8)
    red[..., 0] = 255
    path = write_png(tmp_path / "red.png", red)
    np.testing.assert_allclose(io.read_image(path, 3)[0, 0], [1.0, 0.0, 0.0])
    # Luminance weight of red (ITU-R 601) is 0.299, not a channel average.
    assert io.read_image(path, 1)[0, 0, 0] == pytest.approx(0.299, abs=0.01)
    grey = write_png(tmp_path / "grey.png", np.full((4, 5), 128, np.uint8))
    assert io.read_image(grey, 3).shape == (4, 5, 3)


def test_jpeg_tiff_bmp_decode(tmp_path):
    image = random_image(3, 16, 16)
    for ext in (".jpg", ".tif", ".bmp"):
        assert cv2.imwrite(str(tmp_path / f"x{ext}"), image)
        assert io.read_image(tmp_path / f"x{ext}", 3).shape == (16, 16, 3)


def test_truncated_and_garbage_files_raise_unreadable(tmp_path):
    broken = truncate(write_png(tmp_path / "t.png", random_image(4, 64, 64)))
    garbage = tmp_path / "g.png"
    garbage.write_bytes(b"not an image")
    for path in (broken, garbage):
        with pytest.raises(io.UnreadableFileError, match=path.name):
            io.read_image(path, 3)
        with pytest.raises(io.UnreadableFileError):
            io.probe_image(path)


def test_to_value_range_maps_unit_interval():
    out = io.to_value_range(np.array([0.0, 0.5, 1.0, 1.5], np.float32), -1.0, 1.0)
    np.testing.assert_allclose(out, [-1.0, 0.0, 1.0, 1.0])
    assert out.dtype == np.float32


def test_list_images_recursive_sorted_and_skips_hidden(mixed_tree):
    (mixed_tree / ".hidden").mkdir()
    write_png(mixed_tree / ".hidden" / "h.png", random_image(0))
    (mixed_tree / "notes.txt").write_text("x")
    found = [p.relative_to(mixed_tree).as_posix() for p in io.list_images(mixed_tree)]
    assert len(found) == 13 and found == sorted(found)
    assert "rgb/photo.jpg" in found and not any(".hidden" in f for f in found)


def test_split_by_name_is_disjoint_complete_and_roughly_proportional(tmp_path):
    paths = [tmp_path / f"dir{i % 7}" / f"img{i}.png" for i in range(2000)]
    parts = {s: io.split_by_name(paths, s, 0.1, 0.2, root=tmp_path) for s in io.SPLITS}
    assert sum(len(p) for p in parts.values()) == 2000
    assert len(set().union(*map(set, parts.values()))) == 2000
    assert 150 < len(parts["val"]) < 250 and 330 < len(parts["test"]) < 470


def test_split_is_stable_when_files_are_added(tmp_path):
    old = [tmp_path / f"a{i}.png" for i in range(300)]
    new = old + [tmp_path / f"b{i}.png" for i in range(300)]
    for split in io.SPLITS:
        before = set(io.split_by_name(old, split, 0.2, 0.2, root=tmp_path))
        after = set(io.split_by_name(new, split, 0.2, 0.2, root=tmp_path))
        assert before == after & set(old)


def test_split_ignores_the_extension(tmp_path):
    # A pix2pix pair stored as .jpg and .png must land in the same split.
    for i in range(50):
        a, b = tmp_path / f"x{i}.jpg", tmp_path / f"x{i}.png"
        assert io.split_of(io.relative_stem(a, tmp_path), 0.3, 0.3) == io.split_of(
            io.relative_stem(b, tmp_path), 0.3, 0.3
        )


def test_find_split_folders_accepts_validate(tmp_path):
    for name in ("train", "validate", "test", "other"):
        (tmp_path / name).mkdir()
    found = io.find_split_folders(tmp_path)
    assert {k: v.name for k, v in found.items()} == {"train": "train", "val": "validate", "test": "test"}
    assert io.find_split_folders(tmp_path / "train") == {}
