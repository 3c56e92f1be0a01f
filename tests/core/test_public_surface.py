"""The public surface for plugin authors: the first-party plugins and what the scaffold
writes import corefill only through it; every name it promises resolves; it is cheap to
import; plugins written against the internal modules keep working."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from corefill.scaffold import plugin_files
from corefill.scaffold.layout import CHOICES

REPO = Path(__file__).resolve().parents[2]
PUBLIC = ("corefill.plugin", "corefill.nn", "corefill.data", "corefill.testing")


def corefill_imports(source: str, filename: str) -> list[tuple[int, str]]:
    """``(line, module)`` of every corefill module ``source`` imports (``from corefill
    import x`` counts as ``corefill.x``; relative imports stay inside the plugin)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "corefill"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "corefill":
                found += [(node.lineno, f"corefill.{a.name}") for a in node.names]
            elif node.module.split(".")[0] == "corefill":
                found.append((node.lineno, node.module))
    return sorted(found)


def outside_the_surface(files: dict[str, str]) -> list[str]:
    return [f"{name}:{line}: imports {module}, not one of {', '.join(PUBLIC)}"
            for name, text in sorted(files.items()) if name.endswith(".py")
            for line, module in corefill_imports(text, name) if module not in PUBLIC]


def first_party_sources() -> dict[str, str]:
    files = sorted(REPO.glob("plugins/*/corefill_*/**/*.py"))
    assert len(files) > 40, "the first-party plugins' packages were not found"
    return {str(p.relative_to(REPO)): p.read_text() for p in files}


def test_the_surface_is_at_most_five_modules():
    assert len(PUBLIC) <= 5


def test_first_party_plugins_import_only_the_public_modules():
    problems = outside_the_surface(first_party_sources())
    assert not problems, "\n".join(problems)


def test_the_scaffolds_plugins_import_only_the_public_modules():
    files = {f"corefill-probe/{name}": text
             for name, text in plugin_files("probe", list(CHOICES)).items()}  # train-step too
    assert sum(name.endswith(".py") for name in files) > 12
    problems = outside_the_surface(files)
    assert not problems, "\n".join(problems)


def test_the_check_names_file_line_and_module():
    files = {"corefill_x/a.py": "import numpy\nfrom corefill.plugin import Params\n"
                                "from corefill.registry import BuildContext\n",
             "corefill_x/b.py": "def f():\n    import corefill.datasets.io\n"
                                "from corefill import nn, errors\nfrom . import a\n"}
    assert outside_the_surface(files) == [
        f"corefill_x/a.py:3: imports corefill.registry, not one of {', '.join(PUBLIC)}",
        f"corefill_x/b.py:2: imports corefill.datasets.io, not one of {', '.join(PUBLIC)}",
        f"corefill_x/b.py:3: imports corefill.errors, not one of {', '.join(PUBLIC)}",
    ]


@pytest.mark.parametrize("module", PUBLIC)
def test_every_public_name_resolves(module):
    public = importlib.import_module(module)
    assert public.__all__ and len(set(public.__all__)) == len(public.__all__)
    missing = [name for name in public.__all__ if getattr(public, name, None) is None]
    assert not missing, f"{module}.__all__ names what it lacks: {missing}"
    assert public.__doc__ and "public" in public.__doc__


def test_the_public_modules_are_documented_in_the_guide():
    guide = (REPO / "docs" / "plugins.md").read_text()
    section = guide.split("## The public surface")[1].split("\n## ")[0]
    assert "semantic versioning" in section and "DeprecationWarning" in section
    for module in PUBLIC:
        public = importlib.import_module(module)
        assert f"`{module}`" in section
        unlisted = [n for n in public.__all__ if f"`{n}`" not in section and "_EXTENSIONS" not in n
                    and not n.startswith("check_")]
        assert not unlisted, f"docs/plugins.md does not list {module}'s {unlisted}"


def test_registration_params_and_their_bases_import_no_torch():
    """Registries and `corefill validate` import plugin Params modules without torch."""
    code = ("import sys\n"
            "import corefill.plugin, corefill.nn, corefill.data\n"
            "from corefill.plugin import *\n"
            "from corefill.nn import CentreParams, ImageSize, Channels, context_encoder_params\n"
            "from corefill.data import (SamplePhotosParams, PhotosOrFolderParams,\n"
            "    ImageFolderParams, NiftiSlicesParams, FromFilesParams, template_file)\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "NO-TORCH", result.stdout + result.stderr


@pytest.mark.parametrize("old, new", [
    ("corefill.hookspecs:hookimpl", "corefill.plugin:hookimpl"),
    ("corefill.params:Params", "corefill.plugin:Params"),
    ("corefill.registry:BuildContext", "corefill.plugin:BuildContext"),
    ("corefill.errors:DataError", "corefill.plugin:DataError"),
    ("corefill.nn.params:context_encoder_params", "corefill.nn:context_encoder_params"),
    ("corefill.nn.context_encoder:LinkedContextEncoder", "corefill.nn:LinkedContextEncoder"),
    ("corefill.datasets.io:read_image", "corefill.data:read_image"),
    ("corefill.datasets.base:FileDataset", "corefill.data:FileDataset"),
    ("corefill.datasets.params:PhotosOrFolderParams", "corefill.data:PhotosOrFolderParams"),
    ("corefill.maskers.files:FromFilesMasker", "corefill.data:FromFilesMasker"),
    ("corefill.plugins:registries", "corefill.testing:registries"),
])
def test_old_imports_keep_working_and_are_the_public_objects(old, new):
    """A plugin written against the internal modules keeps working: they stay where they
    were, and the public modules re-export the same objects (no copies)."""
    from corefill.registry import import_object

    assert import_object(old) is import_object(new)
