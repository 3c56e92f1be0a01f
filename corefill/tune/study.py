"""The Optuna study behind ``corefill tune``: one ordinary run folder per trial.

Layout of the tune folder::

    study.db            Optuna's SQLite storage (``--resume`` adds trials to it)
    trial-0000/ ...     each trial's run folder, as `corefill run` writes it
    best.yaml           the best trial's resolved recipe (`corefill run best.yaml`)
    history.png, importance.png   Optuna's plots (matplotlib)

A trial's value is the best validation value of the metric over its run (the value its
best.pt was kept for when the recipe's ``best_metric`` is that metric). After each
validation the engine's ``on_validation`` hook reports the value to Optuna, whose median
pruner may stop the trial (after three complete trials, never at the first validation).
A trial left running by a killed search is marked failed on ``--resume`` and its
parameters are tried again first.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import CorefillError, RecipeError
from .space import Space, override

STUDY = "corefill-tune"
EXTRA_HINT = "pip install corefill[tune]"


def need_optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise CorefillError(f"corefill tune needs optuna: {EXTRA_HINT}") from None
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # failures: our one line
    return optuna


def open_study(folder: Path, *, resume: bool, direction: str, settings: dict[str, Any]):
    """The study in ``folder`` (new, or the stored one with ``resume``); a resumed study
    must search the same recipe, space and metric."""
    optuna = need_optuna()
    database = folder / "study.db"
    if database.exists() and not resume:
        raise RecipeError(f"{folder}: already holds a study; --resume adds trials to it, "
                          "or choose another --out")
    if resume and not database.exists():
        raise RecipeError(f"{database}: no study to resume")
    folder.mkdir(parents=True, exist_ok=True)
    # Epochs count from 1: warm-up 2 never prunes at the first validation.
    pruner = optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2)
    study = optuna.create_study(storage=f"sqlite:///{database}", study_name=STUDY,
                                direction=direction, pruner=pruner, load_if_exists=resume)
    stored = study.user_attrs.get("settings")
    if stored is None:
        study.set_user_attr("settings", settings)
    elif stored != settings:
        changed = sorted(k for k in settings if stored.get(k) != settings[k])
        raise RecipeError(f"{database}: the study searched another {', '.join(changed)}; "
                          "resume with the same recipe, overrides, --space and --metric")
    _retry_interrupted(study)
    return study


def _retry_interrupted(study: Any) -> None:
    """Trials still RUNNING were cut off by a killed search: fail them, retry their values."""
    from optuna.trial import TrialState

    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
        study.enqueue_trial(trial.params, skip_if_exists=False)


def objective(*, spaces: list[Space], load: Callable[[list[str]], Any], folder: Path,
              metric: str, maximize: bool, registries, say: Callable[[str], None]):
    """The Optuna objective: sample, build the recipe, train a run folder, return the value."""
    optuna = need_optuna()
    from ..engine import run
    from ..engine.failure import TrainingFailed

    def run_trial(trial: Any) -> float:
        overrides = [override(s.key, s.sample(trial)) for s in spaces]
        trial.set_user_attr("overrides", overrides)
        recipe = load(overrides)
        out = folder / f"trial-{trial.number:04d}"
        if out.exists():  # a retried interrupted trial never shares a folder, but be safe
            shutil.rmtree(out)
        seen: list[float] = []

        def on_validation(epoch: int, values: dict[str, float]) -> None:
            value = float(values[metric])
            seen.append(value)
            trial.report(value, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned(f"{metric} {value:.4g} at epoch {epoch}")

        say(f"trial {trial.number}: {' '.join(overrides)}")
        try:
            run(recipe, out_dir=out, registries=registries, on_validation=on_validation)
        except TrainingFailed as failed:
            if isinstance(failed.__cause__, optuna.TrialPruned):
                (out / "error.log").unlink(missing_ok=True)  # pruned is no error
                say(f"trial {trial.number} pruned: {failed.__cause__}")
                raise failed.__cause__ from None
            say(f"trial {trial.number} failed: {failed.reason}")
            raise
        except CorefillError as error:  # kept by the study as a failed trial
            say(f"trial {trial.number} failed: {error}")
            raise
        finite = [v for v in seen if math.isfinite(v)]
        if not finite:
            raise RecipeError(f"{out}: no finite validation {metric}")
        return max(finite) if maximize else min(finite)

    return run_trial


def directions(recipe: Any, registries) -> dict[str, bool]:
    """Validation keys of ``recipe`` -> higher is better (metric names and ``loss``)."""
    from ..engine import build

    factory = build.metrics_factory(recipe, build.context(registries))
    return build.validation_keys(build.metric_directions(factory), has_loss=True)


def best_yaml(study: Any, load: Callable[[list[str]], Any], source: str) -> Optional[str]:
    """The best complete trial's resolved recipe as YAML, with a header saying where it
    came from; None when no trial completed."""
    from optuna.trial import TrialState

    from ..config import recipe_to_yaml

    if not any(t.state == TrialState.COMPLETE for t in study.get_trials(deepcopy=False)):
        return None
    best = study.best_trial
    overrides = best.user_attrs.get("overrides", [])
    header = [f"# Best of {len(study.trials)} trials of `corefill tune {source}`: trial "
              f"{best.number}, value {best.value:.6g}", "# with " + " ".join(overrides)]
    return "\n".join(header) + "\n" + recipe_to_yaml(load(overrides))
