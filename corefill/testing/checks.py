"""One check per kind of component: call them from a plugin's pytest tests.

Each check raises ``AssertionError`` with a message saying which rule of
``docs/contracts.md`` the component broke. They run on CPU in a second or two.
"""
from __future__ import annotations

import copy

import numpy as np
import torch

from ..nn.holes import hole_bounds
from ._inputs import box_mask, make_images


def _fail(what: str, rule: str) -> None:
    raise AssertionError(f"{what}: {rule}")


def check_masker(masker, *, height: int = 48, width: int = 40, name: str | None = None,
                 max_hole_fraction: float = 0.6) -> None:
    """{0,1} float32 mask of shape (1, H, W), reproducible under a seed, and 1 = hole: its
    holes cover at most ``max_hole_fraction`` of the image on average (a masker that marks
    most of the image has its polarity inverted), unless it says ``whole_image = True``
    (translation tasks: every pixel is generated). A masker that says ``random = False``
    must give the same mask with ``rng=None``."""
    first = masker(height, width, rng=np.random.default_rng(7), name=name)
    again = masker(height, width, rng=np.random.default_rng(7), name=name)
    what = type(masker).__name__
    if not isinstance(first, torch.Tensor) or first.dtype != torch.float32:
        _fail(what, f"must return a float32 tensor, got {getattr(first, 'dtype', type(first))}")
    if tuple(first.shape) != (1, height, width):
        _fail(what, f"mask shape must be (1, {height}, {width}), got {tuple(first.shape)}")
    if not torch.all((first == 0) | (first == 1)):
        _fail(what, "mask values must be exactly 0.0 or 1.0 (1 = hole)")
    if not torch.equal(first, again):
        _fail(what, "same rng seed must give the same mask")
    if getattr(masker, "random", True) is False and not torch.equal(
            masker(height, width, rng=None, name=name), first):
        _fail(what, "says random = False, so rng=None must give the mask any seed gives")
    draws = [masker(height, width, rng=np.random.default_rng(seed), name=name) for seed in range(8)]
    share = float(torch.stack(draws).float().mean())
    if share > max_hole_fraction and not getattr(masker, "whole_image", False):
        _fail(what, f"holes cover {share:.0%} of the image on average: is the polarity inverted? "
                    f"(1 = hole, 0 = known; pass max_hole_fraction= if that is intended)")


def _generator_output(generator, inputs, mask):
    out = generator(inputs, mask)
    if not isinstance(out, torch.Tensor):
        _fail(type(generator).__name__, f"forward must return a tensor, got {type(out).__name__}")
    return out


def check_generator(
    factory,
    *,
    input_channels: int = 1,
    target_channels: int = 1,
    size: int = 32,
    batch: int = 2,
    hole_fraction: float = 0.5,
    value_range: tuple[float, float] = (-1.0, 1.0),
) -> None:
    """Maps (input, mask) to the target's shape within ``value_range``, keeps known pixels,
    round-trips, trains. ``size``: the image side it is checked at (a deep network needs a
    size it supports, e.g. 256 for an 8-level U-Net). A generator with
    ``keeps_known = True`` must return the known pixels of its input unchanged."""
    generator, what = _network(factory, "generator")
    image = make_images(batch, target_channels, size)
    mask = box_mask(batch, size, hole_fraction)
    inputs = make_images(batch, input_channels, size, seed=1) if input_channels != target_channels \
        else image * (1 - mask)
    generator.eval()
    with torch.no_grad():
        out = _generator_output(generator, inputs, mask)
    expected = (batch, target_channels, size, size)
    if getattr(generator, "output_region", "full") == "hole_box":
        expected = (batch, target_channels, *hole_bounds(mask)[2:])
    if tuple(out.shape) != expected:
        _fail(what, f"output shape must be {expected}, got {tuple(out.shape)}")
    if expected[2:] == (size, size):
        composite = mask * out + (1 - mask) * image
        if not torch.equal(composite * (1 - mask), image * (1 - mask)):
            _fail(what, "compositing must keep known pixels (output has NaN or inf)")
    elif not torch.isfinite(out).all():
        _fail(what, "output has NaN or inf")
    _check_output(what, generator, out, inputs, mask, value_range)
    _check_round_trip(factory, generator, (inputs, mask), out)
    if any(p.requires_grad for p in generator.parameters()):
        _check_one_step(generator, lambda m: m(inputs, mask).float().pow(2).mean())


def _check_output(what, generator, out, inputs, mask, value_range) -> None:
    low, high = value_range
    if float(out.min()) < low - 1e-4 or float(out.max()) > high + 1e-4:
        _fail(what, f"output must lie in the value range {tuple(value_range)}, got "
                    f"[{float(out.min()):.3g}, {float(out.max()):.3g}]")
    if getattr(generator, "keeps_known", False) and out.shape == inputs.shape:
        if not torch.allclose(out * (1 - mask), inputs * (1 - mask), atol=1e-5):
            _fail(what, "it says keeps_known = True but changed known pixels (mask 0): is the "
                        "mask polarity inverted? (1 = hole)")


def check_discriminator(factory, *, channels: int = 2, size: int = 32, batch: int = 2) -> None:
    """Finite logits for a batch; round-trips; one optimisation step runs."""
    disc, what = _network(factory, "discriminator")
    x = make_images(batch, channels, size)
    disc.eval()
    with torch.no_grad():
        logits = disc(x)
    if not isinstance(logits, torch.Tensor) or logits.shape[0] != batch:
        _fail(what, f"forward must return logits with batch size {batch} first")
    if not torch.isfinite(logits).all():
        _fail(what, "logits have NaN or inf")
    _check_round_trip(factory, disc, (x,), logits)
    _check_one_step(disc, lambda m: m(x).float().mean())


def _network(factory, role: str) -> tuple[torch.nn.Module, str]:
    """``factory()`` under seed 0, and its class name for the messages."""
    torch.manual_seed(0)
    module = factory()
    what = type(module).__name__
    if not isinstance(module, torch.nn.Module):
        _fail(what, f"a {role} must be a torch.nn.Module")
    return module, what


def _check_round_trip(factory, module, args, expected) -> None:
    torch.manual_seed(123)  # a fresh instance must not match by accident of the seed
    twin = factory()
    twin.load_state_dict(copy.deepcopy(module.state_dict()))
    twin.eval()
    with torch.no_grad():
        again = twin(*args)
    if not torch.equal(again, expected):
        _fail(type(module).__name__, "state-dict round trip must reproduce outputs exactly")


def _check_one_step(module, objective) -> None:
    module.train()
    params = [p for p in module.parameters() if p.requires_grad]
    before = [p.detach().clone() for p in params]
    optimiser = torch.optim.Adam(params, lr=1e-2)
    optimiser.zero_grad(set_to_none=True)
    loss = objective(module)
    if not loss.requires_grad:
        _fail(type(module).__name__, "one optimisation step changed no parameter (output is detached)")
    loss.backward()
    optimiser.step()
    if not torch.isfinite(loss):
        _fail(type(module).__name__, "one optimisation step gave a non-finite loss")
    if all(torch.equal(b, p) for b, p in zip(before, params)):
        _fail(type(module).__name__, "one optimisation step changed no parameter")


def check_loss(loss, *, channels: int = 1, size: int = 16) -> None:
    """A differentiable scalar (reconstruction) or pair of scalars (adversarial)."""
    what = type(loss).__name__
    if not hasattr(loss, "adversarial"):
        _fail(what, "a loss must say `adversarial = True/False`")
    if loss.adversarial:
        real = torch.randn(2, 1, 4, 4, requires_grad=True)
        fake = torch.randn(2, 1, 4, 4, requires_grad=True)
        _check_scalar(what, loss.generator_loss(fake), fake)
        _check_scalar(what, loss.discriminator_loss(real, fake.detach().requires_grad_()), real)
        return
    target = make_images(2, channels, size)
    output = make_images(2, channels, size, seed=3).requires_grad_()
    mask = box_mask(2, size, 0.5)
    _check_scalar(what, loss(output, target, mask), output)
    same = loss(target.clone(), target, mask)
    if float(same) > 1e-6:
        _fail(what, f"reconstruction loss of identical images must be 0, got {float(same)}")


def _check_scalar(what: str, value, wrt: torch.Tensor) -> None:
    if not isinstance(value, torch.Tensor) or value.dim() != 0:
        _fail(what, "must return a scalar tensor")
    if not torch.isfinite(value):
        _fail(what, "returned a non-finite value")
    if not value.requires_grad:
        _fail(what, "must be differentiable (the result is detached from the input)")
    (grad,) = torch.autograd.grad(value, wrt, allow_unused=True)
    if grad is None or not torch.any(grad != 0):
        _fail(what, "must be differentiable (no gradient reached the input)")


def check_metric(metric, *, channels: int = 3, size: int = 32, batch: int = 3) -> None:
    """Deterministic, and perfect on identical images (better than on different ones)."""
    what = type(metric).__name__
    for attr in ("name", "higher_is_better", "per_sample"):
        if not hasattr(metric, attr):
            _fail(what, f"a metric must define `{attr}`")
    target = (make_images(batch, channels, size) + 1) / 2
    noisy = (target + 0.2 * torch.randn_like(target)).clamp(0, 1)
    mask = box_mask(batch, size, 0.5)
    same, first = _metric_value(metric, target, target, mask), _metric_value(metric, noisy, target, mask)
    second = _metric_value(metric, noisy, target, mask)
    if not torch.equal(torch.as_tensor(first), torch.as_tensor(second)):
        _fail(what, "must be deterministic (two evaluations differ)")
    better = (same > first) if metric.higher_is_better else (same < first)
    if not bool(torch.all(torch.as_tensor(better))):
        _fail(what, f"identical images must score better than different ones ({same} vs {first})")


def _metric_value(metric, output, target, mask):
    if metric.per_sample:
        values = metric(output, target, mask)
        if not isinstance(values, torch.Tensor) or tuple(values.shape) != (output.shape[0],):
            _fail(type(metric).__name__, f"per-sample metric must return shape ({output.shape[0]},)")
        return values
    metric.reset()
    metric.update(output, target, mask)
    return torch.tensor(float(metric.compute()))


def check_dataset(dataset, *, max_items: int = 3) -> None:
    """Non-empty; items are dicts with `image` (C,H,W) in range, a `name`, optional `input`."""
    what = type(dataset).__name__
    for attr in ("value_range", "channels"):
        if not hasattr(dataset, attr):
            _fail(what, f"a dataset must expose `{attr}`")
    if len(dataset) == 0:
        _fail(what, "dataset is empty")
    low, high = dataset.value_range
    for index in range(min(len(dataset), max_items)):
        _check_item(what, dataset, index, low, high)


def _check_item(what: str, dataset, index: int, low: float, high: float) -> None:
    item, again = dataset[index], dataset[index]
    if not isinstance(item, dict) or "image" not in item or "name" not in item:
        _fail(what, "an item must be a dict with at least `image` and `name`")
    image = item["image"]
    if image.dtype != torch.float32 or image.dim() != 3 or image.shape[0] != dataset.channels:
        _fail(what, f"`image` must be float32 (C={dataset.channels}, H, W), got "
                    f"{image.dtype} {tuple(image.shape)}")
    if image.min() < low - 1e-5 or image.max() > high + 1e-5:
        _fail(what, f"`image` values must lie in value_range {dataset.value_range}")
    if not isinstance(item["name"], str):
        _fail(what, "`name` must be a str")
    for key in ("input", "mask"):
        if key in item and tuple(item[key].shape[1:]) != tuple(image.shape[1:]):
            _fail(what, f"`{key}` must have the image's height and width")
    if not torch.equal(image, again["image"]) or item["name"] != again["name"]:
        _fail(what, "reading the same index twice must give the same item")
