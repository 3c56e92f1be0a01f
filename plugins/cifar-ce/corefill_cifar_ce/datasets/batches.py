"""Decoding one CIFAR-10 batch, binary or pickled, into ``(labels, images)``.

Both return ``labels`` uint8 ``(N,)`` in 0-9 and ``images`` uint8 ``(N, 3, 32, 32)`` (R, G, B
planes). A batch that cannot be decoded raises ``UnreadableFileError`` (the dataset skips
and counts it); a pickle naming a forbidden global raises ``ForbiddenPickleError``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from corefill.data import UnreadableFileError
from corefill.plugin import first_line

from .safe_pickle import ForbiddenPickleError, load_pickle

PIXELS = 3 * 32 * 32
RECORD_BYTES = 1 + PIXELS
TRAIN_NAMES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_NAMES = ("test_batch",)


def check_labels(labels: np.ndarray, where: str) -> np.ndarray:
    if labels.size and labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise UnreadableFileError(f"cifar10: {where}: record {bad} has label {labels[bad]} (expected 0-9)")
    return labels.astype(np.uint8)


def decode_binary(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """A ``*.bin`` batch: per record 1 label byte then 3072 planar RGB bytes."""
    array = np.frombuffer(raw, dtype=np.uint8)
    if array.size == 0 or array.size % RECORD_BYTES:
        raise UnreadableFileError(f"cifar10: {where}: {array.size} bytes is not a whole number of "
                                  f"{RECORD_BYTES}-byte records (1 label + 3072 pixels)")
    records = array.reshape(-1, RECORD_BYTES)
    return check_labels(records[:, 0], where), records[:, 1:].reshape(-1, 3, 32, 32)


def _field(batch: dict, key: str, where: str) -> Any:
    """``batch[key]`` whether the keys are Python 2 byte strings or str."""
    for candidate in (key.encode("ascii"), key):
        if candidate in batch:
            return batch[candidate]
    raise UnreadableFileError(f"cifar10: {where}: field {key!r} is missing "
                              f"(keys: {', '.join(repr(k) for k in list(batch)[:6])})")


def decode_pickled(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """A python-version batch: ``{b"data": uint8 (N, 3072), b"labels": [N ints], ...}``."""
    try:
        batch = load_pickle(raw, where=where)
    except ForbiddenPickleError:
        raise
    except Exception as exc:  # truncated or corrupt pickles raise many types
        reason = first_line(exc)
        raise UnreadableFileError(f"cifar10: {where}: not a readable pickle ({reason})") from None
    if not isinstance(batch, dict):
        raise UnreadableFileError(f"cifar10: {where}: expected a dict, got {type(batch).__name__}")
    data = _field(batch, "data", where)
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != PIXELS:
        shape = getattr(data, "shape", type(data).__name__)
        raise UnreadableFileError(f"cifar10: {where}: field 'data' must be a uint8 (N, {PIXELS}) "
                                  f"array, got {shape}")
    labels = np.asarray(_field(batch, "labels", where))
    if labels.shape != (len(data),) or not np.issubdtype(labels.dtype, np.integer) or \
            (labels.size and labels.min() < 0):
        raise UnreadableFileError(f"cifar10: {where}: field 'labels' must hold {len(data)} "
                                  f"class ids, got shape {labels.shape} of {labels.dtype}")
    return check_labels(labels, where), data.reshape(-1, 3, 32, 32)


def decode(raw: bytes, where: str, *, binary: bool) -> tuple[np.ndarray, np.ndarray]:
    """Decode one batch file's bytes: binary records (``*.bin``) or a python pickle."""
    return decode_binary(raw, where) if binary else decode_pickled(raw, where)
