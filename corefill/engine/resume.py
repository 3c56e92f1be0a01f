"""Resuming a run: a checkpoint's state loaded into the freshly built components and
counters, once the recipe is known to be the one it was trained with."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..errors import CheckpointError, first_line
from .checkpoint import load_last, recipe_changes
from .state import Components, TrainState


def restore(saved: dict[str, Any], path: Any, *, built: Components, state: TrainState,
            recipe_hash: str, recipe_yaml: str, force: bool) -> tuple[int, dict[str, Any]]:
    """Load checkpoint ``saved`` (read from ``path``) into ``built`` and ``state``; returns
    (the metrics.jsonl offset, the RNG state to set once everything is built). A changed
    recipe is refused unless ``force`` (a changed limit, such as max_steps, is no change)."""
    changes = [] if saved["recipe_hash"] == recipe_hash or force else \
        recipe_changes(saved["recipe_yaml"], recipe_yaml)
    if changes:
        raise CheckpointError(f"{path}: recipe changed since this checkpoint "
                              f"({'; '.join(changes)}); use --force to resume anyway")
    try:
        built.load_state_dict(saved)
    except (KeyError, RuntimeError, ValueError) as exc:
        raise CheckpointError(f"{path}: does not fit the recipe's networks: "
                              f"{first_line(exc)}") from None
    state.load_state_dict(saved)
    return int(saved["log_offset"]), saved["rng"]


def from_folder(folder: Path, say: Callable[[str], None], **restore_options: Any
                ) -> tuple[int, dict[str, Any]]:
    """:func:`restore` from the run folder's ``last.pt`` (its previous one, with a warning
    through ``say``, where ``last.pt`` is damaged)."""
    saved, last = load_last(folder, say)
    return restore(saved, last, **restore_options)
