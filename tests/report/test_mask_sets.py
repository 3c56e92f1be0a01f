"""`corefill masks`: byte-identical sets from separate processes, a checked manifest, and
the from-files masker reading such a set."""
import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest

from corefill.errors import DataError
from corefill.maskers.portable import mask_png, thick_line


def _masks(out, preset="lama-medium", size=96, count=6, seed=5):
    return subprocess.run([sys.executable, "-m", "corefill", "masks", "--preset", preset,
                           "--size", str(size), "--count", str(count), "--seed", str(seed),
                           "--out", str(out)], capture_output=True, text=True)


def _tree(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_processes_write_byte_identical_sets(tmp_path):
    first, second = _masks(tmp_path / "a"), _masks(tmp_path / "b")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b and len(a) == 7
    manifest = json.loads(a["manifest.json"])
    assert manifest["seed"] == 5 and manifest["generator"]["name"] == "lama-medium"
    assert manifest["corefill"] and manifest["generator"]["strokes"]["max_width"] == 50
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(a[name]).hexdigest() == digest
    other = _masks(tmp_path / "c", seed=6)
    assert other.returncode == 0 and _tree(tmp_path / "c")["00000.png"] != a["00000.png"]


def test_masks_read_back_as_the_drawn_holes(tmp_path):
    from PIL import Image

    from corefill.masksets import _masker, draw_mask

    assert _masks(tmp_path / "s", preset="lama-thick", size=64, count=3).returncode == 0
    masker, _ = _masker("lama-thick", 64)
    for index in range(3):
        drawn = draw_mask(masker, 64, 5, index)
        read = np.array(Image.open(tmp_path / "s" / f"{index:05d}.png"))
        assert read.shape == (64, 64) and (read == (drawn > 0)).all() and 0 < drawn.mean() <= 0.5


def test_portable_line_is_a_capsule():
    canvas = np.zeros((20, 20), np.uint8)
    thick_line(canvas, (2, 10), (17, 10), 5)
    assert canvas[8:13, 2:18].all() and not canvas[7, 5] and not canvas[13, 5]
    assert canvas[10, 0] and canvas[10, 19]  # round caps reach 2 px past each end
    assert not canvas[8, 0]  # ...round, not square
    png = mask_png(canvas)
    assert png.startswith(b"\x89PNG") and png == mask_png(canvas.copy())


def test_a_changed_mask_is_one_line_exit_2(tmp_path):
    folder = tmp_path / "set"
    assert _masks(folder, count=3).returncode == 0
    (folder / "00001.png").write_bytes(mask_png(np.ones((96, 96), np.uint8)))
    from corefill.maskers.files import FromFilesMasker
    from corefill.maskers.params import FromFilesParams

    with pytest.raises(DataError, match=r"files\.00001\.png: sha256 .* does not match"):
        FromFilesMasker(FromFilesParams(root=str(folder), polarity="white-is-hole"))


def test_from_files_picks_a_set_mask_by_item_name(tmp_path):
    from corefill.maskers.files import FromFilesMasker
    from corefill.maskers.params import FromFilesParams

    assert _masks(tmp_path / "set", size=32, count=4).returncode == 0
    masker = FromFilesMasker(FromFilesParams(root=str(tmp_path / "set"), polarity="white-is-hole"))
    rng = np.random.default_rng(0)
    one = masker(32, 32, rng=rng, name="scan_007.png")
    again = masker(32, 32, rng=rng, name="folder/scan_007.png")
    assert one.shape == (1, 32, 32) and (one == again).all() and one.sum() > 0
    names = {masker.path_for(f"img{i}").name for i in range(40)}
    assert len(names) == 4  # every mask of the set is used
