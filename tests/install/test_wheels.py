"""The core and every plugin build as wheels; installed from wheels (not editable) into a
fresh virtual environment, the core and the knee plugin run a recipe from a folder
outside the repository.

Third-party dependencies are not reinstalled (torch alone is 5 GB): the fresh venv sees
the test venv's site-packages through links to every entry there except corefill's own
(its editable installs and their metadata), so corefill and its plugins can come only
from the wheels. That the declared dependencies are complete is what `.ci/run`'s
fresh-install walk checks.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a quick run: pytest -m "not slow"

REPO = Path(__file__).resolve().parents[2]
PROJECTS = [REPO, *sorted(p.parent for p in (REPO / "plugins").glob("*/pyproject.toml"))]


def _is_ours(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("corefill", "__editable__", "_corefill")) or \
        lowered.endswith(".egg-link")


def _link_dependencies(fresh_site: Path, links: Path) -> None:
    links.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not _is_ours(entry.name) and not entry.name.endswith(".pth"):
            (links / entry.name).symlink_to(entry)
    (fresh_site / "test-dependencies.pth").write_text(f"{links}\n")


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    # Built from a copy: an in-tree build leaves build/lib behind, whose stale files a
    # later build would pack.
    source = tmp_path_factory.mktemp("source") / "repo"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "runs", "*.egg-info", "__pycache__", ".pytest_cache"))
    projects = [source / p.relative_to(REPO) for p in PROJECTS]
    folder = tmp_path_factory.mktemp("wheels")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(folder), *map(str, projects)])
    return folder


def test_every_distribution_builds_a_wheel_with_its_package(wheels):
    built = {w.name.split("-")[0]: w for w in wheels.glob("*.whl")}
    expected = {"corefill", "corefill_knee_ce", "corefill_pix2pix", "corefill_cifar_ce",
                "corefill_masked_autoencoder", "corefill_kaggle_rgb_gan"}
    assert set(built) == expected
    for name, wheel in built.items():
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
        assert any(n.startswith(f"{name}/") and n.endswith("__init__.py") for n in names), name
        assert any(n.endswith("entry_points.txt") for n in names), name
        assert not any(n.startswith("tests/") for n in names), f"{name} packs its tests"


def test_wheels_install_and_run_a_recipe_outside_the_repo(wheels, tmp_path):
    fresh = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                     ).stdout.strip())
    _link_dependencies(site, tmp_path / "deps")
    picked = [next(wheels.glob(f"{name}-*.whl")) for name in ("corefill", "corefill_knee_ce")]
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", *map(str, picked)])

    outside = tmp_path / "work"
    outside.mkdir()
    shutil.copy(REPO / "recipes" / "knee.yaml", outside / "knee.yaml")
    env = {**os.environ, "HOME": str(tmp_path / "home"), "PYTHONPATH": "",
           "COREFILL_CACHE": str(tmp_path / "cache")}
    where = _run([str(python), "-c", "import corefill, corefill_knee_ce; "
                  "print(corefill.__file__); print(corefill_knee_ce.__file__)"],
                 cwd=outside, env=env).stdout
    assert str(REPO) not in where and str(site) in where
    _run([str(fresh / "bin" / "corefill"), "run", "knee.yaml", "--out", "run",
          "-o", "train.max_steps=2", "-o", "data.dataset.params.train_crops=64",
          "-o", "metrics=[psnr_hole]", "-o", "baselines=[telea]"], cwd=outside, env=env)
    report = (outside / "run" / "report.json").read_text()
    assert '"trained"' in report and '"telea"' in report
    assert (outside / "run" / "checkpoints" / "last.pt").is_file()
