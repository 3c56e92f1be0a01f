"""Deliberately broken plugins installed beside good ones: each fault is reported in one
line, as its plugin's, and every good component keeps working."""
import shutil
from pathlib import Path

import pytest

from corefill.testing import check_component

from fake_plugins import run_cli, write_plugin

RECIPES = Path(__file__).resolve().parents[2] / "recipes"

BROKEN = {
    # A default its own field refuses ("sixteen" for an int).
    "baddefault": '''
from pydantic import Field
from corefill.hookspecs import hookimpl
from corefill.params import Params


class GridParams(Params):
    """Grid holes. (1, H, W) {0,1}, 1 = hole."""
    cells: int = Field("sixteen", ge=1, description="cells per side")


@hookimpl
def corefill_register(registry):
    registry.add("masker", "grid", target="fake_baddefault:Grid", params="fake_baddefault:GridParams")
''',
    # A typo in the params import path.
    "badpath": '''
from corefill.hookspecs import hookimpl


@hookimpl
def corefill_register(registry):
    registry.add("generator", "pconv", target="fake_badpath:PConv",
                 params="fake_badpath_params:PConvParams")
''',
    # Params in a module that imports torch (written beside it: HEAVY_PARAMS).
    "heavy": '''
from corefill.hookspecs import hookimpl


@hookimpl
def corefill_register(registry):
    registry.add("loss", "heavy-l1", target="fake_heavy:make",
                 params="fake_heavy_params:HeavyParams")
''',
    # A masker named like the built-in one, beside a name of its own; and a masker whose
    # "hole" is the known part (0 = hole).
    "pcclash": '''
from corefill.hookspecs import hookimpl


class Inverted:
    def __init__(self, params, context=None):
        pass

    def __call__(self, height, width, *, rng, name=None):
        import torch

        mask = torch.ones(1, height, width)
        mask[:, height // 4: 3 * height // 4, width // 4: 3 * width // 4] = 0
        return mask


@hookimpl
def corefill_register(registry):
    registry.add("masker", "center", target="fake_pcclash:Inverted",
                 params="corefill.maskers.params:FullMaskParams")
    registry.add("masker", "inverted", target="fake_pcclash:Inverted",
                 params="corefill.maskers.params:FullMaskParams")
''',
}


HEAVY_PARAMS = '''
import torch
from pydantic import Field
from corefill.params import Params


class HeavyParams(Params):
    """Imports torch with its params."""
    width: int = Field(8, ge=1, description="channels")
'''


@pytest.fixture(scope="module")
def plugins(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugins")
    write_plugin(root, "good")
    for name, body in BROKEN.items():
        write_plugin(root, name, body=body)
    (root / "fake_heavy_params.py").write_text(HEAVY_PARAMS)
    return root


def _recipe(tmp_path, text_from="knee.yaml", **replace):
    text = (RECIPES / text_from).read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    for base in RECIPES.glob("*.yaml"):
        shutil.copy(base, tmp_path / base.name) if not (tmp_path / base.name).exists() else None
    return path


def test_plugins_lists_each_fault_in_one_line_under_its_plugin(plugins):
    result = run_cli(["plugins"], plugin_dir=plugins)
    out = result.stdout
    assert result.returncode == 0 and "Traceback" not in out + result.stderr
    assert "broken masker 'grid': params field 'cells': invalid default" in out
    assert "broken generator 'pconv': params fake_badpath_params:PConvParams do not import" in out
    assert "broken loss 'heavy-l1': params module fake_heavy_params imports torch" in out
    assert "clash: masker 'center' is registered by 2 plugins; recipes name one of " \
           "builtin:center, pcclash:center" in out
    for name in ("good", "baddefault", "badpath", "heavy", "pcclash"):  # none disabled
        assert any(line.startswith(name) and " ok " in line for line in out.splitlines())


def test_a_recipe_using_a_faulty_component_gets_one_line_naming_plugin_and_field(plugins, tmp_path):
    recipe = _recipe(tmp_path, text_from="knee-full.yaml",  # its masker: the centre box
                     **{"name: center": "name: grid", "params: {fraction: 0.5}": ""})
    result = run_cli(["validate", str(recipe)], plugin_dir=plugins)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "masker.params.cells: the default of masker 'baddefault:grid'" in line
    assert "corefill-baddefault" in line and "a fault of that plugin" in line

    recipe = _recipe(tmp_path, **{"name: context-encoder": "name: pconv",
                                  "name: center": "name: builtin:center"})
    result = run_cli(["validate", str(recipe)], plugin_dir=plugins)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "generator 'badpath:pconv'" in result.stderr and "do not import" in result.stderr


def test_a_clashing_name_is_ambiguous_and_qualified_names_work(plugins, tmp_path):
    ambiguous = run_cli(["validate", str(_recipe(tmp_path))], plugin_dir=plugins)
    assert ambiguous.returncode == 2
    assert "masker 'center' is ambiguous" in ambiguous.stderr
    assert "builtin:center, pcclash:center" in ambiguous.stderr
    qualified = _recipe(tmp_path, **{"name: center": "name: builtin:center"})
    ok = run_cli(["validate", str(qualified)], plugin_dir=plugins)
    assert ok.returncode == 0, ok.stderr
    components = run_cli(["components", "masker"], plugin_dir=plugins)
    assert "builtin:center  (ambiguous as 'center')" in components.stdout
    assert "pcclash:center  (ambiguous as 'center')" in components.stdout
    assert "\n  free-form  [" in components.stdout  # unambiguous names stay plain


def test_good_components_keep_working_beside_the_broken(plugins, tmp_path):
    recipe = _recipe(tmp_path, text_from="kaggle-rgb-gan.yaml")
    result = run_cli(["validate", str(recipe)], plugin_dir=plugins)
    assert result.returncode == 0, result.stderr
    listing = run_cli(["components", "generator"], plugin_dir=plugins)
    assert "toy-unet" in listing.stdout and "telea" in listing.stdout


def test_the_kit_reports_an_inverted_mask_in_one_line(plugins, monkeypatch):
    monkeypatch.syspath_prepend(str(plugins))
    from corefill.plugins import load_plugins
    from corefill.registry import Registries

    registries = Registries()
    load_plugins(registries)
    with pytest.raises(AssertionError, match=r"^Inverted: holes cover 75% of the image on "
                                             r"average: is the polarity inverted\?"):
        check_component("masker", "inverted", registries=registries)
