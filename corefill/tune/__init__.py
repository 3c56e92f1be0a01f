"""``corefill tune``: hyper-parameter search over a recipe with Optuna.

Each trial is the recipe with sampled overrides (:mod:`.space`), trained by the engine
into its own run folder; :mod:`.study` holds the Optuna side (SQLite storage, pruning
through the engine's ``on_validation`` hook), :mod:`.summary` the table and plots.
The ``tune`` extra brings Optuna (``pip install corefill[tune]``).

Imports nothing heavy: optuna and torch load when :func:`tune` runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Optional

__all__ = ["tune"]


def tune(recipe: str | Path, *, trials: int, spaces: Iterable[str], overrides: Iterable[str] = (),
         metric: str = "psnr_hole", direction: Optional[str] = None,
         out: Optional[str | Path] = None, resume: bool = False, registries=None,
         say: Callable[[str], None] = print) -> Any:
    """Run ``trials`` trials of ``recipe`` (plus ``overrides``) searching ``spaces``
    (``KEY=DIST`` strings); returns the Optuna study. ``direction``: ``"maximize"`` or
    ``"minimize"``, default from the metric. ``out``: the tune folder (default
    ``runs/tune-<recipe name>``); ``resume`` adds the trials to the study stored there."""
    from ..config import load_recipe
    from ..engine.outputs import write_atomic
    from ..errors import CorefillError, RecipeError
    from ..plugins import resolve_registries
    from . import space as spaces_
    from .study import best_yaml, directions, need_optuna, objective, open_study
    from .summary import print_table, save_plots

    need_optuna()  # before anything else: a missing extra is the first thing said
    if trials < 1:
        raise RecipeError(f"tune: --trials must be at least 1, got {trials}")
    registries, overrides = resolve_registries(registries), list(overrides)
    parsed = spaces_.parse_all(spaces)

    def load(extra: list[str]) -> Any:
        return load_recipe(recipe, [*overrides, *extra], registries)

    base = load([])
    spaces_.check(parsed, load)
    keys = directions(base, registries)
    if metric not in keys:
        raise RecipeError(f"{recipe}: --metric {metric!r} is not a validation value of the "
                          f"recipe; available: {', '.join(sorted(keys))}")
    if direction not in (None, "maximize", "minimize"):
        raise RecipeError(f"tune: --direction must be maximize or minimize, got {direction!r}")
    direction = direction or ("maximize" if keys[metric] else "minimize")
    folder = Path(out) if out is not None else Path("runs") / f"tune-{base.name}"
    settings = {"recipe": str(Path(recipe).resolve()), "overrides": overrides,
                "space": [s.text for s in parsed], "metric": metric, "direction": direction}
    study = open_study(folder, resume=resume, direction=direction, settings=settings)
    run_trial = objective(spaces=parsed, load=load, folder=folder, metric=metric,
                          maximize=direction == "maximize", registries=registries, say=say)
    study.optimize(run_trial, n_trials=trials, catch=(CorefillError,))
    print_table(study, f"{len(study.trials)} trials of {recipe}: {metric} ({direction})")
    best = best_yaml(study, load, str(recipe))
    if best is None:
        say(f"no trial completed; nothing written to {folder / 'best.yaml'}")
    else:
        write_atomic(folder / "best.yaml", best)
        say(f"best: trial {study.best_trial.number}, {metric} {study.best_value:.5g}; "
            f"its recipe: {folder / 'best.yaml'} (corefill run {folder / 'best.yaml'})")
    for note in save_plots(study, folder):
        say(f"note: {note}")
    return study
