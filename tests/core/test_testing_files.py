"""corefill.testing.files: the real-file helpers plugin authors build dataset fixtures with."""
import warnings

import numpy as np
import pytest

from corefill.datasets.io import UnreadableFileError, read_image
from corefill.testing.files import photo, skipped_count, write_image, write_unreadable


@pytest.mark.parametrize("kind, shape, dtype", [
    ("rgb", (97, 131, 3), np.uint8), ("grey", (97, 131), np.uint8),
    ("grey16", (97, 131), np.uint16), ("jpg", (97, 131, 3), np.uint8)])
def test_photo_has_the_asked_size_and_depth(kind, shape, dtype):
    pixels = photo("astronaut", (131, 97), kind)
    assert pixels.shape == shape and pixels.dtype == dtype
    assert pixels.std() > 10  # a real photo, not a flat fill


def test_sixteen_bit_photo_round_trips(tmp_path):
    pixels = photo("coins", (61, 45), "grey16")
    path = write_image(tmp_path / "deep" / "coins.png", pixels)
    back = read_image(path, channels=1)[:, :, 0]
    assert np.allclose(back * 65535.0, pixels, atol=0.5)  # every 16-bit level kept


def test_unreadable_files_do_not_read(tmp_path):
    assert write_unreadable(tmp_path) == 3
    for path in sorted(tmp_path.iterdir()):
        with pytest.raises(UnreadableFileError):
            read_image(path, channels=1)


def test_skipped_count_sums_the_warnings():
    from corefill.datasets.base import UnreadableFilesWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("a: skipped 2 unreadable file(s) of 9; first: x", UnreadableFilesWarning)
        warnings.warn("b: skipped 1 of 3 slice files", UnreadableFilesWarning)
        warnings.warn("unrelated: skipped 5", UserWarning)
    assert skipped_count(caught) == 3
