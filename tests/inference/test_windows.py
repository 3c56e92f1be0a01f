"""`--strategy crop`: each hole in its own windows, at the image's own resolution.

A residual model whose correction is zero must give back the exact harmonic fill of the
whole image, whatever the windows (border holes, many holes, touching holes, 1-pixel holes,
strokes tiled across the image, a hole larger than any window); a model that paints one
value must give exactly that value in every hole pixel (tile weights sum to one).
"""
import numpy as np
import pytest
import torch

from corefill.engine.inference import fill, windows
from corefill.errors import DataError

MODEL = 32
# Training holes 2-16 px thick in a 32² model (fractions of the side), anywhere.
HOLES = {"thickness": [2 / 32, 0.2, 0.5], "extent": [0.1, 0.4, 0.9],
         "centre_offset": [0.0, 0.2, 0.4], "hole_fraction": [0.02, 0.1, 0.3], "masks": 64}


def spec(blend="residual", holes=HOLES):
    return {"size": [MODEL, MODEL], "channels": 1, "value_range": [-1.0, 1.0],
            "masker": {"name": "mix", "params": {}}, "item_masks": False,
            "conditional_input": False, "output_region": "full", "blend": blend,
            **({"holes": holes} if holes else {})}


class Constant(torch.nn.Module):
    """Paints one value (in the model's range) everywhere; records the windows' sizes."""

    def __init__(self, value):
        super().__init__()
        self.value, self.calls = value, []

    def forward(self, input, mask):
        self.calls.append(tuple(input.shape))
        return torch.full_like(input, self.value)


def image(height, width, seed=0):
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[:height, :width]
    smooth = 0.5 + 0.3 * np.sin(rows / 9.0) * np.cos(cols / 13.0)
    return (smooth + 0.05 * rng.random((height, width))).astype(np.float32)[:, :, None]


def border_and_many(height, width):
    hole = np.zeros((height, width), bool)
    hole[0:5, 10:20] = True                      # at the top border
    hole[height - 3:, width - 3:] = True         # in the corner
    hole[30, 30] = hole[33, 60] = True           # 1-pixel holes
    hole[40:50, 70:80] = hole[50:60, 80:90] = True  # touching at a corner
    return hole


def long_stroke(height, width):
    import cv2

    canvas = np.zeros((height, width), np.uint8)
    cv2.polylines(canvas, [np.array([[5, 10], [width - 10, height // 2], [20, height - 8]])],
                  False, 1, 3)
    return canvas > 0


CASES = {
    "border, many, touching and 1-pixel holes": (100, 130, border_and_many),
    "a stroke across the image (tiled)": (160, 200, long_stroke),
    "a hole larger than any window": (70, 90, lambda h, w: np.pad(np.ones((h - 6, w - 4), bool),
                                                                 ((3, 3), (2, 2)))),
    "an image smaller than the model": (20, 24, lambda h, w: np.pad(np.ones((6, 6), bool),
                                                                    ((7, 7), (9, 9)))),
}


@pytest.mark.parametrize("case", CASES)
def test_a_zero_correction_gives_the_exact_harmonic_fill(case):
    height, width, make = CASES[case]
    unit, hole = image(height, width), make(height, width)
    filled, _ = fill.fill_crop(Constant(0.0), spec(), unit, hole, device="cpu")
    exact = fill.harmonic(unit, hole)
    assert np.array_equal(filled[~hole], unit[~hole])
    assert np.abs(filled[hole] - exact[hole]).max() < 2e-4


@pytest.mark.parametrize("case", CASES)
def test_a_painted_value_reaches_every_hole_pixel_exactly(case):
    height, width, make = CASES[case]
    unit, hole = image(height, width), make(height, width)
    filled, _ = fill.fill_crop(Constant(0.5), spec(blend="paste"), unit, hole, device="cpu")
    assert np.allclose(filled[hole], 0.75, atol=1e-5)  # 0.5 in [-1, 1]
    assert np.array_equal(filled[~hole], unit[~hole])


def test_thin_holes_keep_the_image_resolution_and_long_ones_are_tiled():
    hole = long_stroke(160, 200)
    (cluster,) = windows.plan(hole, MODEL, HOLES)
    assert cluster.scale == 1.0 and len(cluster.windows) > 4
    assert all(w.side == MODEL and w.tent for w in cluster.windows)
    covered = np.zeros_like(hole)
    for w in cluster.windows:
        rows, cols, _, _ = windows.inside(w, hole.shape)
        covered[rows, cols] = True
    assert covered[hole].all()


def test_a_thick_hole_is_shrunk_to_the_trained_thickness():
    hole = np.zeros((256, 256), bool)
    hole[64:192, 64:192] = True  # 128 px thick; trained up to 16 px in 32
    (cluster,) = windows.plan(hole, MODEL, HOLES)
    assert cluster.scale == pytest.approx(16 / 128, rel=0.02)
    (window,) = cluster.windows
    assert 250 <= window.side <= 256  # 32 / scale
    assert window.top + window.side / 2 == pytest.approx(128, abs=1)  # centred on the hole
    assert cluster.note is None


def test_a_window_moves_inside_the_image_unless_the_model_saw_only_centred_holes():
    hole = np.zeros((100, 100), bool)
    hole[2:6, 2:6] = True
    (anywhere,) = windows.plan(hole, MODEL, HOLES)
    assert (anywhere.windows[0].top, anywhere.windows[0].left) == (0, 0)
    centred = {**HOLES, "centre_offset": [0.0, 0.0, 0.0]}
    (kept,) = windows.plan(hole, MODEL, centred)
    assert kept.windows[0].top < 0  # mirrored beyond the border, the hole in the middle


def test_holes_unlike_the_training_ones_are_named():
    hole = np.zeros((64, 64), bool)
    hole[2:62, 2:62] = True  # 60 px thick, the window is the whole image: 30 px at 32
    (cluster,) = windows.plan(hole, MODEL, HOLES)
    assert cluster.note and "thicker than it trained on" in cluster.note
    box_trained = {**HOLES, "thickness": [0.5, 0.5, 0.5]}
    dot = np.zeros((64, 64), bool)
    dot[30, 30] = True
    (tiny,) = windows.plan(dot, MODEL, box_trained)
    assert tiny.scale == windows.MAX_UPSCALE and "thinner" in tiny.note


def test_windows_of_one_image_go_through_the_model_in_batches():
    runner = Constant(0.0)
    unit, hole = image(100, 130), border_and_many(100, 130)
    fill.fill_crop(runner, spec(), unit, hole, device="cpu")
    assert len(runner.calls) == 1 and runner.calls[0][0] == len(windows.plan(hole, MODEL, HOLES))


def test_an_all_hole_image_is_one_line():
    with pytest.raises(DataError, match="covers the whole image"):
        fill.check_hole(np.ones((8, 8), bool), "scan.png")


def test_auto_resizes_only_for_whole_image_models():
    assert fill.resolve("auto", spec()) == "crop"
    whole = {**spec(holes=None), "masker": {"name": "none", "params": {}}}
    assert fill.resolve("auto", whole) == "resize"
    with pytest.raises(DataError, match="strategy"):
        fill.resolve("tiles", spec())
