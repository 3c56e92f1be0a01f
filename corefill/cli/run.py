"""``corefill validate`` and ``corefill run``."""
from __future__ import annotations

import click

from ..config import load_recipe

_override = click.option(
    "-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE",
    help="Override a recipe field, e.g. -o train.max_epochs=5 (value parsed as YAML).",
)
_recipe_arg = click.argument("recipe", type=click.Path(dir_okay=False))


@click.command()
@_recipe_arg
@_override
def validate(recipe: str, overrides: tuple[str, ...]) -> None:
    """Check RECIPE: every component name and every param, before any tensor exists."""
    resolved = load_recipe(recipe, overrides)
    click.echo(f"{recipe}: ok ({resolved.name}: {len(resolved.component_refs())} components)")


@click.command()
@_recipe_arg
@_override
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None,
              help="Where to train (default: the recipe's device).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Run folder (default: the recipe's output_dir).")
@click.option("--resume", is_flag=True, help="Continue the run in the run folder.")
@click.option("--force", is_flag=True, help="With --resume: accept a changed recipe. Without: start over in a run "
                   "folder that already holds a checkpoint.")
def run(recipe: str, overrides: tuple[str, ...], device: str | None, out_dir: str | None,
        resume: bool, force: bool) -> None:
    """Train and evaluate what RECIPE assembles; writes a run folder."""
    resolved = load_recipe(recipe, overrides)
    from ..engine import run as run_engine  # imports torch

    folder = run_engine(resolved, out_dir=out_dir, device=device, resume=resume, force=force)
    click.echo(f"run folder: {folder}")
