"""report.json (for machines) and report.md (the same table for people).

report.json::

    {"recipe": name, "recipe_hash": ..., "split": "test", "images": N,
     "checkpoint": "best" | "last",
     "training": {"steps", "epochs", "seconds", "train_images_per_s", "planned_epochs",
                  "planned_steps", "stopped_early" (ended before planned_epochs),
                  "stopped_by": null | "early_stopping" | "max_steps" | "max_minutes",
                  and when a limit stopped it: "limit", "note", "how_to_lift"},
     "metrics": [{"name", "higher_is_better"}],
     "mask_area_bins": ["0-10%", ...],
     "models": {"trained": {"component", "role", "metrics": {name: value},
                            "by_mask_area": {"0-10%": {"count": n, name: value}}},
                "<baseline name>": {...}}}
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .outputs import write_atomic


def write_report(folder: Path, report: dict[str, Any]) -> tuple[Path, Path]:
    json_path, md_path = folder / "report.json", folder / "report.md"
    write_atomic(json_path, json.dumps(report, indent=2) + "\n")
    write_atomic(md_path, render_markdown(report))
    return json_path, md_path


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "–" if value is None else str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    names = [m["name"] for m in report["metrics"]]
    arrows = {m["name"]: "↑" if m["higher_is_better"] else "↓" for m in report["metrics"]}
    lines = [f"# {report['recipe']}: test results", ""]
    training = report.get("training", {})
    if training.get("note"):  # a limit cut training short: first thing a reader sees
        lines += [f"**Training was cut short:** {training['note']}, so these are not the "
                  f"full recipe's scores. To train fully: {training['how_to_lift']}.", ""]
    lines.append(f"{report['images']} test images; generator weights: "
                 f"{report['checkpoint']} checkpoint; recipe hash {report['recipe_hash']}.")
    if training.get("train_images_per_s") is not None:
        stopped = " (early stopping)" if training.get("stopped_by") == "early_stopping" else ""
        lines.append(f"Training: {training['steps']} steps, {training['epochs']} epochs"
                     f"{stopped}, {training['train_images_per_s']:.1f} images/s.")
    lines.append("")
    header = ["model", "component"] + [f"{n} {arrows[n]}" for n in names]
    rows = [[key, entry["component"]] + [entry["metrics"].get(n) for n in names]
            for key, entry in report["models"].items()]
    lines += _table(header, rows)
    per_sample = [n for n in names if any(
        n in b for e in report["models"].values() for b in e["by_mask_area"].values())]
    if per_sample:
        lines += ["", "## By mask area (hole fraction of the image)", ""]
        header = ["model", "mask area", "images"] + per_sample
        rows = []
        for key, entry in report["models"].items():
            for label, values in entry["by_mask_area"].items():
                rows.append([key, label, values["count"]] + [values.get(n) for n in per_sample])
        lines += _table(header, rows)
    return "\n".join(lines) + "\n"
