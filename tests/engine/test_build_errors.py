"""Recipes the engine cannot train fail in one line before training starts."""
import pytest

from corefill.engine import run
from corefill.errors import RecipeError

from toy_components import toy_recipe, toy_registries


@pytest.mark.parametrize("generator", ["zero-fill", "mean-fill"])
def test_a_generator_without_weights_is_a_recipe_error(tmp_path, generator):
    recipe = toy_recipe(f"generator.name={generator}")
    with pytest.raises(RecipeError, match=rf"generator: '{generator}' has no weights to train; "
                                          "list it under baselines"):
        run(recipe, out_dir=tmp_path / "run", registries=toy_registries())
