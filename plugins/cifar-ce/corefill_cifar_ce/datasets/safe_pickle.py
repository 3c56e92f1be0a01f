"""Unpickling CIFAR-10's python batches without trusting them.

The python version of CIFAR-10 is a set of pickles written by Python 2's cPickle: a dict
with byte-string keys whose ``data`` is a numpy uint8 array. A pickle can name any callable
to run while loading, so plain ``pickle.load`` on a downloaded file would run whatever the
file asks for. :class:`BatchUnpickler` resolves only the three numpy names an array needs
and refuses every other global with a :class:`ForbiddenPickleError` naming the file.
"""
from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np

from corefill.plugin import DataError

try:  # numpy >= 2 moved the implementation to numpy._core
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct

# (module, name) as written in the file -> the object. Python 2 wrote numpy.core; files
# re-pickled under numpy 2 say numpy._core. Both map to the installed implementation, so
# loading never imports the deprecated numpy.core shim.
ALLOWED: dict[tuple[str, str], Any] = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class ForbiddenPickleError(DataError):
    """A pickle asked for a global that a CIFAR batch never needs (never skipped: it is hostile)."""


class BatchUnpickler(pickle.Unpickler):
    """``pickle.Unpickler`` that resolves only :data:`ALLOWED` globals."""

    def __init__(self, file: Any, *, where: str) -> None:
        # encoding="bytes": Python 2 str (keys, the pixel buffer) stays bytes, as the
        # dataset's own loading recipe does; numpy accepts bytes for both.
        super().__init__(file, encoding="bytes")
        self.where = where

    def find_class(self, module: str, name: str) -> Any:
        found = ALLOWED.get((module, name))
        if found is None:
            raise ForbiddenPickleError(
                f"cifar10: {self.where}: refused to unpickle {module}.{name} (a CIFAR-10 "
                "batch holds only numpy arrays, lists, numbers and strings)"
            )
        return found


def load_pickle(data: bytes, *, where: str) -> Any:
    """The object pickled in ``data``; ForbiddenPickleError for any global not allowed."""
    return BatchUnpickler(io.BytesIO(data), where=where).load()
