"""`paired-folder`: aligned input/target images matched by relative name (pix2pix style)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from corefill.registry import BuildContext

from corefill.errors import DataError

from .base import FileDataset
from .folders import file_options, split_files, stem_name
from .io import list_images, probe_image, read_image
from .params import PairedFolderParams
from .transforms import resize


def match_pairs(
    inputs: Sequence[Path], input_base: Path, targets: Sequence[Path], target_base: Path
) -> list[tuple[Path, Path]]:
    """Pairs (input, target) with the same relative name; any unmatched file is a DataError."""
    by_name = {stem_name(p, target_base): p for p in targets}
    input_names = {stem_name(p, input_base): p for p in inputs}
    missing_target = sorted(set(input_names) - set(by_name))
    missing_input = sorted(set(by_name) - set(input_names))
    for names, base, other in (
        (missing_target, input_base, target_base),
        (missing_input, target_base, input_base),
    ):
        if names:
            raise DataError(
                f"{base}: {len(names)} file(s) have no counterpart in {other} "
                f"(e.g. {names[0]!r})"
            )
    return [(input_names[n], by_name[n]) for n in sorted(input_names)]


class PairedFolder(FileDataset):
    """Items ``{"image": target (C, H, W), "input": (C_in, H, W), "name"}``, both in value_range.

    Both images of a pair are resized to the target's size and cropped at the same place.
    """

    def __init__(self, params: PairedFolderParams, context: BuildContext) -> None:
        split, fractions = context.split, (params.val_fraction, params.test_fraction)
        targets, self.base = split_files(Path(params.target_root), split, list_images,
                                         *fractions, "images")
        inputs, input_base = split_files(Path(params.input_root), split, list_images,
                                         *fractions, "images")
        pairs = match_pairs(inputs, input_base, targets, self.base)
        self.size, self.scale = params.size, params.scale
        self.input_channels = int(params.input_channels)
        super().__init__(records=pairs, where=f"{params.target_root} + {params.input_root}",
                         split=split, **file_options(params))

    def decode(self, record: tuple[Path, Path]) -> dict[str, np.ndarray]:
        input_path, target_path = record
        image = resize(read_image(target_path, self.channels, scale=self.scale), self.size)
        conditioning = read_image(input_path, self.input_channels, scale=self.scale)
        # The input follows the target's geometry so the pair stays aligned.
        return {"image": image, "input": resize(conditioning, tuple(image.shape[:2]))}

    def probe(self, record: tuple[Path, Path]) -> None:
        probe_image(record[0])
        probe_image(record[1])

    def name(self, record: tuple[Path, Path]) -> str:
        return stem_name(record[1], self.base)
