"""A recipe naming a component of a first-party plugin that is not installed (or is
disabled) says which distribution brings it and how to install it; the core's table of
first-party components matches what the plugins register, so it cannot drift."""
from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

from corefill import _entrypoints, first_party, plugins
from corefill.components import Registries
from corefill.errors import RegistryError
from corefill.testing import run_cli

REPO = Path(__file__).resolve().parents[2]
TABLE = {p.folder: p for p in first_party.PLUGINS}


def _project(folder: str) -> dict:
    return tomllib.loads((REPO / folder / "pyproject.toml").read_text())["project"]


def test_every_plugin_folder_is_in_the_table_under_its_distribution_and_entry_point():
    folders = sorted(str(p.parent.relative_to(REPO)) for p in REPO.glob("plugins/*/pyproject.toml"))
    assert folders == sorted(TABLE)
    for folder, entry in TABLE.items():
        project = _project(folder)
        assert project["name"] == entry.distribution
        assert list(project["entry-points"]["corefill"]) == [entry.entry_point]


@pytest.mark.parametrize("folder", sorted(TABLE))
def test_the_table_lists_what_the_plugin_registers(folder, monkeypatch):
    """Each plugin's hook, run from its folder (installed or not), registers exactly the
    components the table says."""
    entry = TABLE[folder]
    monkeypatch.syspath_prepend(str(REPO / folder))
    module = importlib.import_module(_project(folder)["entry-points"]["corefill"][entry.entry_point])
    registries = Registries()
    collector = plugins._Collector(registries, f"plugin {entry.entry_point!r}", entry.entry_point)
    module.corefill_register(registry=collector)
    registered = {(kind, name.partition(":")[2]) for kind, name in collector.added}
    assert registered == set(entry.components)


def test_no_first_party_name_is_a_core_name():
    """A core name would never be unknown, so the hint could never show."""
    from corefill import builtin

    core = {(kind, name) for kind in builtin.PACKAGES
            for name in importlib.import_module(f"corefill.{builtin.PACKAGES[kind]}").COMPONENTS}
    assert not core & {c for p in first_party.PLUGINS for c in p.components}


def test_a_missing_plugins_component_names_its_distribution_and_pip_line():
    with pytest.raises(RegistryError) as error:
        Registries().get("dataset", "oasis-slices")
    assert str(error.value) == (
        "unknown dataset 'oasis-slices': it comes with the first-party plugin corefill-pix2pix; "
        "pip install -e plugins/pix2pix-oasis (or pip install corefill-pix2pix)")
    with pytest.raises(RegistryError, match="corefill-knee-ce; pip install -e plugins/knee-ce"):
        Registries().get("generator", "knee-ce:context-encoder")


def test_other_unknown_names_still_get_close_matches():
    registries = Registries()
    registries["dataset"].register("nifti-slices", target="m:x", params="m:P", source="core")
    with pytest.raises(RegistryError, match="unknown dataset 'oasis-slice'; did you mean"):
        registries.get("dataset", "oasis-slice")
    with pytest.raises(RegistryError, match="unknown dataset 'other:oasis-slices'; did you"):
        registries.get("dataset", "other:oasis-slices")  # another plugin's: not pix2pix's


def test_a_disabled_or_broken_first_party_plugin_says_so():
    registries = Registries()
    registries.set_disabled(name for name in ["pix2pix"])  # every kind, from one iterable
    with pytest.raises(RegistryError, match="corefill-pix2pix, which is disabled: take "
                                            "'pix2pix' out of COREFILL_DISABLE_PLUGINS"):
        registries.get("generator", "unet")
    registries.set_disabled([])
    registries.set_broken({"pix2pix": "ImportError: no module named nibabel"})
    with pytest.raises(RegistryError, match=r"corefill-pix2pix, which failed to load "
                                            r"\(ImportError: no module named nibabel\)"):
        registries.get("discriminator", "patchgan")


def _validate_pix2pix_recipe(capsys) -> str:
    plugins.reset()
    try:
        assert run_cli("validate", str(REPO / "recipes" / "pix2pix-oasis.yaml")) == 2
    finally:
        plugins.reset()
    return capsys.readouterr().err


def test_validate_without_the_plugin_says_what_to_install(monkeypatch, capsys):
    discover = _entrypoints.discover
    monkeypatch.setattr(_entrypoints, "discover",
                        lambda path=None: [e for e in discover(path) if e.name != "pix2pix"])
    err = _validate_pix2pix_recipe(capsys)
    assert ("data.dataset.name: unknown dataset 'oasis-slices': it comes with the first-party "
            "plugin corefill-pix2pix; pip install -e plugins/pix2pix-oasis (or pip install "
            "corefill-pix2pix)") in err
    assert "nifti-slices" not in err


def test_validate_with_the_plugin_disabled_says_how_to_enable_it(monkeypatch, capsys):
    if not any(e.name == "pix2pix" for e in _entrypoints.discover()):
        pytest.skip("corefill-pix2pix is not installed")
    monkeypatch.setenv("COREFILL_DISABLE_PLUGINS", "pix2pix")
    err = _validate_pix2pix_recipe(capsys)
    assert "which is disabled: take 'pix2pix' out of COREFILL_DISABLE_PLUGINS" in err
