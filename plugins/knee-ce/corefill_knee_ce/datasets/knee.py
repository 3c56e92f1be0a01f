"""Knee radiographs with the source's preprocessing: hardware set apart, negatives inverted,
blurry images dropped. Every split of one configuration shares one preprocessing pass."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from corefill.data import report_skipped
from corefill.plugin import BuildContext, DataError

from .params import KneeRadiographsParams
from .preprocess import Rules, apply_rules
from .sources import embedded_items, folder_items

REPORT_DIR = "preprocessing"
VARIANTS = {"none": 1, "mirror": 2, "dihedral": 8}


@dataclass
class Prepared:
    """The outcome of preprocessing: kept images per split and every rule's decisions."""

    kept: dict = field(default_factory=lambda: {"train": [], "val": [], "test": []})
    artifacts: list = field(default_factory=list)  # (name, source, image)
    lists: dict = field(default_factory=lambda: {k: [] for k in
                                                 ("inverted", "blurry", "artifact", "unreadable")})
    total: int = 0

    def summary(self) -> dict:
        return {
            "images_seen": self.total,
            "kept": {split: len(items) for split, items in self.kept.items()},
            "counts": {rule: len(names) for rule, names in self.lists.items()},
            "files": self.lists,
        }


def _items(config: dict):
    if config["root"]:
        return folder_items(config["root"], config["size"], config["val_fraction"],
                            config["test_fraction"])
    return embedded_items(size=config["size"], scale=config["embedded_scale"],
                          val_fraction=config["val_fraction"],
                          test_fraction=config["test_fraction"],
                          train_crops=config["train_crops"],
                          max_eval_crops=config["max_eval_crops"], seed=config["seed"])


def _file(prepared: Prepared, item, rules: Rules) -> None:
    """Apply the rules to one readable item and file it under its fate."""
    verdict = apply_rules(item.image, rules, known_negative=item.known_negative)
    if verdict.inverted:
        prepared.lists["inverted"].append(item.source)
    if verdict.fate == "blurry":
        prepared.lists["blurry"].append(item.source)
    elif verdict.fate == "artifact":
        prepared.lists["artifact"].append(item.source)
        prepared.artifacts.append((item.name, item.source, verdict.image))
    else:
        # uint16 keeps 12-bit DICOM precision at a quarter of float64's memory.
        pixels = np.round(np.clip(verdict.image, 0, 1) * 65535).astype(np.uint16)
        prepared.kept[item.split].append((item.name, pixels, item.grade))


@lru_cache(maxsize=4)
def _prepare_cached(key: str) -> Prepared:
    config = json.loads(key)
    rules = Rules(**{k: config[k] for k in Rules.__dataclass_fields__})
    prepared = Prepared()
    for item in _items(config):
        prepared.total += 1
        if item.image is None:
            # A broken file costs one line in unreadable.txt, never the run.
            reason = item.error if item.error.startswith(item.source) else \
                f"{item.source}: {item.error}"
            prepared.lists["unreadable"].append(reason)
        else:
            _file(prepared, item, rules)
    unreadable = [(reason, reason) for reason in prepared.lists["unreadable"]]
    report_skipped(f"knee-radiographs ({config['root']})", unreadable, prepared.total)
    return prepared


def prepare(config: dict) -> Prepared:
    """Preprocess once per configuration (train/val/test datasets share the result)."""
    return _prepare_cached(json.dumps(config, sort_keys=True))


class KneeRadiographs(Dataset):
    """One split of the knee radiographs; items ``{image, name, grade}``, image in [-1, 1]."""

    value_range = (-1.0, 1.0)
    channels = 1

    def __init__(self, params: KneeRadiographsParams, context: BuildContext):
        split, augment = context.split, params.augment
        config = params.model_dump(mode="json", exclude={"augment"})
        if split not in ("train", "val", "test"):
            raise DataError(f"knee-radiographs: unknown split {split!r}")
        self.split = split
        if augment == "auto":
            # Rotating a whole knee radiograph makes an image no scanner takes; a crop of
            # local texture from the two embedded sources has no such orientation.
            augment = "mirror" if config["root"] else "dihedral"
        self.variants = VARIANTS[augment] if split == "train" else 1
        self.prepared = prepare(config)
        self.items = self.prepared.kept[split]
        if not self.items:
            where = config["root"] or "embedded pydicom-data radiographs"
            raise DataError(f"knee-radiographs: split {split!r} is empty after preprocessing "
                            f"({where}); see the preprocessing counts: "
                            f"{self.prepared.summary()['counts']}")

    def __len__(self):
        # Augmentation appends transformed copies of every item: deterministic, so reading
        # an index twice gives the same item and evaluation masks stay tied to names.
        return len(self.items) * self.variants

    def __getitem__(self, index):
        variant, index = self._place(index)
        return self._item(to_signed(self.items[index][1]), variant, index)

    def __getitems__(self, indices):
        """DataLoader's batched fetch: the items ``__getitem__`` gives, with one conversion
        to float for the whole batch (a third of a 64² item's loading time)."""
        places = [self._place(index) for index in indices]
        pixels = [self.items[index][1] for _, index in places]
        if len({p.shape for p in pixels}) > 1:
            return [self[index] for index in indices]
        images = to_signed(np.stack(pixels))
        return [self._item(images[k], *place) for k, place in enumerate(places)]

    def _place(self, index: int) -> tuple[int, int]:
        """(variant, item) of dataset index ``index``."""
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} items")
        return divmod(index % len(self), len(self.items))

    def _item(self, image: torch.Tensor, variant: int, index: int) -> dict:
        name, _, grade = self.items[index]
        image = image[None]
        if variant:
            # Variant k: mirrored when odd, then rotated by (k // 2) quarter turns.
            image = image.flip(-1) if variant % 2 else image
            image = torch.rot90(image, variant // 2, dims=(1, 2))
            name = f"{name}|aug{variant}"
        return {"image": image.contiguous(), "name": name, "grade": grade}

    def write_report(self, run_dir) -> list[Path]:
        """Write ``preprocessing/summary.json``, one list per rule, and the artifact images
        (preprocessed PNGs, listed in ``artifacts.txt``) for regeneration after training."""
        return write_report(self.prepared, Path(run_dir) / REPORT_DIR)


def to_signed(pixels: np.ndarray) -> torch.Tensor:
    """16-bit pixels as float in [-1, 1]."""
    return torch.from_numpy(pixels.astype(np.float32) / 65535.0) * 2.0 - 1.0


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _common_folder(names: list[str]) -> str:
    """The folder every listed file is in ("" if none): written once, not on each line."""
    prefix = os.path.commonprefix(names) if names else ""
    return prefix[: prefix.rfind("/") + 1]


def write_report(prepared: Prepared, folder: Path) -> list[Path]:
    import cv2

    images = folder / "artifacts"
    images.mkdir(parents=True, exist_ok=True)
    written = []
    base = _common_folder([n for names in prepared.lists.values() for n in names])
    for rule, names in prepared.lists.items():
        path = folder / f"{rule}.txt"
        _atomic_write(path, "".join(f"{n[len(base):]}\n" for n in names).encode())
        written.append(path)
    saved = []
    for name, _, image in prepared.artifacts:
        safe = name.replace("/", "__").replace("#", "_")
        path = images / f"{Path(safe).stem}.png"
        ok, png = cv2.imencode(".png", np.round(np.clip(image, 0, 1) * 65535).astype(np.uint16))
        if ok:
            _atomic_write(path, png.tobytes())
            saved.append(path.relative_to(folder.parent).as_posix())
    summary = folder / "summary.json"
    # Counts only: the names are in <rule>.txt, relative to files_in (summary.json stays small).
    counts = {k: v for k, v in prepared.summary().items() if k != "files"}
    counts.update(files_in=base, lists={rule: f"{rule}.txt" for rule in prepared.lists})
    _atomic_write(summary, json.dumps(counts, indent=2).encode())
    listing = folder / "artifacts_to_regenerate.txt"
    _atomic_write(listing, "".join(f"{p}\n" for p in saved).encode())
    return written + [summary, listing]
