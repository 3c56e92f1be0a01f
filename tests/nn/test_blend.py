"""Poisson blending of a fill into its hole (corefill.nn.blend)."""
import numpy as np
import pytest
import torch

from corefill.nn.blend import poisson_blend


def _box_mask(batch, height, width, top, left, size):
    mask = torch.zeros(batch, 1, height, width)
    mask[..., top:top + size, left:left + size] = 1
    return mask


@pytest.fixture(scope="module")
def camera():
    """A real grey photo in [0, 1], (1, 1, 96, 96)."""
    from skimage import data

    return torch.from_numpy(data.camera()[100:292:2, 200:392:2].astype(np.float32) / 255)[None, None]


def test_known_pixels_come_back_exactly_and_the_hole_is_continuous(camera):
    mask = _box_mask(1, 96, 96, 30, 40, 20)
    fill = torch.full_like(camera, 0.9)  # a flat fill far from its surroundings
    out = poisson_blend(fill, camera, mask)
    assert torch.equal(out[mask == 0], camera[mask == 0])
    # A flat fill has no gradients of its own: the blend is the smooth membrane spanned by
    # the border, so no hole pixel lies outside the range of the known pixels around it.
    ring = _box_mask(1, 96, 96, 29, 39, 22) - mask
    inside = out[mask == 1]
    assert inside.min() >= camera[ring == 1].min() - 1e-4
    assert inside.max() <= camera[ring == 1].max() + 1e-4


def test_a_fill_with_the_right_texture_but_the_wrong_level_is_corrected(camera):
    """The case blending exists for: the network's detail is right, its level is not."""
    mask = _box_mask(1, 96, 96, 30, 40, 16)
    blends = [poisson_blend(camera + offset, camera, mask) for offset in (0.15, -0.3)]
    assert torch.allclose(blends[0], blends[1], atol=1e-4)  # the level does not matter
    # Between hole and known pixels the blend asks for continuity, not the fill's own
    # gradient (a generator's pixels outside the hole are not trained), so a 1-pixel rim
    # differs from the truth: a tenth of the pasted error here, not zero.
    blended_error = ((blends[0] - camera)[mask == 1] ** 2).mean()
    assert blended_error < 0.1 * 0.15 ** 2


def test_several_holes_and_holes_at_the_image_border_in_one_batch(camera):
    image = camera.expand(3, 3, 96, 96).clone()
    mask = torch.zeros(3, 1, 96, 96)
    mask[0, :, 0:10, 0:96] = 1            # a band along the top border
    mask[1, :, 40:50, 10:20] = 1          # two separate boxes
    mask[1, :, 70:80, 60:90] = 1
    # the third image has no hole: it must come back unchanged
    fill = image + 0.2
    out = poisson_blend(fill, image, mask)
    assert torch.equal(out[2], image[2])
    for index in (0, 1):
        error = ((out[index] - image[index]) ** 2)[mask[index].expand(3, -1, -1) == 1].mean()
        assert error < 0.15 * 0.2 ** 2, index  # pasted: 0.2 ** 2


def test_an_image_that_is_all_hole_keeps_its_fill():
    fill = torch.rand(2, 3, 8, 8)
    mask = torch.ones(2, 1, 8, 8)
    assert torch.equal(poisson_blend(fill, torch.zeros_like(fill), mask), fill)


def test_gradients_match_finite_differences():
    torch.manual_seed(0)
    mask = torch.zeros(2, 1, 9, 7, dtype=torch.float64)
    mask[0, :, 2:6, 1:5] = 1
    mask[1, :, 0:3, :] = 1
    known = torch.rand(2, 2, 9, 7, dtype=torch.float64)
    fill = torch.rand(2, 2, 9, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda f: poisson_blend(f, known, mask), (fill,),
                                    eps=1e-6, atol=1e-5)


def test_half_precision_fills_come_back_in_their_dtype(camera):
    mask = _box_mask(1, 96, 96, 30, 40, 16)
    fill = camera + 0.1
    out = poisson_blend(fill.to(torch.bfloat16), camera, mask)
    assert out.dtype == torch.bfloat16
    assert (out.float() - poisson_blend(fill, camera, mask)).abs().max() < 0.01


def test_a_hole_shared_by_the_batch_is_solved_directly_with_the_same_result(camera, monkeypatch):
    """A centre box is the same for every image: a Cholesky factor replaces the iterations."""
    import corefill.nn.blend as blend

    images = torch.cat([camera, camera.flip(-1)]).double().expand(2, 2, 96, 96)
    mask = _box_mask(2, 96, 96, 38, 38, 20).double()
    fill = (images + torch.rand_like(images) * 0.2).requires_grad_()
    direct = poisson_blend(fill, images, mask)
    direct_grad, = torch.autograd.grad((direct * images).sum(), fill)
    assert blend._cached is not None  # the factor was made (and is kept for the next batch)
    monkeypatch.setattr(blend, "DIRECT_LIMIT", 0)
    iterative = poisson_blend(fill, images, mask)
    iterative_grad, = torch.autograd.grad((iterative * images).sum(), fill)
    assert torch.allclose(direct, iterative, atol=1e-5)
    assert torch.allclose(direct_grad, iterative_grad, atol=1e-4)
    monkeypatch.undo()
    small = (torch.rand(1, 1, 7, 6, dtype=torch.float64) * 0.5)
    small_mask = _box_mask(1, 7, 6, 2, 1, 3).double()
    assert torch.autograd.gradcheck(lambda f: poisson_blend(f, small, small_mask),
                                    (torch.rand_like(small).requires_grad_(),), eps=1e-6,
                                    atol=1e-5)
