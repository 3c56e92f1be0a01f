"""The ``corefill`` command line (Click).

Only ``run``, ``evaluate`` and ``inpaint`` import torch, and only when they execute:
``--help``, ``plugins``, ``components`` and ``validate`` stay fast.
"""
from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import CorefillError
from .inspect import components, plugins
from .masks import masks
from .new_plugin import new_plugin
from .export import export
from .evaluate import evaluate
from .run import run, validate
from .serve import serve
from .tune import tune


def _version_text() -> str:
    from ..plugins import plugin_infos

    lines = [f"corefill {__version__}"]
    for info in plugin_infos():
        lines.append(f"  {info.name}: {info.distribution} {info.version} ({info.status})")
    return "\n".join(lines)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="Show corefill and plugin versions.")
def cli() -> None:
    """corefill: plugin-based image inpainting. Recipes in, trained inpainters out."""


cli.add_command(run)
cli.add_command(evaluate)
cli.add_command(validate)
cli.add_command(components)
cli.add_command(plugins)
cli.add_command(new_plugin)
cli.add_command(serve)
cli.add_command(export)
cli.add_command(tune)
cli.add_command(masks)


def _add_optional_commands() -> None:
    try:
        from .inpaint import inpaint
    except ImportError:  # the command lands with the knee plugin's work
        return
    cli.add_command(inpaint)


_add_optional_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="corefill", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CorefillError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
