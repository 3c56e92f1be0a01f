"""The reference pages the site generates at build time (docs/hooks/reference.py) name every
CLI command with its options, every installed component with its params, and every field of
the recipe schema."""
from __future__ import annotations

import importlib.util

import click
import pytest

from doc_commands import REPO


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("docs_reference", REPO / "docs/hooks/reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pages()


def _commands(group: click.Group, prefix: str):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_and_option(pages):
    from corefill.cli import cli

    page = pages["reference/cli.md"]
    commands = list(_commands(cli, "corefill"))
    assert {"corefill run", "corefill inpaint", "corefill serve"} <= {path for path, _ in commands}
    for path, command in commands:
        section = page.split(f"## `{path}`\n", 1)
        assert len(section) == 2, f"reference/cli.md has no section for {path}"
        body = section[1].split("\n## ", 1)[0]
        for param in command.params:
            shown = param.human_readable_name if isinstance(param, click.Argument) else param.opts[-1]
            assert f"`{shown}`" in body, f"{path}: {shown} missing"


def test_every_installed_component(pages):
    from corefill.plugins import registries

    page = pages["reference/components.md"]
    kinds = page.split("\n## ")[1:]
    by_kind = {section.split("\n", 1)[0]: section for section in kinds}
    count = 0
    for registry in registries():
        section = by_kind[registry.kind]
        for spec in registry.specs():
            count += 1
            heading = f"### `{spec.name}`"
            assert heading in section, f"{registry.kind} {spec.name} missing"
            body = section.split(heading, 1)[1].split("\n### ", 1)[0]
            for field in spec.params_class().model_fields:
                assert f"| `{field}` |" in body, f"{spec.name}: param {field} missing"
    assert count > 40  # the core's and the first-party plugins' components


def test_every_recipe_field(pages):
    from corefill.recipe import Recipe, TrainSettings

    page = pages["reference/recipe.md"]
    for name in Recipe.model_fields:
        assert f"| `{name}` |" in page
    for name in TrainSettings.model_fields:
        assert f"| `train.{name}` |" in page
