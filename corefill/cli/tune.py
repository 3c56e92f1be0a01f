"""``corefill tune``: hyper-parameter search with Optuna (optuna and torch load lazily)."""
from __future__ import annotations

import click


@click.command()
@click.argument("recipe", type=click.Path(dir_okay=False))
@click.option("--trials", type=click.IntRange(min=1), required=True,
              help="Trials to run now (with --resume: added to the stored study).")
@click.option("--space", "spaces", multiple=True, required=True, metavar="KEY=DIST",
              help="A recipe field and its distribution: loguniform(a,b), uniform(a,b), "
                   "int(a,b[,log]), choice(a,b,...); repeat for each field.")
@click.option("-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a recipe field in every trial (value parsed as YAML).")
@click.option("--metric", default="psnr_hole", show_default=True,
              help="Validation value to optimise (a recipe metric, or loss).")
@click.option("--direction", type=click.Choice(["maximize", "minimize"]), default=None,
              help="Default: the metric's own (maximize psnr/ssim, minimize loss/fid).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Tune folder: study.db, trial-NNNN/ run folders, best.yaml, plots "
                   "(default: runs/tune-<recipe name>).")
@click.option("--resume", is_flag=True, help="Add the trials to the study in --out.")
def tune(recipe: str, trials: int, spaces: tuple[str, ...], overrides: tuple[str, ...],
         metric: str, direction: str | None, out_dir: str | None, resume: bool) -> None:
    """Search RECIPE's hyper-parameters with Optuna; each trial is an ordinary run folder.

    \b
    Example:
      corefill tune recipes/knee.yaml --trials 20 \\
        --space 'train.generator_optimizer.lr=loguniform(1e-5,1e-3)' \\
        --space 'generator.params.base_channels=choice(16,32,64)'
    Trials whose validation metric trails the median of earlier trials at the same epoch
    are pruned. The end prints a table of trials and writes best.yaml (the best trial's
    resolved recipe: `corefill run best.yaml`), history.png and importance.png.
    """
    from ..tune import tune as run_tune

    run_tune(recipe, trials=trials, spaces=spaces, overrides=overrides, metric=metric,
             direction=direction, out=out_dir, resume=resume, say=click.echo)
