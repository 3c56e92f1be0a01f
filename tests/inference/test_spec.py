"""data_spec: derived from a built dataset and generator, RNG-neutral, weights_only-safe."""
import io
import random

import numpy as np
import pytest
import torch

from corefill.engine import spec as specs
from corefill.errors import CheckpointError
from corefill.recipe import ComponentRef


class _AugmentingDataset:
    """Draws from every global RNG when read, as random augmentation does."""

    value_range = (0.0, 1.0)
    channels = 3

    def __getitem__(self, index):
        random.random()
        np.random.rand()
        return {"image": torch.rand(3, 37, 53), "name": f"item{index}"}


class _HoleBoxGenerator(torch.nn.Module):
    output_region = "hole_box"
    mask_channel = True


def _derive():
    masker = ComponentRef(name="center", params={"size": (12, 12)})
    return specs.derive(dataset=_AugmentingDataset(), generator=_HoleBoxGenerator(),
                        masker=masker)


def test_spec_comes_from_the_built_item_and_generator():
    spec = _derive()
    assert spec["size"] == [37, 53] and spec["channels"] == 3
    assert spec["value_range"] == [0.0, 1.0]
    assert spec["masker"] == {"name": "center", "params": {"size": [12, 12]}}
    assert spec["output_region"] == "hole_box" and spec["mask_channel"] is True
    assert spec["mask_polarity"] == "1=hole" and spec["blend"] == "paste"
    assert not spec["item_masks"] and not spec["conditional_input"]


def test_deriving_moves_no_random_number_generator():
    torch.manual_seed(3), np.random.seed(3), random.seed(3)
    _derive()
    after = (torch.rand(1).item(), np.random.rand(), random.random())
    torch.manual_seed(3), np.random.seed(3), random.seed(3)
    assert after == (torch.rand(1).item(), np.random.rand(), random.random())


def test_spec_loads_with_weights_only():
    buffer = io.BytesIO()
    torch.save({"data_spec": _derive()}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)["data_spec"]
    assert specs.check(loaded, "x.pt") == _derive()


@pytest.mark.parametrize("change, message", [
    ({"channels": 2}, "data_spec.channels must be 1 or 3"),
    ({"size": [64]}, r"data_spec.size must be \[height, width\]"),
    ({"version": 9}, "data_spec version 9 is not 1"),
    ({"mask_polarity": "0=hole"}, "mask_polarity"),
    ({"blend": "feather"}, "data_spec.blend must be one of paste, poisson, residual, got 'feather'"),
])
def test_a_bad_spec_is_one_line_naming_the_checkpoint(change, message):
    with pytest.raises(CheckpointError, match=message) as info:
        specs.check({**_derive(), **change}, "run/last.pt")
    assert str(info.value).startswith("run/last.pt: ") and "\n" not in str(info.value)


def test_a_spec_missing_keys_names_them():
    spec = _derive()
    del spec["value_range"], spec["output_region"]
    with pytest.raises(CheckpointError, match="lacks value_range, output_region"):
        specs.check(spec, "run/last.pt")


def test_an_item_that_cannot_be_read_gives_no_spec_instead_of_an_error():
    class Broken:
        def __getitem__(self, index):
            raise OSError("disk gone")

    assert specs.derive_or_none(dataset=Broken(), generator=_HoleBoxGenerator(),
                                masker=ComponentRef(name="center")) is None


def test_the_trainer_tries_an_unreadable_item_once_not_at_every_save():
    from types import SimpleNamespace

    from corefill.engine.trainer import Trainer

    class Broken:
        reads = 0

        def __getitem__(self, index):
            Broken.reads += 1
            raise OSError("disk gone")

    trainer = SimpleNamespace(
        _data_spec=None, recipe=SimpleNamespace(masker=ComponentRef(name="center"),
                                                generator=SimpleNamespace(blend="paste")),
        built=SimpleNamespace(train_set=SimpleNamespace(base=Broken(), masker=None),
                              generator=_HoleBoxGenerator()))
    assert Trainer.data_spec(trainer) is None
    assert Trainer.data_spec(trainer) is None
    assert Broken.reads == 1
