"""``corefill new-plugin``: write a ready plugin package (see corefill.scaffold)."""
from __future__ import annotations

import click

from ..scaffold.layout import CHOICES  # the registry's kinds and train-step; no torch


@click.command("new-plugin")
@click.argument("name")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CHOICES), default=("generator",),
              show_default=True, help="Component kind to include (repeat for several); train-step: a critic "
                   "whose own training step replaces the engine's.")
@click.option("--dir", "folder", type=click.Path(), default=None,
              help="Folder to write (must be missing or empty); default: ./corefill-NAME.")
def new_plugin(name: str, kinds: tuple[str, ...], folder: str | None) -> None:
    """Write plugin package corefill-NAME: pyproject with the entry point, one module per
    kind with its Params, a conformance test per component, a README and a sample recipe
    that runs as written once the package is installed (pip install -e)."""
    from ..scaffold import write_plugin

    result = write_plugin(name, kinds, folder)
    click.echo(f"wrote {result.folder}/ ({len(result.files)} files)")
    if result.added_generator:
        click.echo("note: added a generator: the sample recipe trains one, and corefill ships "
                   "only parameter-free baselines")
    click.echo(f"next:\n  pip install -e {result.folder}\n  cd {result.folder}\n  pytest\n"
               f"  corefill run recipes/{name}.yaml")
