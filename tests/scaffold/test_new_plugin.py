"""`corefill new-plugin` writes the files it promises, refuses bad names and full folders in
one line, and its generator is the plugin guide's, file for file."""
from __future__ import annotations

import ast
import fnmatch
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from corefill.registry import KINDS
from corefill.scaffold import TEMPLATES, plugin_files, write_plugin
from corefill.testing import run_cli

REPO = Path(__file__).resolve().parents[2]
GUIDE_BLOCK = re.compile(r"```\w+ file=(\S+)\n(.*?)```", re.S)


def _compiles(files: dict[str, str]) -> None:
    for path, text in files.items():
        if path.endswith(".py"):
            compile(text, path, "exec")  # a template bug is a SyntaxError naming the file


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_gets_params_component_test_and_a_recipe_using_it(tmp_path, kind):
    result = write_plugin("pc-fill", [kind], tmp_path / "out")
    folder = {"loss": "losses"}.get(kind, f"{kind}s")
    module = {"dataset": "images", "masker": "grid", "generator": "fill",
              "discriminator": "patchgan", "loss": "hole_l1", "metric": "hole_mae"}[kind]
    for path in (f"corefill_pc_fill/{folder}/params.py",
                 f"corefill_pc_fill/{folder}/pc_fill_{module}.py",
                 f"tests/test_pc_fill_{module}.py", "recipes/pc-fill.yaml", "README.md",
                 "pyproject.toml", "corefill_pc_fill/plugin.py", "corefill_pc_fill/__init__.py"):
        assert (result.folder / path).is_file(), path
    files = {p: (result.folder / p).read_text() for p in result.files}
    _compiles(files)
    table = ast.literal_eval(files["corefill_pc_fill/plugin.py"].split("COMPONENTS = ")[1]
                             .split("\n\n")[0])
    assert {k for k, _ in table} == {kind, "generator"}
    component = next(name for k, name in table if k == kind)
    assert component in files["recipes/pc-fill.yaml"] and component in files["README.md"]
    assert f'"{component}"' in files[f"tests/test_pc_fill_{module}.py"]
    recipe = yaml.safe_load(files["recipes/pc-fill.yaml"])
    assert recipe["name"] == "pc-fill" and "max_minutes" not in recipe["train"]


def test_built_ins_fill_in_what_the_plugin_lacks():
    recipe = yaml.safe_load(plugin_files("blur", ["generator"])["recipes/blur.yaml"])
    assert recipe["data"]["dataset"]["name"] == "sample-photos"
    assert recipe["masker"]["name"] == "center" and recipe["generator"]["name"] == "blur-fill"
    assert [loss["name"] for loss in recipe["losses"]] == ["l1-hole"]
    assert recipe["metrics"] == ["psnr_hole"] and recipe["baselines"] == ["telea"]
    assert "discriminator" not in recipe
    every = yaml.safe_load(plugin_files("blur", KINDS)["recipes/blur.yaml"])
    assert every["discriminator"]["name"] == "blur-patchgan"
    assert [loss["name"] for loss in every["losses"]] == ["blur-hole-l1", "bce"]
    assert every["metrics"] == ["psnr_hole", "blur_hole_mae"]


def test_the_package_installs_from_its_own_pyproject():
    files = plugin_files("my_blur", ["generator", "masker"])
    project = tomllib.loads(files["pyproject.toml"])
    assert project["project"]["name"] == "corefill-my-blur"
    assert project["project"]["entry-points"]["corefill"] == {"my_blur": "corefill_my_blur.plugin"}
    assert project["project"]["dependencies"] == ["corefill[samples]"]
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["corefill_my_blur*"]


def test_the_guides_plugin_is_the_scaffolds_generator():
    """docs/plugins.md shows what `corefill new-plugin blur` writes, file for file."""
    guide = dict(GUIDE_BLOCK.findall((REPO / "docs" / "plugins.md").read_text()))
    files = plugin_files("blur", ["generator"])
    for guide_path, ours in [("corefill_blur/generators/params.py", None),
                             ("corefill_blur/generators/blur_fill.py", None),
                             ("corefill_blur/plugin.py", None),
                             ("tests/test_blur_conformance.py", "tests/test_blur_fill.py")]:
        assert files[ours or guide_path] == guide[guide_path], guide_path


def test_a_masker_plugin_gets_the_generator_its_recipe_trains(tmp_path, capsys):
    assert run_cli("new-plugin", "grid", "--kind", "masker", "--dir", str(tmp_path / "g")) == 0
    out = capsys.readouterr().out
    assert "note: added a generator" in out and "pip install -e" in out
    assert (tmp_path / "g" / "corefill_grid" / "generators" / "grid_fill.py").is_file()
    assert "The generator was added for the sample recipe" in (tmp_path / "g" / "README.md").read_text()


def test_default_folder_and_kind(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run_cli("new-plugin", "blur") == 0
    assert "wrote corefill-blur/" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "corefill-blur" / "corefill_blur").iterdir()) == \
        ["__init__.py", "generators", "plugin.py"]


@pytest.mark.parametrize("name", ["Blur", "1blur", "blur--fill", "blur-", "b lur", "corefill-blur",
                                  "import", "x" * 41, "blür"])
def test_a_bad_name_is_one_line_exit_2(tmp_path, capsys, name):
    assert run_cli("new-plugin", name, "--dir", str(tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: plugin name") and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_an_existing_folder_is_never_overwritten(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.py").write_text("keep me")
    assert run_cli("new-plugin", "blur", "--dir", str(tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not empty" in err and err.count("\n") == 1
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mine.py"]
    (tmp_path / "file").write_text("")
    assert run_cli("new-plugin", "blur", "--dir", str(tmp_path / "file")) == 2
    assert "is not a folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert run_cli("new-plugin", "blur", "--dir", str(tmp_path / "empty")) == 0


def test_an_unknown_kind_is_refused_by_the_cli(tmp_path, capsys):
    assert run_cli("new-plugin", "blur", "--kind", "masher", "--dir", str(tmp_path)) == 2
    assert "'masher' is not one of" in capsys.readouterr().err


def test_every_template_ships_in_the_wheel():
    """pyproject's package-data globs cover every template file (else a wheel install of
    corefill writes nothing: the files would be missing next to the code)."""
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["corefill.scaffold"]
    templates = [p.relative_to(TEMPLATES.parent).as_posix() for p in TEMPLATES.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts]
    assert templates and all(any(fnmatch.fnmatch(t, g) for g in globs) for t in templates)


def test_new_plugin_imports_neither_torch_nor_pydantic():
    code = ("import sys; from corefill.cli import main\n"
            "try: main(['new-plugin', '--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('torch', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr
    assert "--kind [dataset|masker|generator|discriminator|loss|metric|train-" in out.stdout
