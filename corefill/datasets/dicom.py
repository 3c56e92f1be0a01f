"""`dicom-folder`: DICOM images under a folder, bright = dense (see DicomFolderParams)."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from .base import FileDataset
from .folders import default_crop, split_files, stem_name
from .io import list_files, probe_dicom, read_dicom
from .transforms import resize


class DicomFolder(FileDataset):
    """Items ``{"image": (C, H, W) in value_range, "name"}``; C = 1 (or 3 repeated)."""

    def __init__(
        self,
        *,
        split: str,
        root: Union[str, Path],
        window: str = "dicom",
        channels: int = 1,
        extensions: Sequence[str] = (".dcm", ".dicom"),
        size: Optional[Union[int, Sequence[int]]] = None,
        crop: Optional[Union[int, Sequence[int]]] = None,
        crop_mode: str = "random",
        value_range: Sequence[float] = (-1.0, 1.0),
        val_fraction: float = 0.1,
        test_fraction: float = 0.1,
        cache: bool = True,
        cache_mb: float = 2048.0,
    ) -> None:
        lister = partial(list_files, extensions=tuple(e.lower() for e in extensions))
        files, self.base = split_files(
            Path(root), split, lister, val_fraction, test_fraction, "DICOM files"
        )
        self.size, self.window = size, window
        super().__init__(
            records=files,
            where=str(root),
            split=split,
            value_range=value_range,
            channels=channels,
            crop=default_crop(size, crop),
            crop_mode=crop_mode,
            cache=cache,
            cache_mb=cache_mb,
        )

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
