"""The checkpoints one server shows side by side, each loaded once.

Every fill request runs each inpainting model on the same image and hole, in the order the
checkpoints were given, and Telea once beside them. A page serves one kind of model: a
translation model (pix2pix: a conditioning image in, a whole image out) takes no painted
hole, so mixing it with inpainting models is refused at start, in one line.

Each model is labelled by its run's name (``RUN`` of ``RUN/checkpoints/best.pt``); where
two share a run name the checkpoint's file name is added (``knee/best.pt``,
``knee/last.pt``), and where that is still ambiguous the checkpoint's path is the label.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Sequence, Union

import numpy as np

from ..errors import CheckpointError
from .model import ServedModel, holes_line, telea, training_holes

Checkpoints = Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]]


class Lineup:
    """The served models, in order, with their labels; all of one kind."""

    def __init__(self, models: Sequence[ServedModel]) -> None:
        if not models:
            raise CheckpointError("corefill serve needs at least one checkpoint")
        for model in models[1:]:
            check_same_kind(models[0], model)
        self.models = list(models)
        self.labels = labels(self.models)

    @classmethod
    def load(cls, checkpoints: Checkpoints, *, device: str = "cpu",
             registries: Any = None) -> "Lineup":
        """Each distinct checkpoint loaded once (a path given twice is served once); a
        model of the other kind than the first is refused as soon as it is loaded."""
        models: list[ServedModel] = []
        for path in unique_paths(checkpoints):
            model = ServedModel(path, device=device, registries=registries)
            if models:
                check_same_kind(models[0], model)
            models.append(model)
        return cls(models)

    @property
    def translation(self) -> bool:
        return self.models[0].translation

    @property
    def mode(self) -> str:
        return self.models[0].mode

    def __iter__(self):
        return iter(zip(self.labels, self.models))

    def describe(self) -> list[dict[str, Any]]:
        """Each model as the page's header and report show it."""
        from ..engine.inference.fill import STRATEGIES
        from .run_info import report_summary

        spec_keys = ("size", "channels", "input_channels", "value_range", "mask_polarity",
                     "output_region", "blend")
        return [{
            "label": label, "run": model.run_name, "checkpoint": str(model.checkpoint),
            "recipe": model.recipe.name, "generator": model.recipe.generator.name,
            "spec": {key: model.spec.get(key) for key in spec_keys},
            "holes": training_holes(model.spec), "holes_line": holes_line(model.spec),
            "strategy_in_force": ({} if model.translation else
                                  {name: model.strategy_for(name) for name in STRATEGIES}),
            "report": report_summary(model.run),
        } for label, model in self]

    def fill(self, pixels: np.ndarray, hole: np.ndarray,
             strategy: str) -> tuple[list[dict[str, Any]], np.ndarray]:
        """``([{label, strategy, result, notes} per model], Telea's result)``: results are
        pixels at the image's own size, channels and depth."""
        filled = []
        for label, model in self:
            result, notes = model.fill_with_notes(pixels, hole, strategy)
            filled.append({"label": label, "strategy": model.strategy_for(strategy),
                           "result": result, "notes": list(notes)})
        return filled, telea(pixels, hole)

    def translate(self, condition: np.ndarray) -> list[dict[str, Any]]:
        """``[{label, result}]``: each model's image generated from ``condition``."""
        return [{"label": label, "result": model.translate(condition)} for label, model in self]


def unique_paths(checkpoints: Checkpoints) -> list[Path]:
    """The checkpoints as paths, in order, each file once."""
    if isinstance(checkpoints, (str, os.PathLike)):
        checkpoints = [checkpoints]
    seen: set[Path] = set()
    paths = []
    for checkpoint in checkpoints:
        path = Path(checkpoint)
        if path.resolve() not in seen:
            seen.add(path.resolve())
            paths.append(path)
    return paths


def check_same_kind(first: ServedModel, other: ServedModel) -> None:
    """One page serves inpainting models or translation models, not both: one line."""
    if other.translation != first.translation:
        raise CheckpointError(
            f"cannot serve {other.checkpoint} ({other.mode}) beside {first.checkpoint} "
            f"({first.mode}): one page serves one kind (a translation model takes a "
            "conditioning image, not a painted hole); start a corefill serve for each")


def labels(models: Sequence[ServedModel]) -> list[str]:
    """Unique labels: the run's name, then run/checkpoint file, then the path as given."""
    def unique(candidates: list[str]) -> bool:
        return len(set(candidates)) == len(candidates)

    for naming in (lambda m: m.run_name, lambda m: f"{m.run_name}/{m.checkpoint.name}",
                   lambda m: str(m.checkpoint)):
        candidates = [naming(model) for model in models]
        if unique(candidates):
            return candidates
    return [f"{index + 1}: {model.checkpoint}" for index, model in enumerate(models)]
