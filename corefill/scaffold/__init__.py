"""``corefill new-plugin``: write a ready plugin package from the templates beside this file.

The templates (``templates/``, package data) are rendered with :class:`string.Template`
(``${name}`` placeholders: Python code keeps its braces). :func:`plugin_files` says what a
plugin would hold; :func:`write_plugin` writes it. Torch-free: nothing here imports torch.
"""
from __future__ import annotations

import string
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .layout import (CHOICES, LAYOUTS, SCHEME, PluginNames, ScaffoldError, layout_of,
                     needs_generator, ordered_kinds, plugin_names)

__all__ = ["ScaffoldError", "ScaffoldResult", "plugin_files", "plugin_names", "write_plugin"]

# Measured: the recipe with every kind took 22 s of CPU time (1 min 12 s on a loaded 2-core box).
DURATION = ("Four epochs of 5 steps, about half a minute on 2 CPU cores: it shows the parts "
            "fit together; it is no tuned model (the telea baseline beats it).")
TEMPLATES = Path(__file__).resolve().parent / "templates"
# What each kind does, for the README and the recipe's header.
_SUMMARY = {
    "dataset": "a dataset of your images", "masker": "a grid-holes masker",
    "generator": "a small conv generator", "discriminator": "a PatchGAN discriminator",
    "loss": "a hole L1 loss", "metric": "a hole MAE metric",
    SCHEME: "a critic with a training step of its own (R1 penalty)",
}


def render(template: str, values: dict[str, str]) -> str:
    """``templates/<template>`` with its placeholders filled (a missing one is a KeyError:
    a template bug, not a user error)."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return string.Template(text).substitute(values)


def _summary(kinds: Iterable[str]) -> str:
    parts = [_SUMMARY[kind] for kind in kinds]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _kind_files(names: PluginNames, kind: str, base: dict[str, str]) -> dict[str, str]:
    layout = layout_of(kind)
    values, templates = {**base, **layout.values(names)}, layout.templates or kind
    folder = f"{names.package}/{values['folder']}"
    return {
        f"{folder}/__init__.py": render("project/kind_init.py.tmpl", values),
        f"{folder}/{values['params_module']}.py": render(f"{templates}/params.py.tmpl", values),
        f"{folder}/{values['module']}.py": render(f"{templates}/component.py.tmpl", values),
        f"tests/test_{values['module']}.py": render(f"{templates}/test.py.tmpl", values),
    }


def _recipe(names: PluginNames, kinds: tuple[str, ...], base: dict[str, str]) -> str:
    """The sample recipe: the plugin's component of each kind it has, else a built-in."""
    def section(kind: str, builtin: str | None) -> str:
        if kind in kinds:
            layout = layout_of(kind)
            return render(f"{layout.templates or kind}/recipe.yaml.tmpl",
                          {**base, **layout.values(names)})
        return render(f"recipe/{builtin}.yaml.tmpl", base) if builtin else ""

    losses = section("loss", "loss")
    if "discriminator" in kinds or SCHEME in kinds:
        losses += render("recipe/adversarial.yaml.tmpl", base)
    metric = f", {LAYOUTS['metric'].values(names)['component']}" if "metric" in kinds else ""
    sections = {
        "dataset": section("dataset", "dataset").rstrip("\n"),
        "masker": section("masker", "masker"),
        "generator": section("generator", None),
        # the scheme's critic trains in the recipe where the plugin has one
        "discriminator": section(SCHEME, None) or section("discriminator", None),
        "losses": losses.rstrip("\n"),
        "metrics": metric,
    }
    header = (f"Sample recipe of {names.dist}: {base['provided']}, with corefill's built-ins "
              "for the rest, on 32² crops of the photos bundled in scikit-image (nothing is "
              f"downloaded). {DURATION}")
    header = textwrap.fill(header, width=88, initial_indent="# ", subsequent_indent="# ")
    return render("project/recipe.yaml.tmpl", {**base, **sections, "header": header})


def _readme(names: PluginNames, kinds: tuple[str, ...], base: dict[str, str],
            added_generator: bool) -> str:
    rows, layout_lines = [], []
    for kind in kinds:
        values = layout_of(kind).values(names)
        rows.append(f"| {kind} | `{values['component']}` | "
                    f"`{names.package}/{values['folder']}/{values['module']}.py` |")
        layout_lines.append(f"  {values['folder']}/  {values['params_module']}.py, {values['module']}.py\n")
    intro = (f"A corefill plugin: {base['provided']}. Written by `corefill new-plugin "
             f"{names.slug}`; every file is yours to change.")
    note = ("The generator was added for the sample recipe, which trains one (corefill "
            "itself ships only parameter-free baselines): keep it, or point the recipe at "
            "your own generator and delete it.")
    return render("project/README.md.tmpl", {
        **base, "table": "\n".join(rows), "layout_lines": "".join(layout_lines),
        "intro": textwrap.fill(intro, width=88),
        "generator_note": "\n" + textwrap.fill(note, width=88) + "\n" if added_generator else ""})


def plugin_files(name: str, kinds: Iterable[str] = ("generator",)) -> dict[str, str]:
    """Relative path -> text of every file of plugin ``name`` with components of ``kinds``
    (a generator is added when missing: see :func:`~.layout.needs_generator`)."""
    names, asked = plugin_names(name), tuple(kinds)
    unknown = [kind for kind in asked if kind not in CHOICES]
    if unknown:
        raise ScaffoldError(f"unknown component kind {unknown[0]!r}; kinds: {', '.join(CHOICES)}")
    kinds = ordered_kinds(asked)
    base = {"slug": names.slug, "ident": names.ident, "camel": names.camel,
            "package": names.package, "dist": names.dist, "summary": _summary(kinds),
            "provided": _summary(kinds)}
    entries = "".join(render("project/plugin_entry.tmpl", {**base, **layout_of(k).values(names)})
                      for k in kinds)
    files = {
        "pyproject.toml": render("project/pyproject.toml.tmpl", base),
        "README.md": _readme(names, kinds, base, needs_generator(asked)),
        f"recipes/{names.slug}.yaml": _recipe(names, kinds, base),
        f"{names.package}/__init__.py": render("project/package_init.py.tmpl", base),
        f"{names.package}/plugin.py": render("project/plugin.py.tmpl", {**base, "entries": entries}),
    }
    for kind in kinds:
        files.update(_kind_files(names, kind, base))
    return files


@dataclass(frozen=True)
class ScaffoldResult:
    folder: Path
    files: tuple[str, ...]  # relative to folder
    added_generator: bool


def write_plugin(name: str, kinds: Iterable[str] = ("generator",),
                 folder: str | Path | None = None) -> ScaffoldResult:
    """Write plugin ``name`` into ``folder`` (default ``./corefill-<name>``), which must be
    missing or empty; ScaffoldError (one line) otherwise."""
    kinds = tuple(kinds) or ("generator",)
    files = plugin_files(name, kinds)
    target = Path(folder) if folder is not None else Path(plugin_names(name).dist)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target}: exists and is not a folder; choose another --dir")
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldError(f"{target}: folder exists and is not empty; choose another --dir "
                            "or remove it (new-plugin never overwrites files)")
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return ScaffoldResult(target, tuple(files), needs_generator(kinds))
