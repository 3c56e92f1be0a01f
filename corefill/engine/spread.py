"""How far to trust a test score: per-image spread, bootstrap intervals, and the verdict
(the trained model against the best baseline, per metric).

The bootstrap resamples test images with replacement, the same draws for every model, so
a margin's interval is paired: it says whether the trained model's lead (or lag) on these
images would survive another sample of images like them. Uses numpy's own generator with
a fixed seed: it never moves torch's RNG and gives the same intervals for the same scores.
"""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

SMOKE_IMAGES = 50  # fewer test images than this: the figures are a smoke check
DRAWS = 1000  # bootstrap draws for per-image metrics (a vectorised mean: cheap)
DATASET_DRAWS = 100  # draws for a dataset-level metric (FID: one distance per draw)
DATASET_MAX_IMAGES = 500  # above this a dataset-level bootstrap costs too much; skipped
_MAX_CELLS = 20_000_000  # draws x images for per-image metrics, to bound memory


def bootstrap_indices(count: int, draws: int, seed: int = 0) -> np.ndarray:
    """(draws, count) image indices drawn with replacement."""
    return np.random.default_rng(seed).integers(0, count, size=(draws, count))


def _per_image_draws(values: np.ndarray, indices: np.ndarray) -> np.ndarray:
    if not np.isnan(values).any():
        return values[indices].mean(axis=1)
    with warnings.catch_warnings():  # a draw of only hole-less items is NaN, dropped later
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values[indices], axis=1)


def metric_draws(result: dict[str, Any], name: str,
                 indices: np.ndarray) -> Optional[np.ndarray]:
    """The metric recomputed on each resample of images (None: it cannot be)."""
    if name in result.get("per_sample", {}):
        values = result["per_sample"][name].double().numpy()
        return _per_image_draws(values, indices)
    metric = result.get("dataset_metrics", {}).get(name)
    subset = getattr(metric, "compute_subset", None)
    if subset is None or indices.shape[1] > DATASET_MAX_IMAGES:
        return None
    return np.array([subset(row) for row in indices[:DATASET_DRAWS]])


def _interval(draws: Optional[np.ndarray]) -> Optional[list[float]]:
    if draws is None:
        return None
    draws = draws[np.isfinite(draws)]
    if len(draws) < 10:
        return None
    low, high = np.percentile(draws, [2.5, 97.5])
    return [float(low), float(high)]


def model_spread(result: dict[str, Any], names: list[str], indices: np.ndarray,
                 draws: Optional[dict[str, Optional[np.ndarray]]] = None) -> dict[str, dict[str, Any]]:
    """Per metric: ``ci95`` (bootstrap interval of the score) and, for per-image metrics,
    ``std`` (across images) and ``stderr`` (of the mean). ``draws``: the metrics' draws
    over ``indices``, when already computed."""
    if draws is None:
        draws = {name: metric_draws(result, name, indices) for name in names}
    spread: dict[str, dict[str, Any]] = {}
    for name in names:
        entry: dict[str, Any] = {"ci95": _interval(draws[name])}
        if name in result.get("per_sample", {}):
            values = result["per_sample"][name].double().numpy()
            values = values[np.isfinite(values)]
            std = float(values.std(ddof=1)) if len(values) > 1 else None
            entry.update(std=std, stderr=None if std is None else std / np.sqrt(len(values)))
        spread[name] = entry
    return spread


def _unit(name: str) -> str:
    return " dB" if "psnr" in name else ""


def _signed(value: float) -> str:
    return f"{value:+.3g}".replace("-", "−")


def metric_verdict(name: str, higher_is_better: bool, scores: dict[str, float],
                   trained_draws: Optional[np.ndarray],
                   baseline_draws: dict[str, Optional[np.ndarray]]) -> dict[str, Any]:
    """The trained model against the best baseline on one metric. ``advantage`` is the
    margin in the metric's good direction (positive: the trained model is better)."""
    sign = 1.0 if higher_is_better else -1.0
    baselines = {k: v for k, v in scores.items() if k != "trained"}
    best = max(baselines, key=lambda k: sign * baselines[k])
    trained, best_value = scores["trained"], baselines[best]
    advantage = sign * (trained - best_value)
    interval = None
    if trained_draws is not None and baseline_draws.get(best) is not None:
        interval = _interval(sign * (trained_draws - baseline_draws[best]))
    clear = interval is not None and (interval[0] > 0 or interval[1] < 0)
    if advantage > 0:
        standing = "beats every baseline" if len(baselines) > 1 else f"beats {best}"
        sentence = f"the trained model {standing} on {name} by {_signed(advantage)}{_unit(name)}"
    elif advantage < 0:
        sentence = (f"the trained model is behind {best} on {name} by "
                    f"{_signed(advantage)}{_unit(name)}")
    else:
        sentence = f"the trained model is level with {best} on {name}"
    sentence += f" ({trained:.4g} vs {best_value:.4g}"
    if interval is not None:
        verdict = "a real margin" if clear else "within noise"
        sentence += (f"; 95% interval of the margin {_signed(interval[0])} to "
                     f"{_signed(interval[1])}: {verdict}")
    sentence += ")"
    return {"metric": name, "higher_is_better": higher_is_better, "trained": trained,
            "best_baseline": best, "best_baseline_value": best_value,
            "margin": trained - best_value, "advantage": advantage,
            "better": advantage > 0, "margin_ci95": interval,
            "clear": clear if interval is not None else None, "sentence": sentence}


def resample_indices(count: int, seed: int = 0) -> Optional[np.ndarray]:
    """The bootstrap's image indices for ``count`` test images (None: too few to resample)."""
    draws = DRAWS if count * DRAWS <= _MAX_CELLS else max(_MAX_CELLS // max(count, 1), 50)
    return bootstrap_indices(count, draws, seed) if count > 1 else None


def all_draws(results: dict[str, dict[str, Any]], names: list[str],
              indices: Optional[np.ndarray]) -> dict[str, dict[str, Optional[np.ndarray]]]:
    """``{model: {metric: draws}}`` over the same resamples ({} without resamples): a
    dataset-level metric's draws cost a distance each, so they are computed once."""
    if indices is None:
        return {}
    return {model: {n: metric_draws(result, n, indices) for n in names}
            for model, result in results.items()}


def verdicts(results: dict[str, dict[str, Any]], directions: dict[str, bool],
             draws: dict[str, dict[str, Optional[np.ndarray]]]) -> list[dict[str, Any]]:
    """The ``"trained"`` model against the best baseline, per metric (empty without a
    trained model or without a baseline)."""
    verdict: list[dict[str, Any]] = []
    if "trained" not in results or len(results) < 2:
        return verdict
    for name in directions:
        scores = {m: r["metrics"][name] for m, r in results.items() if name in r["metrics"]}
        if "trained" not in scores or len(scores) < 2:
            continue
        per_model = {m: draws.get(m, {}).get(name) for m in scores}
        trained_draws = per_model.pop("trained")
        if trained_draws is not None:  # pair only draws over the same resamples
            per_model = {m: d if d is None or len(d) == len(trained_draws) else None
                         for m, d in per_model.items()}
        verdict.append(metric_verdict(name, directions[name], scores, trained_draws, per_model))
    return verdict


def summarise(results: dict[str, dict[str, Any]], directions: dict[str, bool], *,
              count: int, seed: int = 0,
              draws: Optional[dict[str, dict[str, Optional[np.ndarray]]]] = None) -> dict[str, Any]:
    """``{"spread": {model: {metric: ...}}, "verdict": [...], "smoke_check": bool}``;
    the verdict is empty without a trained model or without a baseline. ``draws``:
    :func:`all_draws` of these results over :func:`resample_indices`, when already computed."""
    names = list(directions)
    indices = resample_indices(count, seed)
    if draws is None:
        draws = all_draws(results, names, indices)
    spread = {}
    for model, result in results.items():
        if indices is None:
            spread[model] = {n: {"ci95": None} for n in names}
            continue
        spread[model] = model_spread(result, names, indices, draws[model])
    return {"spread": spread, "verdict": verdicts(results, directions, draws),
            "smoke_check": count < SMOKE_IMAGES}
