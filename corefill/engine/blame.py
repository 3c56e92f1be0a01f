"""Whose fault a failure is: each component a run builds is named as its plugin registered
it ("generator 'unets:gated-unet' of plugin 'unets' (corefill-unets 0.3.0)"), so the check
before training and a failure during it say which plugin to fix or report.

- :func:`labels`: the recipe's dataset, masker, generator and discriminator, by role;
- :func:`suspects`: the objects training calls (networks, losses) with their labels;
- :func:`culprit`: the label of the component an exception was raised in, from the frames
  of its traceback (the innermost frame whose ``self`` is one of the suspects).

A masker runs inside the dataset, often in a loader worker whose frames do not reach the
main process: :class:`~corefill.engine.data.MaskedDataset` names its masker itself
(a :class:`~corefill.errors.ComponentError`).
"""
from __future__ import annotations

from typing import Any, Optional

from ..errors import RegistryError
from ..faults import who
from ..recipe import Recipe


def labels(recipe: Recipe, registries) -> dict[str, str]:
    """Role (``dataset``, ``masker``, ``generator``, ``discriminator``) -> label, for the
    roles the recipe fills (no masker for ``masker: none``)."""
    refs = {"dataset": recipe.data.dataset, "masker": recipe.masker,
            "generator": recipe.generator, "discriminator": recipe.discriminator}
    found = {}
    for role, ref in refs.items():
        if ref is None or (role == "masker" and ref.name == "none"):
            continue
        found[role] = label(registries, role, ref.name)
    return found


def label(registries, kind: str, name: str) -> str:
    try:
        return who(registries.get(kind, name))
    except RegistryError:  # a recipe resolved against other registries: the name alone
        return f"{kind} {name!r}"


def suspects(networks: dict[str, Any], losses, registries,
             roles: dict[str, str]) -> list[tuple[Any, str]]:
    """``(object, label)`` for each network and loss a training step calls."""
    found = [(module, roles[role]) for role, module in networks.items() if role in roles]
    for report_name, _, loss in losses.reconstruction + losses.adversarial:
        name = report_name.split("#", 1)[0]  # a loss named twice reports as name#2
        found.append((loss, label(registries, "loss", name)))
    return found


def culprit(error: BaseException, objects: list[tuple[Any, str]]) -> Optional[str]:
    """The label of the suspect ``error`` was raised in (innermost first), or None: an
    error of the engine itself, or of a component training does not call directly."""
    frames = []
    trace = error.__traceback__
    while trace is not None:
        frames.append(trace.tb_frame)
        trace = trace.tb_next
    for frame in reversed(frames):
        owner = frame.f_locals.get("self")
        if owner is None:
            continue
        for suspect, name in objects:
            if owner is suspect:
                return name
    return None
