"""Several trained models in one report: paired bootstrap intervals between every pair of
models (the same resampled images for both, as :mod:`.spread` pairs a model with a
baseline) and the verdict naming the best model."""
from __future__ import annotations

from itertools import combinations
from typing import Any, Optional

import numpy as np

from .spread import _interval, _signed


def compare(results: dict[str, dict[str, Any]], models: list[str], directions: dict[str, bool],
            draws: dict[str, dict[str, Optional[np.ndarray]]]) -> dict[str, Any]:
    """``{"pairs": [{"metric", "a", "b", "margin" (a - b), "advantage" (a's lead in the
    good direction), "ci95", "clear"}], "best": {metric: model}, "wins": {model: n},
    "best_model", "sentence"}``. ``draws``: :func:`.spread.all_draws` of ``results`` ({}:
    too few images to resample)."""
    pairs, best, clear_wins = [], {}, {m: 0 for m in models}
    for name, higher in directions.items():
        sign = 1.0 if higher else -1.0
        scores = {m: results[m]["metrics"].get(name) for m in models}
        scores = {m: v for m, v in scores.items() if v is not None and np.isfinite(v)}
        if len(scores) < 2:
            continue
        best[name] = max(scores, key=lambda m: sign * scores[m])
        for a, b in combinations(scores, 2):
            da, db = draws.get(a, {}).get(name), draws.get(b, {}).get(name)
            interval = _interval(sign * (da - db)) if da is not None and db is not None else None
            clear = None if interval is None else bool(interval[0] > 0 or interval[1] < 0)
            pairs.append({"metric": name, "a": a, "b": b, "margin": scores[a] - scores[b],
                          "advantage": sign * (scores[a] - scores[b]), "ci95": interval,
                          "clear": clear})
        leader = best[name]
        against = [p for p in pairs if p["metric"] == name and leader in (p["a"], p["b"])]
        if against and all(p["clear"] for p in against):
            clear_wins[leader] += 1
    wins = {m: sum(1 for v in best.values() if v == m) for m in models}
    best_model = max(models, key=lambda m: (wins[m], clear_wins[m], -models.index(m)))
    sentence = (f"best model: {best_model}, best on {wins[best_model]} of {len(best)} metrics, "
                f"ahead of every other model by a real margin (95% interval excludes 0) on "
                f"{clear_wins[best_model]}")
    return {"pairs": pairs, "best": best, "wins": wins, "clear_wins": clear_wins,
            "best_model": best_model, "sentence": sentence}


def comparison_lines(report: dict[str, Any]) -> list[str]:
    """report.md: the pairwise table and the verdict naming the best model."""
    comparison = report.get("comparison")
    if not comparison:
        return []
    lines = ["", "## Models compared (paired bootstrap over the same images and masks)", "",
             f"**{comparison['sentence'][0].upper() + comparison['sentence'][1:]}.**", "",
             "| metric | model A | model B | A − B | 95% interval | |", "|---|---|---|---|---|---|"]
    for pair in comparison["pairs"]:
        interval = pair["ci95"]
        text = f"{_signed(interval[0])} to {_signed(interval[1])}" if interval else "–"
        word = {True: "real", False: "within noise", None: "no interval"}[pair["clear"]]
        lines.append(f"| {pair['metric']} | {pair['a']} | {pair['b']} | {_signed(pair['margin'])} "
                     f"| {text} | {word} |")
    return lines


def cost_lines(report: dict[str, Any]) -> list[str]:
    rows = [(k, e["cost"]) for k, e in report["models"].items() if e.get("cost")]
    if not rows:
        return []
    device = rows[0][1]["device"]
    lines = ["", f"## Cost on {device} (median of 3 runs after a warm-up)", "",
             "| model | ms/image, batch 1 | ms/image, batch | batch | peak memory MiB |",
             "|---|---|---|---|---|"]
    for key, cost in rows:
        lines.append(f"| {key} | {cost['ms_per_image_batch1']:.4g} | {cost['ms_per_image_batch']:.4g} "
                     f"| {cost['batch_size']} | {cost['peak_memory_mib']:.4g} |")
    lines.append(f"\nPeak memory: {rows[0][1]['memory_kind']}.")
    return lines
