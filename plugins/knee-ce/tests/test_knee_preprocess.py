"""Each preprocessing rule of the knee paper fires on an image built to trigger it, and only then."""
import cv2
import numpy as np
import pytest

from corefill_knee_ce.datasets.preprocess import (
    Rules,
    apply_rules,
    is_negative,
    laplacian_variance,
    largest_bright_region,
)


def radiograph(size=96, seed=0):
    """A knee-like image: dark air, grey soft tissue, two bright bone ends, quantum noise."""
    rng = np.random.default_rng(seed)
    image = np.full((size, size), 0.05, np.float32)
    cv2.rectangle(image, (size // 5, 0), (4 * size // 5, size), 0.35, -1)
    cv2.ellipse(image, (size // 2, size // 3), (size // 5, size // 7), 0, 0, 360, 0.75, -1)
    cv2.ellipse(image, (size // 2, 2 * size // 3), (size // 5, size // 7), 0, 0, 360, 0.7, -1)
    image += rng.normal(0, 0.03, image.shape).astype(np.float32)
    return np.clip(image, 0, 1)


def with_plate(image, area=0.06):
    """Add a saturated metal plate covering `area` of the image."""
    out = image.copy()
    side = int(np.sqrt(area * image.size))
    top = image.shape[0] // 2 - side // 2
    out[top:top + side, top:top + side // 2 * 2] = 1.0
    return out


RULES = Rules()


def test_normal_radiograph_is_kept_untouched():
    image = radiograph()
    verdict = apply_rules(image, RULES)
    assert verdict.fate == "kept" and not verdict.inverted
    assert np.array_equal(verdict.image, image)


def test_inverted_png_is_detected_and_inverted_back():
    image = radiograph()
    assert not is_negative(image, threshold=RULES.negative_threshold,
                           border_fraction=RULES.border_fraction)
    verdict = apply_rules(1.0 - image, RULES)
    assert verdict.inverted and verdict.fate == "kept"
    np.testing.assert_allclose(verdict.image, image, atol=1e-6)


def test_negative_detection_can_be_switched_off():
    verdict = apply_rules(1.0 - radiograph(), Rules(invert_negatives=False))
    assert not verdict.inverted


def test_dicom_header_decides_polarity_over_pixels():
    # A MONOCHROME1 file arrives already un-inverted by the reader: recorded, not re-inverted.
    image = radiograph()
    verdict = apply_rules(image, RULES, known_negative=True)
    assert verdict.inverted and np.array_equal(verdict.image, image)
    # MONOCHROME2 with a bright background is not second-guessed.
    assert not apply_rules(1.0 - image, RULES, known_negative=False).inverted


def test_blurry_image_is_excluded():
    image = radiograph()
    blurred = cv2.GaussianBlur(image, (0, 0), 3.0)
    assert laplacian_variance(blurred) < RULES.blur_threshold < laplacian_variance(image)
    assert apply_rules(blurred, RULES).fate == "blurry"


@pytest.mark.parametrize("threshold, fate", [(1.0, "kept"), (1e6, "blurry")])
def test_blur_threshold_is_a_param(threshold, fate):
    assert apply_rules(radiograph(), Rules(blur_threshold=threshold)).fate == fate


def test_surgical_hardware_is_set_apart():
    plated = with_plate(radiograph())
    assert largest_bright_region(plated, level=RULES.hardware_level) >= 0.05
    assert apply_rules(plated, RULES).fate == "artifact"


def test_small_bright_speck_is_not_hardware():
    speck = with_plate(radiograph(), area=0.004)
    assert apply_rules(speck, RULES).fate == "kept"
    # ...unless the area threshold is lowered to include it.
    assert apply_rules(speck, Rules(hardware_min_area=0.002)).fate == "artifact"


def test_hardware_in_an_inverted_image_is_found_after_inversion():
    # In a negative the plate is black; the rules invert first, then look for bright metal.
    verdict = apply_rules(1.0 - with_plate(radiograph()), RULES)
    assert verdict.inverted and verdict.fate == "artifact"
