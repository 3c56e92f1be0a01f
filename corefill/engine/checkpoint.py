"""Checkpoints: plain dicts of tensors and primitives, written atomically, loaded with
``torch.load(weights_only=True)``; a trained generator rebuilt from one.

Layout (``FORMAT = 1``)::

    format, step, epoch, batch_in_epoch (> 0: written mid-epoch), elapsed_s, images_seen,
    steady_images and steady_s (images and seconds after each process's warm-up; absent
    in older checkpoints), epoch_end_pending (the epoch's validation or samples are still to do),
    networks: {generator, discriminator?}, optimizers: {...}, schedulers: {...},
    scalers: {...}, rng: {torch, cuda: [..]}, stopper: {...}, best: {...},
    log_offset (bytes of metrics.jsonl at save time),
    recipe_yaml, recipe_hash, versions: {distribution: version}
"""
from __future__ import annotations

import contextlib
import importlib.metadata as metadata
import os
import random
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import numpy as np
import torch
import yaml

from ..errors import CheckpointError, first_line
from ..recipe import Recipe
from . import build, spec

FORMAT = 1
# How long to train, and how often to save: changing these on --resume changes nothing a
# checkpoint holds, so it needs no --force (resuming with a larger limit lifts a cap).
RESUMABLE_CHANGES = ("train.max_steps", "train.max_minutes", "train.checkpoint_every_minutes",
                     "train.checkpoint_every_steps")


def previous_of(path: Path) -> Path:
    """Where ``save(..., keep_previous=True)`` keeps the checkpoint it replaces:
    ``last.pt`` -> ``last.prev.pt``."""
    return path.with_name(f"{path.stem}.prev{path.suffix}")


def _resumable(folder: Path) -> bool:
    last = folder / "checkpoints" / "last.pt"
    return last.is_file() or previous_of(last).is_file()


def resolve_resume(folder: Path, resume: Any) -> bool:
    """``resume`` as a bool: ``"auto"`` continues when the run folder holds a checkpoint
    (``last.pt``, or the previous one kept beside it) and starts otherwise."""
    if resume == "auto":
        return _resumable(folder)
    return bool(resume)


def remove_all(folder: Path) -> None:
    """Starting over: no checkpoint of an earlier run may outlive it (an old best.pt would
    be evaluated as this run's)."""
    for old in ("last.pt", "last.prev.pt", "best.pt"):
        (Path(folder) / "checkpoints" / old).unlink(missing_ok=True)


def check_folder(folder: Path, resume: bool, force: bool) -> None:
    """A CheckpointError where a run cannot start in ``folder``: nothing to resume, or a
    checkpoint that starting over would replace without ``force``."""
    last = folder / "checkpoints" / "last.pt"
    if resume and not _resumable(folder):
        raise CheckpointError(f"{last}: no such checkpoint to resume from")
    if not resume and last.exists() and not force:
        raise CheckpointError(f"{folder}: run folder already has a checkpoint; use "
                              "--resume to continue it (or --resume auto) or --force to "
                              "start over")


def save(path: Path, state: dict[str, Any], *, keep_previous: Optional[bool] = None) -> None:
    """Write ``state`` to ``path`` atomically (temp file in the same folder + rename).
    ``keep_previous`` (default: for ``last.pt``): the file is read back (``weights_only``)
    before it replaces ``path``, and the one it replaces stays as :func:`previous_of`."""
    if keep_previous is None:
        keep_previous = path.name == "last.pt"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            torch.save(state, stream)
            stream.flush()
            os.fsync(stream.fileno())
        if keep_previous:
            _read_back(Path(temp), path, state)
            _keep_previous(path)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _read_back(temp: Path, path: Path, state: dict[str, Any]) -> None:
    """A CheckpointError unless ``temp`` loads and holds the step just saved. Memory-mapped:
    the archive and its pickle are read whole, the tensors' bytes are not (a 134 MB pix2pix
    checkpoint: 0.02 s instead of 0.83 s at every save)."""
    try:
        back = torch.load(temp, map_location="cpu", weights_only=True, mmap=True)
    except Exception as exc:
        raise CheckpointError(f"{path}: the checkpoint just written does not read back "
                              f"({first_line(exc)}); the previous one is kept") from None
    if not isinstance(back, dict) or back.get("step") != state.get("step"):
        raise CheckpointError(f"{path}: the checkpoint just written does not read back "
                              "as written; the previous one is kept")


def _keep_previous(path: Path) -> None:
    """Keep ``path`` as its previous_of (a hard link: ``path`` exists at every moment)."""
    if not path.is_file():
        return
    previous = previous_of(path)
    link = previous.with_name(f".{previous.name}.link")
    link.unlink(missing_ok=True)
    try:
        os.link(path, link)
        os.replace(link, previous)
    except OSError:  # no hard links here: for a moment only the previous one exists
        os.replace(path, previous)


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (a crash right after a save keeps it)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def load(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # corrupt file or a pickle that is not plain data
        first = first_line(exc)
        raise CheckpointError(f"{path}: cannot load checkpoint: {first}") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a corefill checkpoint (format {FORMAT})")
    return state


def load_last(folder: Path, warn: Callable[[str], None]) -> tuple[dict[str, Any], Path]:
    """The run's ``last.pt`` and its path; where it is missing, truncated or corrupt, the
    previous one kept beside it, with one ``warn``ing line."""
    last = folder / "checkpoints" / "last.pt"
    try:
        return load(last), last
    except CheckpointError as exc:
        previous = previous_of(last)
        if not previous.is_file():
            raise
        state = load(previous)
        warn(f"warning: {exc}; resuming from {previous} (step {state.get('step')})")
        return state, previous


def load_trained(checkpoint_path: str | Path, device: str = "cpu", registries=None):
    """``(generator in eval mode, recipe, checkpoint state)`` from one read of a checkpoint."""
    state = load(checkpoint_path)
    try:
        recipe = Recipe.model_validate(yaml.safe_load(state["recipe_yaml"]))
    except Exception as exc:
        raise CheckpointError(f"{checkpoint_path}: stored recipe is invalid: "
                              f"{first_line(exc)}") from None
    generator = build.network("generator", recipe.generator,
                              spec.with_data(state.get("data_spec"),
                                             build.context(registries, device)))
    try:
        generator.load_state_dict(state["networks"]["generator"])
    except (KeyError, RuntimeError) as exc:
        raise CheckpointError(_mismatch(checkpoint_path, state, exc)) from None
    return generator.to(torch.device(device)).eval(), recipe, state


def _mismatch(path: str | Path, state: dict[str, Any], exc: Exception) -> str:
    """One line for weights that do not fit the network the installed code builds."""
    first = first_line(exc).rstrip(":. ")
    saved = ", ".join(f"{k} {v}" for k, v in sorted((state.get("versions") or {}).items()))
    return (f"{path}: its generator weights do not fit the network the installed code builds "
            f"({first}); it was written by {saved or 'an unknown version'}: load it with those "
            "versions, or re-train")


def load_generator(checkpoint_path: str | Path, device: str = "cpu", registries=None):
    """The trained generator of a checkpoint (eval mode) and the recipe it was trained with."""
    generator, recipe, _ = load_trained(checkpoint_path, device, registries)
    return generator, recipe


def rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = list(torch.cuda.get_rng_state_all())
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        for index, cuda_state in enumerate(state["cuda"][: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(cuda_state, index)


@contextlib.contextmanager
def rng_untouched(device: torch.device) -> Iterator[None]:
    """Leave every RNG as it was: validation, sample grids and test evaluation may draw
    random numbers (a metric building a network, a cache filled on first use), and must
    not change training, or where a run was resumed would change its result."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        try:
            yield
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        flat: dict[str, Any] = {}
        for key, value in node.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat or {prefix: {}}
    if isinstance(node, list):
        flat = {}
        for index, value in enumerate(node):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat or {prefix: []}
    return {prefix: node}


def _with_defaults(text: str) -> dict[str, Any]:
    """A saved recipe with the fields added to the schema since it was saved at their
    defaults: a checkpoint from an older corefill resumes as the recipe it was."""
    raw = yaml.safe_load(text) or {}
    try:
        return Recipe.model_validate(raw).model_dump(mode="json")
    except ValueError:  # not a recipe this corefill reads: compare it as written
        return raw


def recipe_changes(old_yaml: str, new_yaml: str, limit: int = 3) -> list[str]:
    """Dotted fields that differ between two saved recipes (ignoring where/how it runs and
    the limits in ``RESUMABLE_CHANGES``)."""
    old, new = (_flatten({k: v for k, v in _with_defaults(text).items()
                          if k not in ("output_dir", "device")}) for text in (old_yaml, new_yaml))
    changed = []
    for key in sorted(set(old) | set(new)):
        if key in RESUMABLE_CHANGES:
            continue
        if old.get(key, "<absent>") != new.get(key, "<absent>"):
            changed.append(f"{key}: {old.get(key, '<absent>')!r} -> {new.get(key, '<absent>')!r}")
    if len(changed) > limit:
        changed = changed[:limit] + [f"and {len(changed) - limit} more"]
    return changed


_SOURCE = re.compile(r"\((?P<dist>[^\s()]+) (?P<version>[^\s()]+)\)$")


def versions(sources: list[str]) -> dict[str, str]:
    """Versions of corefill, torch and the plugin distributions providing the components.

    ``sources`` are registry sources like ``plugin 'knee' (corefill-knee-ce 0.1.0)``.
    """
    found = {"corefill": _version("corefill"), "torch": str(torch.__version__)}
    for source in sources:
        match = _SOURCE.search(source)
        if match and match["dist"] not in found:
            found[match["dist"]] = match["version"]
    return found


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"
