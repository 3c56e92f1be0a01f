import pytest

from corefill.config import apply_overrides, recipe_hash, resolve
from corefill.errors import RecipeError
from corefill.registry import Registries


def test_values_are_parsed_as_yaml_and_nested_keys_created():
    data = {"train": {"max_epochs": 1}, "losses": [{"name": "l1", "weight": 1}]}
    out = apply_overrides(
        data,
        ["train.max_epochs=5", "generator.params.betas=[0.5, 0.9]", "losses.0.weight=0.5",
         "name=knee", "train.max_minutes=null"],
        "r.yaml",
    )
    assert out["train"] == {"max_epochs": 5, "max_minutes": None}
    assert out["generator"]["params"]["betas"] == [0.5, 0.9]
    assert out["losses"][0]["weight"] == 0.5 and out["name"] == "knee"
    assert data["train"]["max_epochs"] == 1  # the input is not changed


def test_bad_list_index_is_a_recipe_error():
    with pytest.raises(RecipeError, match=r"r.yaml: override losses.3: no list item '3' \(has 1\)"):
        apply_overrides({"losses": [{}]}, ["losses.3.weight=1"], "r.yaml")


def _registries():
    registries = Registries()
    for kind, name in [("dataset", "d"), ("masker", "none"), ("generator", "g"), ("loss", "l")]:
        registries[kind].register(name, target="builtins:dict",
                                  params="corefill.params:NoParams", source="test")
    return registries


BASE = {"name": "r", "data": {"dataset": "d"}, "generator": "g", "losses": ["l"]}


def test_resolved_recipe_fills_defaults_and_hash_tracks_training_fields():
    recipe = resolve(BASE, _registries(), "r.yaml")
    assert recipe.masker.name == "none" and recipe.train.max_epochs == 10
    same = resolve({**BASE, "output_dir": "elsewhere"}, _registries(), "r.yaml")
    other = resolve({**BASE, "seed": 1}, _registries(), "r.yaml")
    assert recipe_hash(recipe) == recipe_hash(same) != recipe_hash(other)
