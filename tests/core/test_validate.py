"""`corefill validate`: one line per error, naming the file and the dotted field, exit 2."""
import textwrap

import pytest

from fake_plugins import run_cli, write_plugin

GOOD = """
name: toy
data:
  dataset: {name: toy-folder, params: {size: 64}}
masker: {name: toy-box}
generator: {name: toy-unet, params: {ngf: 16}}
losses:
  - {name: toy-l1, weight: 1.0}
train: {max_epochs: 2}
"""


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory):
    return write_plugin(tmp_path_factory.mktemp("plugins"), "good")


def _validate(tmp_path, plugin_dir, text, *extra):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(textwrap.dedent(text))
    return run_cli(["validate", str(recipe), *extra], plugin_dir=plugin_dir), str(recipe)


def _one_line_error(result):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def test_good_recipe_validates(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir, GOOD)
    assert result.returncode == 0, result.stderr
    assert f"{path}: ok" in result.stdout


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("ngf: 16", "ngf: abc", "generator.params.ngf: Input should be a valid integer"),
        ("ngf: 16", "ngf: 0", "generator.params.ngf: Input should be greater than or equal to 1"),
        ("ngf: 16", "ngf: 16, depth: 3", "generator.params.depth: unknown key"),
        ("name: toy-unet", "name: toy-unte", "generator.name: unknown generator 'toy-unte'; did you mean 'toy-unet'"),
        ("max_epochs: 2", "max_epoch: 2", "train.max_epoch: unknown key (not allowed here); "
                                          "did you mean 'max_epochs'?"),
        ("ngf: 16", "ngff: 16", "generator.params.ngff: unknown key (not allowed here); "
                                "did you mean 'ngf'?"),
        ("weight: 1.0", "weight: -1", "losses.0.weight: Input should be greater than or equal to 0"),
        ("size: 64", "size: 4", "data.dataset.params.size: Input should be greater than or equal to 8"),
    ],
)
def test_field_errors_name_file_and_field(tmp_path, plugin_dir, old, new, expected):
    result, path = _validate(tmp_path, plugin_dir, GOOD.replace(old, new))
    assert _one_line_error(result).startswith(f"error: {path}: {expected}")


def test_wrong_type_shows_the_value(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir, GOOD.replace("ngf: 16", "ngf: abc"))
    assert _one_line_error(result).endswith("got 'abc'")


def test_missing_required_field(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir, GOOD.replace("name: toy\n", ""))
    assert _one_line_error(result) == f"error: {path}: name: Field required"


def test_bad_yaml_names_line(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir, "name: [unclosed\n")
    message = _one_line_error(result)
    assert message.startswith(f"error: {path}: invalid YAML: line ")


def test_recipe_must_be_a_mapping(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir, "- a\n- b\n")
    assert "a recipe must be a YAML mapping" in _one_line_error(result)


def test_missing_file(tmp_path, plugin_dir):
    result = run_cli(["validate", str(tmp_path / "nope.yaml")], plugin_dir=plugin_dir)
    assert "nope.yaml: cannot read recipe" in _one_line_error(result)


def test_unknown_split_override_key(tmp_path, plugin_dir):
    text = GOOD.replace(
        "  dataset: {name: toy-folder, params: {size: 64}}",
        "  dataset: {name: toy-folder, params: {size: 64}}\n  splits: {val: {sizze: 32}}",
    )
    result, path = _validate(tmp_path, plugin_dir, text)
    assert _one_line_error(result) == f"error: {path}: data.splits.val.sizze: unknown key (not allowed here); did you mean 'size'?"


def test_overrides_apply_and_are_validated(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir, GOOD, "-o", "generator.params.ngf=32",
                             "-o", "train.max_epochs=5")
    assert result.returncode == 0, result.stderr
    result, path = _validate(tmp_path, plugin_dir, GOOD, "-o", "generator.params.ngf=abc")
    assert "generator.params.ngf: Input should be a valid integer" in _one_line_error(result)
    result, path = _validate(tmp_path, plugin_dir, GOOD, "-o", "novalue")
    assert "override 'novalue' must look like dotted.key=value" in _one_line_error(result)


def test_run_validates_before_anything(tmp_path, plugin_dir):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(GOOD.replace("ngf: 16", "ngf: abc"))
    result = run_cli(["run", str(recipe), "--out", str(tmp_path / "run")], plugin_dir=plugin_dir)
    assert "generator.params.ngf" in _one_line_error(result)
    assert not (tmp_path / "run").exists()
