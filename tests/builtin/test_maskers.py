"""Built-in maskers: shapes, {0,1} values, hole fractions, reproducibility, from-files errors."""
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from pydantic import ValidationError

from corefill.errors import DataError
from corefill.plugins import registries
from corefill.registry import build
from corefill.testing import check_masker


def make(name, **params):
    return build(registries().get("masker", name), params)


def fractions(masker, height, width, seeds):
    return np.array([float(masker(height, width, rng=np.random.default_rng(s)).mean()) for s in seeds])


RANDOM_MASKERS = [("random-box", {}), ("free-form", {}), ("shapes", {})]


@pytest.mark.parametrize("name,params", RANDOM_MASKERS + [("center", {}), ("none", {})])
def test_contract_on_non_square_images(name, params):
    masker = make(name, **params)
    check_masker(masker, height=48, width=40)
    mask = masker(37, 64, rng=np.random.default_rng(0))
    assert mask.shape == (1, 37, 64) and mask.dtype == torch.float32
    assert torch.all((mask == 0) | (mask == 1))


@pytest.mark.parametrize("name,params", RANDOM_MASKERS)
def test_random_maskers_depend_on_the_seed(name, params):
    masker = make(name, **params)
    masks = [masker(64, 64, rng=np.random.default_rng(seed)) for seed in range(6)]
    distinct = {tuple(m.flatten().tolist()) for m in masks}
    assert len(distinct) == 6
    again = masker(64, 64, rng=np.random.default_rng(3))
    assert torch.equal(again, masks[3])


def test_center_box_in_pixels_matches_the_autoencoder_source():
    mask = make("center", size=40)(256, 256, rng=np.random.default_rng(0))
    rows, cols = torch.nonzero(mask[0], as_tuple=True)
    assert mask.sum() == 1600
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (108, 147, 108, 147)


def test_center_fraction_and_rectangular_size():
    half = make("center")(32, 32, rng=np.random.default_rng(0))
    assert half.sum() == 256 and half[0, 8:24, 8:24].all()
    rect = make("center", size=[4, 10])(20, 30, rng=np.random.default_rng(0))
    assert rect.sum() == 40 and rect[0, 8:12, 10:20].all()


def test_center_box_larger_than_image_is_an_error():
    with pytest.raises(DataError, match="40x40 does not fit in a 32x32"):
        make("center", size=40)(32, 32, rng=np.random.default_rng(0))


def test_random_box_area_stays_in_the_size_range():
    masker = make("random-box", min_fraction=0.2, max_fraction=0.4)
    found = fractions(masker, 100, 100, range(200))
    assert found.min() >= 0.2 * 0.2 - 1e-9 and found.max() <= 0.4 * 0.4 + 1e-9
    assert found.max() - found.min() > 0.05  # sizes really vary


@pytest.mark.parametrize("name", ["free-form", "shapes"])
def test_irregular_masks_respect_the_area_cap(name):
    default = fractions(make(name), 128, 128, range(60))
    assert default.max() <= 0.5 and default.min() > 0
    assert 0.05 < default.mean() < 0.4
    capped = fractions(make(name, max_hole_fraction=0.08), 128, 128, range(60))
    assert capped.max() <= 0.08 and capped.min() > 0


def test_free_form_strokes_are_wider_with_wider_brushes():
    thin = fractions(make("free-form", min_width=0.02, max_width=0.03), 128, 128, range(30))
    wide = fractions(make("free-form", min_width=0.15, max_width=0.2), 128, 128, range(30))
    assert wide.mean() > 2 * thin.mean()


def test_tiny_images_still_get_a_hole():
    mask = make("free-form", max_hole_fraction=0.01)(6, 6, rng=np.random.default_rng(0))
    assert mask.sum() >= 1


def test_none_masks_everything():
    assert torch.equal(make("none")(5, 7, rng=np.random.default_rng(0)), torch.ones(1, 5, 7))


@pytest.mark.parametrize("bad", [
    dict(name="free-form", min_strokes=5, max_strokes=2),
    dict(name="random-box", min_fraction=0.6, max_fraction=0.3),
    dict(name="shapes", max_lines=0, max_circles=0, max_ellipses=0),
    dict(name="center", size=0),
    dict(name="from-files", root="x"),  # polarity must be explicit
])
def test_bad_params_are_rejected(bad):
    spec = registries().get("masker", bad.pop("name"))
    with pytest.raises(ValidationError):
        spec.params_class().model_validate(bad)


# --- from-files -------------------------------------------------------------------------

@pytest.fixture()
def mask_folder(tmp_path):
    hole = np.zeros((6, 8), np.uint8)
    hole[1:3, 2:5] = 1
    cv2.imwrite(str(tmp_path / "scan_255.png"), hole * 255)
    cv2.imwrite(str(tmp_path / "scan_01.png"), hole)
    cv2.imwrite(str(tmp_path / "scan_bmp.bmp"), hole * 255)
    return tmp_path, torch.from_numpy(hole.astype(np.float32))[None]


@pytest.mark.parametrize("name", ["scan_255", "scan_01", "scan_bmp", "sub/dir/scan_255"])
def test_from_files_reads_0_255_and_0_1_masks(mask_folder, name):
    root, expected = mask_folder
    masker = make("from-files", root=str(root), polarity="white-is-hole")
    mask = masker(6, 8, rng=np.random.default_rng(0), name=name)
    assert mask.dtype == torch.float32 and torch.equal(mask, expected)
    check_masker(masker, height=6, width=8, name=name)


def test_from_files_black_is_hole_inverts(mask_folder):
    root, expected = mask_folder
    masker = make("from-files", root=str(root), polarity="black-is-hole")
    assert torch.equal(masker(6, 8, rng=np.random.default_rng(0), name="scan_255"), 1 - expected)


def test_from_files_size_mismatch_names_file_and_sizes(mask_folder):
    root, _ = mask_folder
    masker = make("from-files", root=str(root), polarity="white-is-hole")
    with pytest.raises(DataError) as error:
        masker(16, 8, rng=np.random.default_rng(0), name="scan_01")
    message = str(error.value)
    assert str(root / "scan_01.png") in message and "6x8" in message and "16x8" in message
    assert "\n" not in message


def test_from_files_missing_mask_names_the_expected_path(mask_folder):
    root, _ = mask_folder
    masker = make("from-files", root=str(root), polarity="white-is-hole")
    with pytest.raises(DataError, match="expected .*knee_7.png"):
        masker(6, 8, rng=np.random.default_rng(0), name="knee_7")
    with pytest.raises(DataError, match="needs the item name"):
        masker(6, 8, rng=np.random.default_rng(0))


def test_from_files_missing_folder_is_an_error(tmp_path):
    with pytest.raises(DataError, match="nope"):
        make("from-files", root=str(tmp_path / "nope"), polarity="white-is-hole")


def test_params_modules_do_not_import_torch():
    modules = ["corefill.maskers.params", "corefill.losses.params", "corefill.metrics.params",
               "corefill.generators.params", "corefill.maskers", "corefill.losses",
               "corefill.metrics", "corefill.generators", "corefill.discriminators"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + \
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    subprocess.run([sys.executable, "-c", code], check=True)
