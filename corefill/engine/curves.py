"""loss_curves.png: the generator's losses, the discriminator's, and the validation scores,
each on its own panel and scale (the sources plot G and D apart: a summed L1 of ~1e4
would flatten a discriminator curve of ~1 on a shared axis).

A panel whose positive values span more than :data:`DECADES` decades uses a log scale.
Train records are plotted by step, validation records by epoch (counted from 1). The
baselines' validation scores (``val-baseline`` records) are dashed flat lines on each
validation panel: the learning curve against the classical fills.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

DECADES = 1.5  # max/min above 10**1.5 (~32x): the small end would be a flat line
# Loss names a discriminator's (or critic's) step reports; everything else is the generator's.
_DISCRIMINATOR_PREFIXES = ("d_", "disc", "critic", "gradient_penalty", "w_distance")


def is_discriminator_loss(name: str) -> bool:
    return name.startswith(_DISCRIMINATOR_PREFIXES)


def wants_log_scale(values: list[float]) -> bool:
    finite = [v for v in values if math.isfinite(v)]
    if not finite or min(finite) <= 0:
        return False
    return math.log10(max(finite) / min(finite)) > DECADES


def panels(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What to draw: ``[{"title", "x", "series": {label: [(x, y)]}, "log"}]``."""
    train = [r for r in records if r.get("type") == "train"]
    val = [r for r in records if r.get("type") == "val"]
    keys = sorted({k for r in train for k in r if k.startswith("loss/")})
    out = []
    theirs = {"generator losses": [k for k in keys if not is_discriminator_loss(k[5:])],
              "discriminator losses": [k for k in keys if is_discriminator_loss(k[5:])]}
    for title, chosen in theirs.items():
        series = {k[5:]: [(r["step"], r[k]) for r in train if k in r] for k in chosen}
        if title == "generator losses" and any("loss" in r for r in val):
            series["validation loss"] = [(r["step"], r["loss"]) for r in val if "loss" in r]
        if series:
            out.append({"title": title, "x": "step", "series": series,
                        "log": wants_log_scale([y for s in series.values() for _, y in s])})
    scores = list(dict.fromkeys(  # the recipe's order, as logged
        k for r in val for k, v in r.items()
        if k not in ("type", "step", "epoch", "loss", "partial")
        and isinstance(v, (int, float)) and not isinstance(v, bool)))
    baselines = {r["model"]: r for r in records if r.get("type") == "val-baseline"}
    for key in scores:
        points = [(r["epoch"], r[key]) for r in val if key in r]
        levels = {name: r[key] for name, r in baselines.items()
                  if isinstance(r.get(key), (int, float))}
        out.append({"title": f"validation {key}", "x": "epoch", "series": {key: points},
                    "levels": levels, "log": False})
    return out


def plot(records: list[dict[str, Any]], path: Path) -> Path:
    """Draw :func:`panels` into ``path`` (atomically); at most three panels a row."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    drawn = panels(records)
    columns = max(1, min(3, len(drawn)))
    rows = max(1, -(-len(drawn) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.2 * rows),
                                squeeze=False)
    for axis, panel in zip(axes.flat, drawn):
        for label, points in panel["series"].items():
            xs, ys = zip(*points)
            style = "o-" if panel["x"] == "epoch" or label == "validation loss" else "-"
            axis.plot(xs, ys, style, label=label, markersize=4)
        for index, (label, level) in enumerate(panel.get("levels", {}).items()):
            axis.axhline(level, linestyle="--", linewidth=1, color=f"C{index + 1}", label=label)
        if panel["log"]:
            axis.set_yscale("log")
        axis.set_title(panel["title"] + (" (log scale)" if panel["log"] else ""), fontsize=10)
        axis.set_xlabel(panel["x"])
        xs = sorted({x for points in panel["series"].values() for x, _ in points})
        if len(xs) <= 12:  # few points (one epoch, two logging steps): tick each of them
            axis.set_xticks(xs)
        else:
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps, epochs are whole
        axis.grid(alpha=0.3)
        if len(panel["series"]) + len(panel.get("levels", {})) > 1:
            axis.legend(fontsize="small")
    for axis in list(axes.flat)[len(drawn):]:
        axis.axis("off")
    if not drawn:
        axes.flat[0].text(0.5, 0.5, "nothing logged yet", ha="center", va="center")
    figure.tight_layout()
    temp = path.with_name(f".{path.stem}.tmp.png")
    figure.savefig(temp, dpi=100)
    plt.close(figure)
    os.replace(temp, path)
    return path
