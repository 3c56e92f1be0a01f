"""`dicom-folder`: DICOM images under a folder, bright = dense (see DicomFolderParams)."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np

from corefill.registry import BuildContext

from .base import FileDataset
from .folders import file_options, split_files, stem_name
from .io import list_files, probe_dicom, read_dicom
from .params import DicomFolderParams
from .transforms import resize


class DicomFolder(FileDataset):
    """Items ``{"image": (C, H, W) in value_range, "name"}``; C = 1 (or 3 repeated)."""

    def __init__(self, params: DicomFolderParams, context: BuildContext) -> None:
        lister = partial(list_files, extensions=tuple(e.lower() for e in params.extensions))
        files, self.base = split_files(Path(params.root), context.split, lister,
                                       params.val_fraction, params.test_fraction, "DICOM files")
        self.size, self.window = params.size, params.window
        super().__init__(records=files, where=str(params.root), split=context.split,
                         **file_options(params))

    def decode(self, record: Path) -> dict[str, np.ndarray]:
        grey = read_dicom(record, window=self.window)[:, :, None]
        image = resize(grey, self.size)
        if self.channels == 3:
            image = np.repeat(image, 3, axis=2)
        return {"image": image}

    def probe(self, record: Path) -> None:
        probe_dicom(record)

    def name(self, record: Path) -> str:
        return stem_name(record, self.base)
