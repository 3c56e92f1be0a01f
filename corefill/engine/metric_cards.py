"""A card per metric (``metrics_info`` in report.json, under the table in report.md): the
facts without which two scores do not compare. A metric may describe itself (``info()``:
FID, KID, LPIPS); corefill's own pixel metrics get their card here."""
from __future__ import annotations

from typing import Any

KEYS = ("implementation", "feature_extractor", "weights_sha256", "region", "resize", "value_range")

_RANGES = {
    "psnr": "[0, max_db] dB (identical images: max_db); higher is better",
    "ssim": "[-1, 1]; 1 = identical; higher is better",
    "l1": "[0, 1] on images in [0, 1]; lower is better",
    "l2": "[0, 1] on images in [0, 1]; lower is better",
    "accuracy": "[0, 1] share of images within tolerance; higher is better",
}


def _default(metric: Any) -> dict[str, Any]:
    from .. import __version__

    name = metric.name
    kind = name.split("_")[0]
    region = ("hole pixels" if name.endswith("_hole") else
              "full image" if name.endswith("_full") else "see the metric's documentation")
    return {"implementation": f"corefill {__version__} ({type(metric).__module__}.{type(metric).__name__})",
            "feature_extractor": None, "weights_sha256": None, "region": region,
            "resize": "none (native resolution)",
            "value_range": _RANGES.get(kind, "see `corefill components metric -v`")}


def cards(metrics: list[Any], images: int) -> dict[str, dict[str, Any]]:
    result = {}
    for metric in metrics:
        info = getattr(metric, "info", None)
        card = {**_default(metric), **(info() if callable(info) else {})}
        result[metric.name] = {"images": images, **{k: card.get(k) for k in KEYS},
                               "higher_is_better": bool(metric.higher_is_better)}
    return result


def card_lines(report: dict[str, Any]) -> list[str]:
    """report.md: one short block per metric."""
    info = report.get("metrics_info") or {}
    if not info:
        return []
    lines = ["", "## Metric cards", "",
             "| metric | implementation | features (weights sha256) | images | region | resize | range |",
             "|---|---|---|---|---|---|---|"]
    notes = []
    for name, card in info.items():
        sha = card.get("weights_sha256")
        if isinstance(sha, dict):
            sha = ", ".join(f"{k} {v}" for k, v in sha.items())
        features = (card["feature_extractor"] or "none (pixels)") + (f" ({sha})" if sha else "")
        cells = [name, card["implementation"], features, str(card["images"]), card["region"],
                 card["resize"], card["value_range"]]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
        details = {k: e.get("details", {}).get(name) for k, e in report["models"].items()}
        stds = {k: d["std"] for k, d in details.items() if d and d.get("std") is not None}
        if stds:
            notes.append(f"{name} std over subsets: " + ", ".join(f"{k} {v:.3g}" for k, v in stds.items()) + ".")
    return lines + ([""] + notes if notes else [])
