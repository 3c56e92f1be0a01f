"""The check before the first training step: what the conformance kit (:mod:`corefill.testing`)
checks, done cheaply on the recipe's own data, so that a broken component stops ``corefill
run`` in one line per problem (a :class:`~corefill.errors.ComponentError`, exit 2) before
any training and before the run folder is touched. (:mod:`corefill.preflight` is the
torch-free check of the recipe that comes before building.)

On one batch of the train split (its first ``BATCH`` items at most, masked as epoch 0):

- the masker's mask of the first item: a float tensor ``(1, H, W)``, values exactly 0 or
  1, the same for the same rng seed; over the batch, holes cover at most ``HOLE_SHARE`` of
  the image, unless the masker says ``whole_image = True`` (else 1 = hole is inverted);
- the batch: images with the dataset's ``channels`` within its ``value_range``, masks a
  dataset brings ``(N, 1, H, W)`` of 0 and 1;
- one forward pass of the generator as training calls it (``blend: residual``: the hole
  holding the harmonic fill): a finite ``(N, C, H, W)`` with the images' ``C, H, W`` (a
  hole-box generator: ``(N, C, h, w)``), within the value range give or take ``SLACK``
  of its width (tanh-like outputs lie inside it; a 0-255 output on [-1, 1] data does not);
- ``blend: residual``: the output is the value range's middle in the hole, so that step 0
  completes every image with the harmonic fill exactly;
- one forward pass of the discriminator on what it sees of the real images: finite logits
  with the batch first.

Nothing here moves an RNG, updates a weight or a BatchNorm statistic (eval mode, no grad).
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator, Optional

import numpy as np
import torch

from ..errors import ComponentError, CorefillError, one_line
from ..nn.blend import harmonic_fill
from ..nn.init import output_layer
from .checkpoint import rng_untouched
from .data import collate, middle, to_device
from .composite import discriminator_view

BATCH = 8  # items in the checked batch (the recipe's batch size where it is smaller)
HOLE_SHARE = 0.5  # holes covering more of a batch than this: polarity inverted?
SLACK = 1.0  # output allowed this many value-range widths beyond either end
EXACT = 1e-6  # residual start: largest |output - middle| in the hole, per unit of range
# CPU threads for the check (None: torch's): its few hundred small operations cost, with
# two threads on cores other processes share, mostly the threads' waits for each other.
THREADS: Optional[int] = 1


def check(built: Any, recipe: Any, device: torch.device) -> None:
    """Raise one ComponentError listing each problem (one line each), or return."""
    found = problems(built, recipe, device)
    if found:
        raise ComponentError("\n".join(found))


def problems(built: Any, recipe: Any, device: torch.device) -> list[str]:
    """The problems of ``built`` (a run's Components) on ``recipe``'s first batch."""
    labels, train_set = built.labels, built.train_set
    with rng_untouched(device), torch.no_grad(), cpu_threads(THREADS):
        found = masker_problems(train_set, labels)
        if found:
            return found
        batch, found = first_batch(train_set, min(recipe.data.batch_size, BATCH), labels)
        found = found or batch_problems(batch, train_set, labels)
        if found:
            return found
        batch = to_device(batch, device)
        with eval_mode(list(built.networks.values())):
            found = generator_problems(built.generator, batch, labels["generator"],
                                       recipe.generator.blend, train_set.value_range,
                                       built.region)
            if "discriminator" in built.networks:
                found += discriminator_problems(built.networks["discriminator"], batch,
                                                labels["discriminator"],
                                                recipe.discriminator.input)
    return found


@contextlib.contextmanager
def cpu_threads(count: Optional[int]) -> Iterator[None]:
    """torch's intra-op CPU threads set to ``count`` (None: left alone), then restored."""
    before = torch.get_num_threads()
    if count is not None and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


@contextlib.contextmanager
def eval_mode(modules) -> Iterator[None]:
    """The modules in eval mode (no dropout draw, no BatchNorm update), then each of their
    submodules as it was."""
    modes = [(part, part.training) for module in modules for part in module.modules()]
    for module in modules:
        module.eval()
    try:
        yield
    finally:
        for part, training in modes:
            part.training = training


def masker_problems(dataset: Any, labels: dict[str, str]) -> list[str]:
    """The masker's mask for the first item, drawn twice from the same seed."""
    label = labels.get("masker")
    if dataset.masker is None or label is None:
        return []
    try:
        item = dataset.base[0]
    except CorefillError:
        raise
    except Exception as exc:  # noqa: BLE001
        return [f"{labels['dataset']}: reading item 0 of the train split failed: {one_line(exc)}"]
    if "mask" in item:  # the data brings its masks: the masker is not called
        return []
    height, width = (int(n) for n in item["image"].shape[-2:])
    drawn, name = getattr(dataset.masker, "random", True), str(item.get("name", 0))
    masks = []
    for _ in range(2):
        rng = np.random.default_rng([dataset.seed, 0, 0]) if drawn else None
        try:
            masks.append(dataset.masker(height, width, rng=rng, name=name))
        except CorefillError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure is the masker's
            return [f"{label}: failed on a {height}x{width} image: {one_line(exc)}"]
    return mask_problems(masks[0], masks[1], label, height, width)


def mask_problems(first: Any, again: Any, label: str, height: int, width: int) -> list[str]:
    expected = f"a float tensor (1, {height}, {width}) of 0 and 1 (1 = hole)"
    if not isinstance(first, torch.Tensor):
        return [f"{label}: masks must be {expected}, got {type(first).__name__}"]
    found = []
    if tuple(first.shape) != (1, height, width):
        found.append(f"{label}: masks must be {expected}, got shape {tuple(first.shape)}")
    if not first.dtype.is_floating_point:
        found.append(f"{label}: masks must be {expected}, got dtype {first.dtype}")
    odd = _values(first)
    if odd:
        found.append(f"{label}: mask values must be exactly 0 or 1 (1 = hole), got {odd}")
    if not (isinstance(again, torch.Tensor) and torch.equal(first, again)):
        found.append(f"{label}: the same rng seed must give the same mask, got two "
                     "different masks (draw only from the rng it is given)")
    return found


def _values(mask: torch.Tensor) -> str:
    """'' when every value is 0 or 1, else the values found (a few)."""
    values = torch.unique(mask.detach().float()).tolist()
    if all(v in (0.0, 1.0) for v in values):
        return ""
    shown = ", ".join(f"{v:g}" for v in values[:4])
    return f"values {{{shown}{', ...' if len(values) > 4 else ''}}}"


def first_batch(dataset: Any, count: int, labels: dict[str, str]):
    """``(batch, [])`` of the first ``count`` train items, or ``(None, [problem])``."""
    keys = [(0, index) for index in range(min(count, len(dataset)))]
    try:
        return collate(dataset.items_for_batch(keys)), []
    except ComponentError as exc:
        return None, [str(exc)]
    except CorefillError:
        raise  # a dataset's own one-line error (a missing file)
    except Exception as exc:  # noqa: BLE001 - a masker's failure is a ComponentError
        return None, [f"{labels['dataset']}: the first batch of the train split could not "
                      f"be made: {one_line(exc)}"]


def batch_problems(batch: dict[str, Any], dataset: Any, labels: dict[str, str]) -> list[str]:
    image, mask = batch["image"], batch["mask"]
    data, found = labels["dataset"], []
    if image.dim() != 4 or (dataset.channels and image.shape[1] != dataset.channels):
        return [f"{data}: images must be (N, C, H, W) with the dataset's channels = "
                f"{dataset.channels}, got a batch {tuple(image.shape)}"]
    number, _, height, width = image.shape
    owner = labels.get("masker") if dataset.masker is not None else data
    if tuple(mask.shape) != (number, 1, height, width):
        return [f"{owner}: masks must be (N, 1, H, W) = {(number, 1, height, width)} in a "
                f"batch (1, H, W) per item, got {tuple(mask.shape)}"]
    odd = _values(mask)
    if odd:
        found.append(f"{owner}: mask values must be exactly 0 or 1 (1 = hole), got {odd}")
    share = float(mask.mean())
    if dataset.masker is not None and share > HOLE_SHARE and \
            not getattr(dataset.masker, "whole_image", False):
        found.append(f"{owner}: holes cover {share:.0%} of the first batch's images (at most "
                     f"{HOLE_SHARE:.0%} expected): is the polarity inverted? (1 = hole, "
                     "0 = known; a masker that generates whole images says whole_image = True)")
    found += range_problems(image, dataset.value_range, f"{data}: images")
    return found


def range_problems(values: torch.Tensor, value_range, what: str) -> list[str]:
    low, high = (float(v) for v in value_range)
    slack = SLACK * (high - low)
    if not bool(torch.isfinite(values).all()):
        return [f"{what} must be finite, got NaN or inf"]
    least, most = float(values.min()), float(values.max())
    if least < low - slack or most > high + slack:
        return [f"{what} must lie in the value range ({low:g}, {high:g}) (tanh-like), got "
                f"[{least:.4g}, {most:.4g}]"]
    return []


def generator_input(batch: dict[str, Any], blend: str, centre: float) -> torch.Tensor:
    """What training hands the generator: ``blend: residual`` puts the harmonic fill in the
    hole (a ValueError where the input is not the masked image)."""
    net_input, mask = batch["input"], batch["mask"]
    if blend != "residual":
        return net_input
    if net_input.shape != batch["image"].shape:
        raise ValueError(f"blend: residual fills the hole of the generator's input, which "
                         f"must be the masked image {tuple(batch['image'].shape)}, got "
                         f"{tuple(net_input.shape)}; set generator.blend to paste or poisson")
    prefill = harmonic_fill(batch["image"], mask, middle=centre)
    return net_input * (1.0 - mask) + mask * prefill.to(net_input.dtype)


def generator_problems(generator: torch.nn.Module, batch: dict[str, Any], label: str,
                       blend: str, value_range, region: Optional[str]) -> list[str]:
    image, mask = batch["image"], batch["mask"]
    try:
        net_input = generator_input(batch, blend, middle(value_range))
    except ValueError as exc:
        return [f"{label}: {exc}"]
    try:
        out = generator(net_input, mask)
    except Exception as exc:  # noqa: BLE001 - any failure is the generator's
        return [f"{label}: forward(input {tuple(net_input.shape)}, mask {tuple(mask.shape)}) "
                f"failed: {one_line(exc)}"]
    if not isinstance(out, torch.Tensor):
        return [f"{label}: forward must return a tensor, got {type(out).__name__}"]
    expected = output_shape(image, region, out)
    if expected:
        return [f"{label}: output must be {expected}, got {tuple(out.shape)}"]
    found = range_problems(out, value_range, f"{label}: output")
    if not found and blend == "residual":
        found = residual_problems(generator, out, mask, label, value_range, region)
    return found


def output_shape(image: torch.Tensor, region: Optional[str], out: torch.Tensor) -> str:
    """'' when ``out`` has the shape training needs, else that shape in words."""
    number, channels, height, width = image.shape
    channels_text = f"the dataset's {channels} channel{'s' if channels != 1 else ''}"
    if region == "hole_box":  # the box's content, pasted (resized if need be) by the engine
        if out.dim() == 4 and tuple(out.shape[:2]) == (number, channels):
            return ""
        return f"(N, C, h, w) = ({number}, {channels}, h, w) ({channels_text})"
    if tuple(out.shape) == (number, channels, height, width):
        return ""
    return f"(N, C, H, W) = {(number, channels, height, width)} ({channels_text} at its size)"


def residual_problems(generator: torch.nn.Module, out: torch.Tensor, mask: torch.Tensor,
                      label: str, value_range, region: Optional[str]) -> list[str]:
    """Step 0 of ``blend: residual`` must be the harmonic fill: the output is the middle
    of the value range wherever it is added (the hole; a hole-box output everywhere)."""
    low, high = (float(v) for v in value_range)
    centre = middle(value_range)
    correction = out.float() - centre
    if region != "hole_box":
        correction = correction * (mask > 0.5)
    worst = float(correction.abs().max())
    if worst <= EXACT * (high - low):
        return []
    declared = getattr(generator, "output_layer", None) is not None
    name = output_layer(generator)[0]
    zeroed = f"its declared output_layer {name!r}" if declared else \
        f"{name!r}, its last convolution in modules() order,"
    fix = ("its output must be the middle when that layer is zero (tanh for [-1, 1], sigmoid "
           "for [0, 1])") if declared else \
        "declare its output layer: output_layer = 'name' (docs/contracts.md)"
    return [f"{label}: blend: residual must start at the harmonic fill (output {centre:g}, "
            f"the value range's middle, in the hole), but with {zeroed} zeroed the output "
            f"is off by up to {worst:.3g}; {fix}"]


def discriminator_problems(discriminator: torch.nn.Module, batch: dict[str, Any],
                           label: str, d_input: str) -> list[str]:
    view = discriminator_view(d_input, batch["image"], batch)
    try:
        logits = discriminator(view)
    except Exception as exc:  # noqa: BLE001 - any failure is the discriminator's
        return [f"{label}: forward on what it sees (discriminator.input: {d_input}, "
                f"{tuple(view.shape)}) failed: {one_line(exc)}"]
    number = view.shape[0]
    if not isinstance(logits, torch.Tensor) or logits.dim() == 0 or logits.shape[0] != number:
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        return [f"{label}: forward must return logits with the batch ({number}) first, "
                f"got {shape}"]
    if not bool(torch.isfinite(logits).all()):
        return [f"{label}: logits must be finite, got NaN or inf"]
    return []
