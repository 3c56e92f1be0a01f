"""What `corefill new-plugin` writes works untouched: found by corefill once installed,
passes its own conformance tests, and its sample recipe trains and reports.

The generator-only plugin is made importable the way tests/core/test_plugin_guide.py does
(its folder on PYTHONPATH beside the metadata `pip install` would leave); the plugin with
every kind is really installed, `pip install -e` into a fresh virtual environment that
sees this one's packages (torch, the editable corefill) but holds the plugin alone.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

from corefill.registry import KINDS
from corefill.scaffold import write_plugin

pytestmark = pytest.mark.slow  # a quick run: pytest -m "not slow"


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _on_pythonpath(folder: Path) -> dict[str, str]:
    """The metadata `pip install` leaves (the entry point), written beside the package."""
    project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    ((name, module),) = project["entry-points"]["corefill"].items()
    dist = folder / f"{project['name'].replace('-', '_')}-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text(f"[corefill]\n{name} = {module}\n")
    return dict(os.environ, PYTHONPATH=str(folder))


def _fresh_venv(where: Path) -> Path:
    """A venv whose site-packages adds this one's as a site dir (its .pth files included,
    so the editable corefill and the test tools import); returns its python."""
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                     ).stdout.strip())
    ours = sysconfig.get_paths()["purelib"]
    (site / "test-dependencies.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    return python


def _check(python: Path, folder: Path, slug: str, out: Path, env: dict[str, str], tests: int) -> None:
    """Its own tests pass; its recipe runs as written (two steps) and writes report.json."""
    result = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder, env=env)
    assert f"{tests} passed" in result.stdout and "warning" not in result.stdout, result.stdout
    _run([str(python), "-c", "from corefill.cli import main; main()", "run",
          f"recipes/{slug}.yaml", "-o", "train.max_steps=2", "--out", str(out)], cwd=folder, env=env)
    report = json.loads((out / "report.json").read_text())
    assert {"trained", "telea"} <= set(report["models"]), report["models"].keys()


def test_generator_plugin_passes_its_tests_and_runs_its_recipe(tmp_path):
    folder = write_plugin("blur", ["generator"], tmp_path / "corefill-blur").folder
    _check(Path(sys.executable), folder, "blur", tmp_path / "run", _on_pythonpath(folder), tests=2)


def test_train_step_plugin_passes_its_tests_and_its_scheme_trains_the_recipe(tmp_path):
    """`new-plugin --kind train-step`: the critic's own step (R1 every 4th batch) passes
    the kit's check_train_step and replaces the engine's step in a real run."""
    folder = write_plugin("r1gan", ["train-step"], tmp_path / "corefill-r1gan").folder
    _check(Path(sys.executable), folder, "r1gan", tmp_path / "run", _on_pythonpath(folder), tests=4)
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").open()]
    train = [r for r in records if r["type"] == "train"]
    assert train and all("loss/r1" in r and "loss/d_total" in r for r in train), train


def test_plugin_with_every_kind_installs_passes_its_tests_and_runs_its_recipe(tmp_path):
    folder = write_plugin("pc-fill", KINDS, tmp_path / "corefill-pc-fill").folder
    python = _fresh_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
          "--no-build-isolation", "--no-index", "-e", str(folder)], env=env)
    # Found through its entry point, six components, and no params module imports torch.
    listing = _run([str(python), "-c", "\n".join([
        "import sys",
        "from corefill.plugins import plugin_infos, registries",
        "info = next(i for i in plugin_infos() if i.name == 'pc-fill')",
        "specs = [r.get(n) for r in registries() for n in r.list() if n.startswith(('pc-fill', 'pc_fill'))]",
        "params = [s.params_class() for s in specs]",
        "print(info.distribution, info.status, info.components, len(specs), 'torch' in sys.modules)",
        "print(all(f.description for p in params for f in p.model_fields.values()))",
    ])], cwd=tmp_path, env=env).stdout.split()
    assert listing == ["corefill-pc-fill", "ok", "6", "6", "False", "True"]
    _check(python, folder, "pc-fill", tmp_path / "run", env, tests=18)
