"""One build path: ``target(params, context)``, the older keyword form, and what the
context carries (registries for nested datasets, the dataset's value range for baselines)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from corefill.config import resolve
from corefill.engine import build as engine_build
from corefill.generators.params import TeleaParams
from corefill.params import Params
from corefill.plugins import registries as installed
from corefill.registry import BuildContext, Registries, build, takes_params

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from toy_components import toy_registries  # noqa: E402


class _Widths(Params):
    """A toy network's widths."""

    width: int = 8


def new_style(params: _Widths, context: BuildContext):
    return {"params": params, "context": context}


def old_style(*, width: int, split: str = "none"):
    return {"width": width, "split": split}


def _spec(kind: str, target: str) -> object:
    registries = Registries()
    return registries[kind].register("toy", target=f"{__name__}:{target}",
                                     params=f"{__name__}:_Widths", source="this test")


def test_takes_params_reads_the_signature():
    assert takes_params(new_style)
    assert not takes_params(old_style)
    assert not takes_params(len)  # builtins without a signature are the older form


def test_new_style_target_gets_validated_params_and_the_context():
    built = build(_spec("generator", "new_style"), {"width": 3},
                  BuildContext(value_range=(0.0, 1.0)), split="val")
    assert isinstance(built["params"], _Widths) and built["params"].width == 3
    assert built["context"].value_range == (0.0, 1.0) and built["context"].split == "val"


def test_old_style_plugin_targets_keep_working_with_a_deprecation_warning():
    """A plugin written against the first guide: keyword constructor taking the fields."""
    with pytest.warns(DeprecationWarning, match="older builder convention"):
        assert build(_spec("generator", "old_style"), {"width": 5}) == {"width": 5,
                                                                        "split": "none"}
    with pytest.warns(DeprecationWarning, match="take \\(params, context\\) instead"):
        assert build(_spec("dataset", "old_style"), {}, split="test") == {"width": 8,
                                                                          "split": "test"}


def test_every_installed_first_party_component_takes_params_and_context():
    old = [f"{kind} {spec.qualified}" for kind in ("dataset", "masker", "generator",
                                                      "discriminator", "loss", "metric")
           for spec in installed()[kind].specs() if not takes_params(spec.load())]
    assert old == []


def test_baselines_take_the_datasets_value_range_unless_the_recipe_names_one():
    context = BuildContext(registries=installed(), value_range=(0.0, 1.0), channels=1)
    telea = build(installed().get("generator", "telea"), {}, context)
    assert (telea.low, telea.high) == (0.0, 1.0)
    mean = build(installed().get("generator", "mean-fill"), {}, context)
    assert mean.middle == 0.5
    named = build(installed().get("generator", "telea"), TeleaParams(value_range=(-1, 1)), context)
    assert (named.low, named.high) == (-1.0, 1.0)
    assert build(installed().get("generator", "telea"), {}).low == -1.0  # no dataset: [-1, 1]


def test_a_zero_one_dataset_scores_its_baselines_in_zero_one():
    """The engine hands the built dataset's range to the baselines a recipe lists by name."""
    registries = installed()
    recipe = resolve({
        "name": "photos01", "data": {"dataset": {"name": "sample-photos", "params": {
            "photos": ["coffee"], "size": 64, "crop_size": 16, "crops_per_image": 2,
            "value_range": [0, 1]}}},
        "masker": {"name": "center", "params": {"size": 6}},
        "generator": {"name": "telea"}, "losses": ["l1-hole"], "baselines": ["telea", "mean-fill"],
        "metrics": ["psnr_hole"],
    }, registries, "photos01")
    context = engine_build.context(registries)
    context = context.of_dataset(engine_build.dataset(recipe, context, "test"))
    assert context.value_range == (0.0, 1.0) and context.channels == 3
    for _, _, baseline in engine_build.baselines(recipe, context):
        assert getattr(baseline, "low", 0.0) == 0.0 and getattr(baseline, "middle", 0.5) == 0.5


def test_nested_dataset_uses_the_registries_it_was_given():
    """random-crops wrapping a dataset that only the given registries know (no global lookup)."""
    registries = toy_registries()
    for name in ("random-crops",):
        spec = installed().get("dataset", name)
        registries["dataset"].register(name, target=spec.target, params=spec.params,
                                       source=spec.source)
    inner = {"name": "toy", "params": {"count": 3, "size": 24}}
    assert "toy" not in installed()["dataset"]
    crops = build(registries.get("dataset", "random-crops"),
                  {"dataset": inner, "crop_size": 8, "crops_per_image": 2},
                  BuildContext(registries=registries), split="val")
    assert len(crops) == 6 and crops[0]["image"].shape == (1, 8, 8)
    assert crops[0]["name"].startswith("val-0#")


def test_nested_dataset_validation_uses_the_given_registries():
    registries = toy_registries()
    spec = installed().get("dataset", "random-crops")
    registries["dataset"].register("random-crops", target=spec.target, params=spec.params,
                                   source=spec.source)
    params = spec.params_class().model_validate(
        {"dataset": {"name": "toy", "params": {"count": 2}}},
        context={"registries": registries})
    assert params.dataset.params["count"] == 2
    with pytest.raises(Exception, match="unknown dataset 'toy'"):
        spec.params_class().model_validate({"dataset": {"name": "toy"}})


def test_help_text_is_written_once_and_shared_by_subclasses():
    from corefill.metrics.params import PSNRFullParams, PSNRHoleParams

    hole, full = PSNRHoleParams.help(), PSNRFullParams.help()
    assert hole.splitlines()[0] != full.splitlines()[0]
    assert "max_db" in hole and "max_db" in full  # the shared paragraph, from PSNRParams
    assert PSNRHoleParams.__dict__["__doc__"].count("\n") == 0
