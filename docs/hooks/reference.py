"""The reference pages, generated from the code each time the site is built, so they
cannot drift from it:

- ``reference/cli.md``: every command of the ``corefill`` Click group with its options;
- ``reference/components.md``: every installed component (the registries, with every
  plugin loaded) with its Params: types, ranges, defaults and descriptions;
- ``reference/recipe.md``: every field of the pydantic recipe schema.

mkdocs runs :func:`on_files` (``hooks:`` in mkdocs.yml); :func:`pages` gives the same
text to anything else (tests/docs/test_reference.py).
"""
from __future__ import annotations

import inspect
import re
import typing

import click
from pydantic import BaseModel

INTRO = ("This page is generated from the code when the site is built; "
         "it shows what the installed version does.")


def _prose(text: str) -> str:
    """Docstring text as markdown: ``<name>`` outside code spans is text, not an HTML tag."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(p if i % 2 else p.replace("<", "&lt;") for i, p in enumerate(parts))


def _cell(text: object) -> str:
    """One table cell: a single line with the table's bar escaped."""
    return _prose(" ".join(str(text).split())).replace("|", "\\|")


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows] + [""]


def _help_text(text: str | None) -> str:
    """A Click docstring as markdown: up to ``\\f``; a paragraph Click keeps as written
    (after a ``\\b`` line) becomes a text block."""
    paragraphs = inspect.cleandoc(text or "").split("\f")[0].split("\n\n")
    shown = []
    for paragraph in paragraphs:
        if paragraph.startswith("\b\n"):
            shown.append("```text\n" + paragraph[2:] + "\n```")
        else:
            shown.append(_prose(paragraph))
    return "\n\n".join(shown)


# -- the command line -------------------------------------------------------------------

def _commands(group: click.Group, ctx: click.Context, prefix: str):
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, info_name=name, parent=ctx), path)


def _option_rows(command: click.Command, ctx: click.Context) -> list[tuple]:
    rows = []
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument):
            rows.append((f"`{param.human_readable_name}`", "argument",
                         "required" if param.required else "optional", ""))
            continue
        if getattr(param, "hidden", False) or "--help" in param.opts:
            continue
        names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
        kind = "flag" if getattr(param, "is_flag", False) else param.type.name
        if isinstance(param.type, (click.IntRange, click.FloatRange)):
            low, high = param.type.min, param.type.max
            kind = kind.replace(" range", "") + f" in [{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        if isinstance(param.type, click.Choice):
            kind = " | ".join(f"`{c}`" for c in param.type.choices)
        if param.multiple:
            kind += " (repeatable)"
        default = param.get_default(ctx, call=False)
        unset = default in (None, (), False) or callable(default) or type(default).__name__ == "Sentinel"
        shown = "required" if param.required else "" if unset else f"`{default}`"
        rows.append((names, kind, shown, getattr(param, "help", "") or ""))
    return rows


def cli_page() -> str:
    from corefill.cli import cli

    root = click.Context(cli, info_name="corefill")
    lines = ["# Command line", "", INTRO, "", _help_text(cli.help), "",
             "Every command answers `--help` (or `-h`) with the text below.", ""]
    for path, command in _commands(cli, root, "corefill"):
        ctx = click.Context(command, info_name=path.split(" ", 1)[1], parent=root)
        lines += [f"## `{path}`", "", "```text", command.get_usage(ctx), "```", "",
                  _help_text(command.help), ""]
        rows = _option_rows(command, ctx)
        if rows:
            lines += _table(("option", "takes", "default", "meaning"), rows)
    return "\n".join(lines)


# -- the components ---------------------------------------------------------------------

def components_page() -> str:
    from corefill.cli.inspect import _default_text, _range_text, _type_text
    from corefill.plugins import plugin_infos, registries

    distributions = {info.name: info.distribution for info in plugin_infos()}
    lines = ["# Components", "", INTRO,
             "`corefill components KIND -v` prints the same for the components installed where it "
             "runs. A recipe names a component by its name, or by `plugin:name` where two "
             "plugins register the same name.", ""]
    for registry in registries():
        lines += [f"## {registry.kind}", ""]
        for spec in registry.specs():
            where = distributions.get(spec.plugin, spec.plugin) or "corefill"
            lines += [f"### `{spec.name}`", "", f"*{spec.kind}, from `{where}`*", ""]
            try:
                params = spec.params_class()
            except Exception as exc:  # a broken plugin must not stop the site
                lines += [f"(params unavailable: {type(exc).__name__}: {exc})", ""]
                continue
            help_text = params.help() if hasattr(params, "help") else params.__doc__ or ""
            lines += [inspect.cleandoc(help_text), ""]
            rows = [(f"`{name}`", _type_text(field.annotation) + _range_text(field),
                     f"`{_default_text(field)}`", field.description or "")
                    for name, field in params.model_fields.items()]
            if rows:
                lines += _table(("param", "type", "default", "meaning"), rows)
    return "\n".join(lines)


# -- the recipe schema ------------------------------------------------------------------

def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _list_of(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    return any(_list_of(a) for a in typing.get_args(annotation)) if origin else False


def _fields(model: type[BaseModel], prefix: str):
    from corefill.cli.inspect import _default_text, _range_text, _type_text

    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _models_in(field.annotation)
        kind = _type_text(field.annotation) + _range_text(field)
        if not nested:
            default = "required" if field.is_required() else f"`{_default_text(field)}`"
        elif field.is_required() or field.default is None:
            default = "required" if field.is_required() else "`None`"
        else:
            default = "its fields' defaults"
        about = field.description or (inspect.cleandoc(nested[0].__doc__ or "") if nested else "")
        yield f"`{path}`", kind, default, about
        for sub in nested:
            yield from _fields(sub, f"{path}[]." if _list_of(field.annotation) else f"{path}.")


def recipe_page() -> str:
    from corefill.recipe import Recipe

    lines = ["# Recipe schema", "", INTRO, "",
             "A recipe is YAML. A component is written `{name: ..., params: {...}}` or just its "
             "name; its params are those of the [component](components.md). `base: other.yaml` "
             "(a path relative to the recipe) reads that recipe first and merges this one's keys "
             "over it. A `[]` in a path stands for each item of a list.", ""]
    lines += _table(("field", "type", "default", "meaning"), list(_fields(Recipe, "")))
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Path under docs/ -> generated markdown."""
    return {"reference/cli.md": cli_page(), "reference/components.md": components_page(),
            "reference/recipe.md": recipe_page()}


def on_files(files, config):
    """mkdocs hook: add the generated pages, and CHANGELOG.md as changelog.md, to the site."""
    from pathlib import Path

    from mkdocs.structure.files import File

    changelog = Path(config["config_file_path"]).parent / "CHANGELOG.md"
    generated = {**pages(), "changelog.md": changelog.read_text(encoding="utf-8")}
    for path, text in generated.items():
        files.append(File.generated(config, path, content=text))
    return files
