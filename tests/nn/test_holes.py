"""The hole bounding box: odd sizes, batches, several channels, soft and empty masks."""
import torch

from corefill.nn import hole_bounds, hole_box


def test_box_of_an_odd_sized_off_centre_hole():
    mask = torch.zeros(1, 37, 23)
    mask[0, 5:18, 20:23] = 1  # touches the right edge
    assert hole_bounds(mask) == (5, 20, 13, 3)
    assert hole_box(mask).tolist() == [5, 20, 13, 3] and hole_box(mask).dtype == torch.int64


def test_batch_and_channels_give_the_box_holding_every_hole():
    mask = torch.zeros(2, 3, 31, 17)
    mask[0, 2, 3, 4] = 1  # a single pixel in one channel of one image
    mask[1, 0, 20:25, 10:12] = 1
    assert hole_bounds(mask) == (3, 4, 22, 8)
    assert hole_bounds(mask[:1]) == (3, 4, 1, 1)


def test_values_at_most_half_are_not_hole():
    mask = torch.full((1, 9, 9), 0.5)
    assert hole_bounds(mask) is None
    mask[0, 4, 1:8] = 0.51
    assert hole_bounds(mask) == (4, 1, 1, 7)


def test_no_hole_is_none_or_the_whole_image():
    empty = torch.zeros(1, 1, 13, 11)
    assert hole_bounds(empty) is None
    assert hole_box(empty).tolist() == [0, 0, 13, 11]


def test_engine_and_kit_use_this_box():
    from corefill.engine import data

    assert data.hole_box is hole_box  # one implementation for crops, pastes and the kit
