"""``corefill validate`` and ``corefill run``."""
from __future__ import annotations

import shlex
import sys

import click

# The recipe schema (pydantic) loads inside the commands: `corefill --help` stays fast.

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
    from ..config import load_recipe

    resolved = load_recipe(recipe, overrides)
    click.echo(f"{recipe}: ok ({resolved.name}: {len(resolved.component_refs())} components)")


@click.command()
@_recipe_arg
@_override
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None,
              help="Where to train (default: the recipe's device).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Run folder (default: the recipe's output_dir).")
@click.option("--resume", is_flag=False, flag_value="yes", default="no", metavar="[auto]",
              callback=lambda ctx, param, value: _resume_value(value),
              help="Continue the run in the run folder. --resume auto: continue it when it "
                   "holds a checkpoint, else start (one command for the first start and "
                   "every restart).")
@click.option("--force", is_flag=True, help="With --resume: accept a changed recipe. Without: start over in a run "
                   "folder that already holds a checkpoint.")
def run(recipe: str, overrides: tuple[str, ...], device: str | None, out_dir: str | None,
        resume: bool | str, force: bool) -> None:
    """Train and evaluate what RECIPE assembles; writes a run folder."""
    from ..config import load_recipe

    resolved = load_recipe(recipe, overrides)
    from ..engine import run as run_engine  # imports torch
    from ..engine.failure import TrainingFailed
    from ..engine.preempt import EXIT_CODE, Preempted

    parts = [recipe] + [part for o in overrides for part in ("-o", o)]
    recipe_args = " ".join(shlex.quote(part) for part in parts)
    try:
        folder = run_engine(resolved, out_dir=out_dir, device=device, resume=resume, force=force)
    except TrainingFailed as failed:  # name this recipe in the evaluate/resume commands
        failed.recipe_args = recipe_args
        raise
    except Preempted as stopped:  # a stop signal: last.pt holds the step it stopped at
        if stopped.main:
            click.echo(stopped.how_to_continue(recipe_args), err=True)
        sys.exit(EXIT_CODE)
    click.echo(f"run folder: {folder}")


def _resume_value(value: str) -> bool | str:
    """--resume: True; --resume auto: "auto"; absent: False."""
    if value in ("yes", "no", "auto"):
        return {"yes": True, "no": False}.get(value, value)
    raise click.BadParameter(f"{value!r}: --resume takes no value or 'auto' (give RECIPE "
                             "before --resume)", param_hint="'--resume'")
