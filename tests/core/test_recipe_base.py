"""`base: other.yaml`: a recipe extends another and overrides only what differs."""
import textwrap

import pytest

from corefill.config import deep_merge, read_recipe_data
from corefill.errors import RecipeError


def _write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_deep_merge_merges_mappings_and_replaces_the_rest():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 2, "c": {"k": 1}}
    top = {"a": {"y": [3]}, "c": None, "d": 4}
    assert deep_merge(base, top) == {"a": {"x": 1, "y": [3]}, "b": 2, "c": None, "d": 4}
    assert base["a"]["y"] == [1, 2]  # inputs untouched


def test_base_chain_is_relative_to_each_file(tmp_path):
    _write(tmp_path, "demo.yaml", """
        name: demo
        train: {max_epochs: 4, log_every: 5}
        losses: [{name: l1}]
    """)
    _write(tmp_path, "sub/full.yaml", """
        base: ../demo.yaml
        name: full
        train: {max_epochs: 200}
    """)
    top = _write(tmp_path, "sub/fuller.yaml", "base: full.yaml\nseed: 3\n")
    data = read_recipe_data(top)
    assert data == {"name": "full", "train": {"max_epochs": 200, "log_every": 5},
                    "losses": [{"name": "l1"}], "seed": 3}


@pytest.mark.parametrize("text, message", [
    ("base: nowhere.yaml\n", "base: no such recipe"),
    ("base: [a, b]\n", "base: must be the path of another recipe"),
    ("base: loop.yaml\n", "leads back to itself"),
])
def test_bad_base_is_one_line_naming_the_file(tmp_path, text, message):
    path = _write(tmp_path, "loop.yaml", text)
    with pytest.raises(RecipeError) as caught:
        read_recipe_data(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_component_swapped_by_name_drops_the_base_params(tmp_path):
    _write(tmp_path, "demo.yaml", """
        name: demo
        masker: {name: center, params: {fraction: 0.5}}
        generator: {name: unet, params: {ngf: 8}, blend: residual}
    """)
    top = _write(tmp_path, "swap.yaml", """
        base: demo.yaml
        masker: {name: lama-thin}
        generator: {params: {ngf: 16}}
    """)
    data = read_recipe_data(top)
    assert data["masker"] == {"name": "lama-thin"}  # not fraction: 0.5 from the base
    assert data["generator"] == {"name": "unet", "params": {"ngf": 16}, "blend": "residual"}


def test_an_error_on_a_key_from_the_base_names_the_base_file(tmp_path):
    from corefill.config import load_recipe

    recipe = """
        name: demo
        data: {dataset: {name: sample-photos, params: {size: 64}}, batch_size: 4}
        masker: {name: center, params: {fraction: 0.5}}
        generator: {name: harmonic}
        losses: [{name: l1-hole}]
        metrics: [psnr_hole]
        train: {max_steps: 1}
    """
    base = _write(tmp_path, "demo.yaml", recipe.replace("max_steps: 1", "max_steps: 1, bogus: 3"))
    top = _write(tmp_path, "sub.yaml", "base: demo.yaml\nname: sub\n")
    with pytest.raises(RecipeError) as error:
        load_recipe(top)
    assert str(error.value).startswith(
        f"{top}: train.bogus (from its base {base.resolve()}): unknown key")
    _write(tmp_path, "good.yaml", recipe)
    swapped = _write(tmp_path, "swap.yaml", "base: good.yaml\nmasker: {name: random-box, "
                     "params: {fraction: 0.5}}\n")
    with pytest.raises(RecipeError) as error:
        load_recipe(swapped)
    assert str(error.value).startswith(f"{swapped}: masker.params.fraction: unknown key")
