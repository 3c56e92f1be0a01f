"""Shared dataset machinery: label PNG decoding, resizing, scaling and input encoding."""
from __future__ import annotations

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

NUM_CLASSES = 4  # background, CSF, grey matter, white matter
LABEL_STEP = 85  # OASIS label PNGs store class k as k * 85


def labels_from_png(values: np.ndarray) -> np.ndarray:
    """0/85/170/255 grey levels -> class ids 0..3 (nearest level)."""
    return np.clip(np.rint(values.astype(np.float32) / LABEL_STEP), 0, NUM_CLASSES - 1).astype(
        np.uint8
    )


def pad_to_square(array: np.ndarray, side: int | None = None) -> np.ndarray:
    """Centre-pad a 2-D array with zeros to ``side`` x ``side`` (default: its longer side)."""
    height, width = array.shape
    side = max(height, width) if side is None else side
    top, left = (side - height) // 2, (side - width) // 2
    out = np.zeros((side, side), dtype=array.dtype)
    out[top : top + height, left : left + width] = array
    return out


def resize_pair(image: np.ndarray, labels: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Square both, then resize: area averaging for the image, nearest for labels."""
    image, labels = pad_to_square(image), pad_to_square(labels)
    if image.shape[0] != size:
        shrinking = size < image.shape[0]
        image = cv2.resize(
            image, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
        )
        labels = cv2.resize(labels, (size, size), interpolation=cv2.INTER_NEAREST)
    return image, labels


def encode_labels(labels: np.ndarray, encoding: str) -> torch.Tensor:
    """Class ids (H, W) -> network input: one-hot (4, H, W) in {0, 1} or (1, H, W) in [-1, 1]."""
    ids = torch.from_numpy(labels.astype(np.int64))
    if encoding == "onehot":
        return torch.nn.functional.one_hot(ids, NUM_CLASSES).permute(2, 0, 1).float()
    return (ids.float() / (NUM_CLASSES - 1) * 2 - 1).unsqueeze(0)


def evenly_spaced(count: int, limit: int | None) -> list[int]:
    if limit is None or limit >= count:
        return list(range(count))
    return np.linspace(0, count - 1, limit).round().astype(int).tolist()


class LabelledSlices(Dataset):
    """Base: subclasses give ``names`` and ``_load(i) -> (uint8 image, class ids)``."""

    value_range = (-1.0, 1.0)
    channels = 1
    input_name = "segmentation"  # the sample grids' label for the input row

    def __init__(self, *, names: list[str], size: int, input_encoding: str) -> None:
        self.names = names
        self.size = size
        self.input_encoding = input_encoding
        self.input_channels = NUM_CLASSES if input_encoding == "onehot" else 1

    def _load(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, index: int) -> dict:
        image, labels = resize_pair(*self._load(index), self.size)
        image_t = torch.from_numpy(image.astype(np.float32) / 127.5 - 1.0).unsqueeze(0)
        return {
            "image": image_t,
            "input": encode_labels(labels, self.input_encoding),
            "name": self.names[index],
        }

    def input_preview(self, input: torch.Tensor) -> torch.Tensor:
        """Network input (N, C_in, H, W) -> label map as a 1-channel image in [-1, 1]."""
        if input.shape[1] == 1:
            return input.clamp(-1, 1)
        return input.argmax(dim=1, keepdim=True).float() / (NUM_CLASSES - 1) * 2 - 1
