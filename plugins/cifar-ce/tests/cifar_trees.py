"""CIFAR-10 trees as published, written from real photo pixels.

``py2_pickle`` writes the opcode stream Python 2's cPickle wrote for the python version
(protocol 2, keys and the pixel buffer as py2 ``str``: SHORT_BINSTRING / BINSTRING, the
array through ``numpy.core.multiarray._reconstruct``), which Python 3 cannot produce.
"""
from __future__ import annotations

import io
import struct
import tarfile
from pathlib import Path

import cv2
import numpy as np

from corefill.datasets.photos import photo_path

PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "motorcycle")


class _Py2Writer:
    """Just enough of cPickle (protocol 2) for a CIFAR batch dict."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.memo = 0

    def op(self, data: bytes) -> None:
        self.out.write(data)

    def put(self) -> None:  # cPickle memoises every container and string (BINPUT)
        self.memo += 1
        self.op(b"q" + bytes([self.memo]) if self.memo < 256 else b"r" + struct.pack("<I", self.memo))

    def string(self, value: bytes) -> None:
        if len(value) < 256:
            self.op(b"U" + bytes([len(value)]) + value)  # SHORT_BINSTRING
        else:
            self.op(b"T" + struct.pack("<i", len(value)) + value)  # BINSTRING
        self.put()

    def integer(self, value: int) -> None:
        if 0 <= value < 256:
            self.op(b"K" + bytes([value]))
        elif 0 <= value < 65536:
            self.op(b"M" + struct.pack("<H", value))
        else:
            self.op(b"J" + struct.pack("<i", value))

    def global_(self, module: str, name: str) -> None:
        self.op(b"c" + f"{module}\n{name}\n".encode("ascii"))
        self.put()

    def array(self, array: np.ndarray) -> None:
        """ndarray.__reduce__ as numpy 1.x under Python 2 wrote it."""
        assert array.dtype == np.uint8 and array.flags.c_contiguous
        self.global_("numpy.core.multiarray", "_reconstruct")
        self.global_("numpy", "ndarray")
        self.integer(0)
        self.op(b"\x85")  # TUPLE1: shape (0,)
        self.put()
        self.string(b"b")
        self.op(b"\x87")  # TUPLE3
        self.put()
        self.op(b"R")  # REDUCE
        self.put()
        self.op(b"(")  # MARK: state (version, shape, dtype, fortran, data)
        self.integer(1)
        for side in array.shape:
            self.integer(side)
        self.op(b"\x86" if array.ndim == 2 else b"\x85")
        self.put()
        self.global_("numpy", "dtype")
        self.string(b"u1")
        self.integer(0)
        self.integer(1)
        self.op(b"\x87R")
        self.put()
        self.op(b"(")
        self.integer(3)
        self.string(b"|")
        self.op(b"NNN" + b"J" + struct.pack("<i", -1) + b"J" + struct.pack("<i", -1))
        self.integer(0)
        self.op(b"t")
        self.put()
        self.op(b"b")  # BUILD the dtype
        self.op(b"\x89")  # NEWFALSE: not Fortran order
        self.string(array.tobytes())
        self.op(b"t")
        self.put()
        self.op(b"b")  # BUILD the array

    def value(self, value) -> None:
        if isinstance(value, bytes):
            self.string(value)
        elif isinstance(value, int):
            self.integer(value)
        elif isinstance(value, list):
            self.op(b"]")
            self.put()
            for start in range(0, len(value), 1000):  # cPickle appends in batches of 1000
                self.op(b"(")
                for entry in value[start:start + 1000]:
                    self.value(entry)
                self.op(b"e")
        elif isinstance(value, np.ndarray):
            self.array(value)
        else:
            raise TypeError(type(value))


def py2_pickle(batch: dict[bytes, object]) -> bytes:
    writer = _Py2Writer()
    writer.op(b"\x80\x02}")  # PROTO 2, EMPTY_DICT
    writer.put()
    writer.op(b"(")
    for key, value in batch.items():
        writer.string(key)
        writer.value(value)
    writer.op(b"u.")  # SETITEMS, STOP
    return writer.out.getvalue()


def photo_records(count: int, seed: int) -> np.ndarray:
    """``count`` real 32² RGB photo crops as CIFAR rows: uint8 (count, 3072), R, G, B planes."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(count):
        bgr = cv2.imread(str(photo_path(PHOTOS[k % len(PHOTOS)])), cv2.IMREAD_COLOR)
        small = cv2.resize(bgr, (128, 128), interpolation=cv2.INTER_AREA)
        top, left = rng.integers(0, 96, size=2)
        crop = small[top:top + 32, left:left + 32, ::-1]  # RGB
        rows.append(np.ascontiguousarray(crop.transpose(2, 0, 1)).reshape(-1))
    return np.stack(rows)


def batch_dict(label: bytes, labels: list[int], seed: int) -> dict[bytes, object]:
    data = photo_records(len(labels), seed)
    return {b"data": data, b"labels": list(labels), b"batch_label": label,
            b"filenames": [f"photo_{seed}_{i}.png".encode() for i in range(len(labels))]}


def py_batches(per_batch: int = 12) -> dict[str, dict[bytes, object]]:
    """The six batches of the python version: name -> dict (labels cycle through 0-9)."""
    batches = {f"data_batch_{i}": batch_dict(f"training batch {i} of 5".encode(),
                                             [(i + k) % 10 for k in range(per_batch)], seed=i)
               for i in range(1, 6)}
    batches["test_batch"] = batch_dict(b"testing batch 1 of 1",
                                       [k % 10 for k in range(per_batch)], seed=9)
    return batches


META = {b"num_cases_per_batch": 10000, b"num_vis": 3072,
        b"label_names": [n.encode() for n in ("airplane", "automobile", "bird", "cat", "deer",
                                              "dog", "frog", "horse", "ship", "truck")]}


def write_py_folder(parent: Path, batches: dict[str, dict]) -> Path:
    folder = parent / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    for name, batch in batches.items():
        (folder / name).write_bytes(py2_pickle(batch))
    (folder / "batches.meta").write_bytes(py2_pickle(META))
    (folder / "readme.html").write_text("<html>CIFAR-10</html>")
    return folder


def write_archive(path: Path, folder: Path) -> Path:
    """``cifar-10-python.tar.gz`` as distributed: members under ``cifar-10-batches-py/``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return path


def malicious_pickle(marker: Path) -> bytes:
    """A protocol-2 pickle whose loading would run ``os.system('touch MARKER')``."""
    command = f"touch {marker}".encode()
    return (b"\x80\x02cos\nsystem\nq\x00U" + bytes([len(command)]) + command
            + b"q\x01\x85q\x02Rq\x03.")
