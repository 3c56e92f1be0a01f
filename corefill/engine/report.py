"""report.json (for machines) and report.md (the same, for people: the verdict first).

report.json::

    {"recipe": name, "recipe_hash": ..., "split": "test", "images": N,
     "checkpoint": "best" | "last",
     "training": {"steps", "epochs" (whole epochs done), "seconds", "train_images_per_s"
                  (after the warm-up, each process's first logging window, when
                  "warm_up_left_out"; else over all "seconds"),
                  "planned_epochs", "planned_steps", "stopped_early" (ended before
                  planned_epochs), "stopped_by": null | "early_stopping" | "max_steps" |
                  "max_minutes", and when a limit stopped it: "limit", "note", "how_to_lift"},
     "smoke_check": true when N < 50 (the figures are rough; see the intervals),
     "notes": the recipe's ``notes`` (what its author says of these results) or null,
     "verdict": [{"metric", "higher_is_better", "trained", "best_baseline",
                  "best_baseline_value", "margin" (trained - best), "advantage" (the margin
                  in the metric's good direction), "better", "margin_ci95", "clear"
                  (the interval excludes 0; null: no interval), "sentence"}],
     ("In short" in report.md counts as wins only the real margins: better and clear),
     "metrics": [{"name", "higher_is_better"}],
     "mask_area_bins": ["0-10%", ...],
     "models": {"trained": {"component", "role", "metrics": {name: value},
                            "spread": {name: {"ci95": [low, high] | null, "std", "stderr"}},
                            "by_mask_area": {"0-10%": {"count": n, name: value}}},
                "<baseline name>": {...}}}

``ci95`` is a bootstrap interval over test images (see :mod:`.spread`); ``std`` and
``stderr`` exist for per-image metrics only.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Optional

from .outputs import write_atomic
from .progress import significant
from .comparison import comparison_lines, cost_lines
from .metric_cards import card_lines
from .spread import SMOKE_IMAGES


def write_report(folder: Path, report: dict[str, Any]) -> tuple[Path, Path]:
    json_path, md_path = folder / "report.json", folder / "report.md"
    write_atomic(json_path, json.dumps(report, indent=2, default=_json_default) + "\n")
    write_atomic(md_path, render_markdown(report))
    return json_path, md_path


def _json_default(value: Any) -> Any:  # numpy scalars from the spread
    return value.item() if hasattr(value, "item") else str(value)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.4g}"
    return "–" if value is None else str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _best(report: dict[str, Any], name: str, higher: bool) -> Optional[float]:
    values = [e["metrics"][name] for e in report["models"].values()
              if isinstance(e["metrics"].get(name), float) and not math.isnan(e["metrics"][name])]
    if not values:
        return None
    return max(values) if higher else min(values)


def training_line(training: dict[str, Any]) -> Optional[str]:
    """What ran, in epochs counted from 1 like the console: "epoch 1 of 14 (30 of its 347
    steps)" for a run cut short, "14 epochs" for a whole one."""
    if training.get("train_images_per_s") is None:
        return None
    steps, epochs, planned = training["steps"], training["epochs"], training["planned_epochs"]
    per_epoch = training["planned_steps"] // planned if planned else 0
    cut = training.get("stopped_by") not in (None, "early_stopping")
    if per_epoch and steps % per_epoch and cut:  # a limit stopped it part-way through an epoch
        done = steps - epochs * per_epoch
        ran = f"epoch {epochs + 1} of {planned} ({done} of its {per_epoch} steps)"
    else:
        stopped = " (early stopping)" if training.get("stopped_by") == "early_stopping" else ""
        ran = f"{epochs} epochs{stopped}" + (f" of {planned} planned" if epochs < planned else "")
    rate = significant(training["train_images_per_s"])
    return f"Training: {steps} steps, {ran}, {rate} images/s."


def _verdict_lines(report: dict[str, Any]) -> list[str]:
    verdict = report.get("verdict") or []
    if not verdict:
        return []
    lines = ["## Verdict", ""]
    if report.get("smoke_check"):
        lines += [f"**Smoke check:** {report['images']} test images (fewer than "
                  f"{SMOKE_IMAGES}), so these figures are rough; read each margin with its "
                  "95% interval.", ""]
    for entry in verdict:
        better = "higher" if entry["higher_is_better"] else "lower"
        lines.append(f"- **{entry['metric']}** ({better} is better): {entry['sentence']}.")
    lines += ["", in_short(verdict), ""]
    if report.get("notes"):
        lines += [f"**From the recipe:** {report['notes']}", ""]
    return lines


def in_short(verdict: list[dict[str, Any]]) -> str:
    """The verdict in one sentence: only a lead whose 95% interval excludes 0 counts as a
    win; margins within noise, and margins without an interval, are said as such."""
    count = len(verdict)
    wins = sum(1 for e in verdict if e["better"] and e.get("clear"))
    behind = sum(1 for e in verdict if not e["better"] and e.get("clear"))
    noise = sum(1 for e in verdict if e.get("clear") is False)
    untold = [e for e in verdict if e.get("clear") is None]
    parts = [f"In short: the trained model beats the best baseline by a real margin on "
             f"{wins} of {count} metric{'s' if count != 1 else ''}"]
    if noise:
        parts.append(f"{_margins(noise)} within noise")
    if behind:
        parts.append(f"it is behind by a real margin on {behind}")
    if untold:
        leads = sum(1 for e in untold if e["better"])
        parts.append(f"{_margins(len(untold), 'has', 'have')} no interval to judge by "
                     f"(ahead on {leads} of them)")
    return "; ".join(parts) + "."


def _margins(count: int, one: str = "is", many: str = "are") -> str:
    return f"1 margin {one}" if count == 1 else f"{count} margins {many}"


def _score_cell(entry: dict[str, Any], name: str, best: Optional[float]) -> str:
    value = entry["metrics"].get(name)
    text = _number(value)
    if value is not None and best is not None and value == best:
        text = f"**{text}**"
    interval = (entry.get("spread") or {}).get(name, {}).get("ci95")
    if interval:
        text += f" [{interval[0]:.4g}, {interval[1]:.4g}]"
    return text


def _mask_area_lines(report: dict[str, Any], names: list[str]) -> list[str]:
    """The per-area table, left out when it says nothing: a single bin (every mask the
    same size, or a translation task whose 'hole' is the whole image)."""
    per_sample = [n for n in names if any(
        n in b for e in report["models"].values() for b in e["by_mask_area"].values())]
    bins = {label for e in report["models"].values() for label in e["by_mask_area"]}
    if not per_sample or len(bins) < 2:
        return []
    lines = ["", "## By mask area (hole fraction of the image)", ""]
    rows = []
    for key, entry in report["models"].items():
        for label, values in entry["by_mask_area"].items():
            rows.append([key, label, str(values["count"])] +
                        [_number(values.get(n)) for n in per_sample])
    return lines + _table(["model", "mask area", "images"] + per_sample, rows)


def render_markdown(report: dict[str, Any]) -> str:
    names = [m["name"] for m in report["metrics"]]
    higher = {m["name"]: m["higher_is_better"] for m in report["metrics"]}
    lines = [f"# {report['recipe']}: test results", ""]
    training = report.get("training", {})
    if training.get("note"):  # a limit cut training short: first thing a reader sees
        lines += [f"**Training was cut short:** {training['note']}, so these are not the "
                  f"full recipe's scores. To train fully: {training['how_to_lift']}.", ""]
    lines += _verdict_lines(report)
    lines.append(f"{report['images']} test images; generator weights: "
                 f"{report['checkpoint']} checkpoint; recipe hash {report['recipe_hash']}.")
    if training_line(training):
        lines.append(training_line(training))
    lines += ["", "## Scores", ""]
    header = ["model", "component"] + [f"{n} {'↑' if higher[n] else '↓'}" for n in names]
    best = {n: _best(report, n, higher[n]) for n in names}
    rows = [[key, entry["component"]] + [_score_cell(entry, n, best[n]) for n in names]
            for key, entry in report["models"].items()]
    lines += _table(header, rows)
    if any((e.get("spread") or {}).get(n, {}).get("ci95")
           for e in report["models"].values() for n in names):
        lines += ["", "Bold: the best in its column. [low, high]: 95% bootstrap interval "
                      "over the test images."]
    lines += card_lines(report)
    lines += comparison_lines(report)
    lines += _mask_area_lines(report, names)
    lines += cost_lines(report)
    if report.get("samples"):
        samples = report["samples"]
        lines += ["", "## Samples", "", f"![samples]({samples['file']})", "",
                  f"Items picked by {samples['picked_by']}; one row per model."]
    return "\n".join(lines) + "\n"
