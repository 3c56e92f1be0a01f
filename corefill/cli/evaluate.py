"""``corefill evaluate``: the recipe's baselines and any number of trained models, scored
on the same test images and masks, in one report."""
from __future__ import annotations

from pathlib import Path

import click

_override = click.option(
    "-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE",
    help="Override a recipe field, e.g. -o masker.name=lama-thick (value parsed as YAML).",
)


def checkpoint_file(path: str) -> Path:
    """A checkpoint file, or a run folder's best.pt (else last.pt)."""
    given = Path(path)
    if given.is_file():
        return given
    for name in ("best.pt", "last.pt"):
        if (given / "checkpoints" / name).is_file():
            return given / "checkpoints" / name
    raise click.BadParameter(f"{given} is neither a checkpoint nor a run folder with "
                             "checkpoints/best.pt or checkpoints/last.pt", param_hint="--checkpoint")


def model_keys(paths: list[Path]) -> list[str]:
    """Report names: the run folder's name and the checkpoint's ("knee-final/last"),
    made unique; a single model keeps the name "trained"."""
    if len(paths) == 1:
        return ["trained"]
    keys = []
    for path in paths:
        key = (f"{path.parent.parent.name}/{path.stem}" if path.parent.name == "checkpoints"
               else path.stem)
        while key in keys:
            key += "'"
        keys.append(key)
    return keys


@click.command()
@click.argument("recipe", type=click.Path(dir_okay=False))
@_override
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(exists=True),
              help="A trained checkpoint or run folder to score beside the baselines; repeat it "
                   "to compare several models (default: baselines only).")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder for report.json, report.md and samples.png.")
def evaluate(recipe: str, overrides: tuple[str, ...], checkpoints: tuple[str, ...], device: str,
             out_dir: str) -> None:
    """Score the recipe's baselines (and checkpoints) on its test split."""
    from ..config import load_recipe

    resolved = load_recipe(recipe, overrides)
    files = [checkpoint_file(path) for path in checkpoints]
    from ..engine import load_generator  # imports torch
    from ..engine.evaluation import evaluate as evaluate_engine

    generators = []
    for key, path in zip(model_keys(files), files):
        module, trained_with = load_generator(path, device=device)
        generators.append((key, module, trained_with.generator.name, trained_with.generator.blend))
    label = ", ".join(str(f) for f in files) or "none"
    report = evaluate_engine(resolved, None, folder=out_dir, device=device,
                             checkpoint_label=label, generators=generators)
    for name, model in report["models"].items():
        scores = ", ".join(f"{k} {v:.4g}" for k, v in model["metrics"].items())
        click.echo(f"{name}: {scores}")
    if report.get("comparison"):
        click.echo(report["comparison"]["sentence"])
    for entry in report["verdict"]:
        click.echo(f"verdict: {entry['sentence']}")
    click.echo(f"report: {out_dir}/report.md")
