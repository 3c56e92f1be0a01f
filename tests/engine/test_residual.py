"""`generator.blend: residual`: the harmonic fill plus the generator's learned correction."""
import json

import numpy as np
import pytest
import torch

from corefill.engine import load_generator, run
from corefill.engine.composite import complete
from corefill.nn.blend import harmonic_fill
from corefill.nn.init import zero_output_layer
from toy_components import TinyGenerator, toy_recipe, toy_registries


@pytest.fixture(scope="module")
def photos():
    """Two real RGB photo crops in [-1, 1] with a centre hole, as a batch."""
    from skimage import data

    crops = [data.astronaut()[100:164, 180:244], data.coffee()[150:214, 250:314]]
    image = torch.from_numpy(np.stack(crops).astype(np.float32) / 127.5 - 1).permute(0, 3, 1, 2)
    mask = torch.zeros(2, 1, 64, 64)
    mask[..., 20:44, 20:44] = 1
    return {"image": image, "input": image * (1 - mask), "mask": mask}


def test_a_generator_started_at_zero_gives_the_harmonic_fill_exactly(photos):
    generator = zero_output_layer(TinyGenerator(in_channels=3, out_channels=3))
    out = complete(generator, photos, None, "residual", middle=0.0)
    assert torch.equal(out, harmonic_fill(photos["image"], photos["mask"]))
    known = photos["mask"].expand_as(out) == 0
    assert torch.equal(out[known], photos["image"][known])


def test_the_generator_sees_the_harmonic_fill_in_the_hole_and_its_output_is_a_correction(photos):
    seen = {}

    def generator(input, mask):
        seen["input"] = input
        return torch.full_like(input, 0.75)  # a sigmoid-range output: 0.25 above the middle

    out = complete(generator, photos, None, "residual", middle=0.5)
    prefill = harmonic_fill(photos["image"], photos["mask"], middle=0.5)
    assert torch.equal(seen["input"], prefill)  # known pixels as they are, the hole filled
    hole = photos["mask"].expand_as(out) == 1
    assert torch.allclose(out[hole], prefill[hole] + 0.25)
    assert torch.equal(out[~hole], photos["image"][~hole])


def test_gradients_reach_the_generator_through_the_correction_only(photos):
    generator = TinyGenerator(in_channels=3, out_channels=3)
    out = complete(generator, photos, None, "residual")
    ((out - photos["image"]) ** 2).mean().backward()
    assert generator.head.weight.grad.abs().sum() > 0


def test_a_hole_box_generator_corrects_only_its_box(photos):
    generator = zero_output_layer(TinyGenerator(in_channels=3, out_channels=3, patch=24))
    batch = dict(photos, hole_box=torch.tensor([[20, 20, 24, 24]] * 2))
    out = complete(generator, batch, "hole_box", "residual")
    assert torch.equal(out, harmonic_fill(photos["image"], photos["mask"]))


def test_a_generator_without_a_convolution_cannot_start_at_zero():
    with pytest.raises(ValueError, match="no convolution"):
        zero_output_layer(torch.nn.Linear(3, 3))


def test_residual_trains_from_the_harmonic_fill_and_the_checkpoint_says_so(tmp_path):
    """The run's first generator is the harmonic fill (its last layer zeroed at build),
    training lowers the validation loss, and inference reads the blend from the spec."""
    recipe = toy_recipe("train.max_epochs=4", "generator.blend=residual",
                        "train.best_metric=mae_hole")
    folder = run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
    lines = (folder / "metrics.jsonl").read_text().splitlines()
    val = [r for r in map(json.loads, lines) if r["type"] == "val"]
    assert val[-1]["loss"] < val[0]["loss"]
    state = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert state["data_spec"]["blend"] == "residual"
    generator, _ = load_generator(folder / "checkpoints" / "last.pt", registries=toy_registries())
    assert generator.head.weight.abs().sum() > 0  # trained away from the zero start

    from corefill.engine import build

    context = build.context(toy_registries())
    components = build.components(recipe, context, dist=_one_process(), device=torch.device("cpu"))
    assert not components.networks["generator"].head.weight.detach().any()


def _one_process():
    from corefill.engine import distributed

    return distributed.from_env()
