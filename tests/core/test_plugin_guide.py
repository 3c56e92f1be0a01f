"""docs/plugins.md builds a working plugin: extract its files, install them, run its tests."""
import os
import re
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
BLOCK = re.compile(r"```\w+ file=(\S+)\n(.*?)```", re.S)


def _write_guide_plugin(root: Path) -> Path:
    files = dict(BLOCK.findall(GUIDE.read_text()))
    assert {"pyproject.toml", "corefill_blur/plugin.py"} <= set(files)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in ("corefill_blur", "corefill_blur/generators"):
        (root / package / "__init__.py").touch()
    # What `pip install` would leave behind: metadata with the guide's entry point.
    entry = re.search(r"\[project.entry-points.corefill\]\n(.+)\n", files["pyproject.toml"]).group(1)
    dist = root / "corefill_blur-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: corefill-blur\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text(f"[corefill]\n{entry.replace(chr(34), '')}\n")
    return root


def test_guide_plugin_is_found_and_passes_its_conformance_tests(tmp_path):
    root = _write_guide_plugin(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(root))
    listing = subprocess.run(
        [sys.executable, "-c", "from corefill.cli import main; main()", "components", "generator"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert "blur-fill" in listing.stdout and "kernel_size: int in [1, 31] = 5" in listing.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
        capture_output=True, text=True, env=env, cwd=root, timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-2000:]
    assert "2 passed" in tests.stdout


def test_guide_builds_its_example_on_the_shared_blocks_and_one_table():
    files = dict(BLOCK.findall(GUIDE.read_text()))
    assert "from corefill.nn import" in files["corefill_blur/generators/blur_fill.py"]
    assert "registry.add_table(COMPONENTS)" in files["corefill_blur/plugin.py"]
