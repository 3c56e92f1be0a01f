"""Where CIFAR-10 is under a root, in the layouts it is published in, and reading it.

Accepted (``root`` may be the folder itself, its parent, or the archive):

- ``cifar-10-batches-py/``: the python pickles torchvision and Keras download
  (``data_batch_1..5``, ``test_batch``, ``batches.meta``);
- ``cifar-10-python.tar.gz``: that archive as downloaded, read member by member in memory;
- ``cifar-10-batches-bin/`` (``*.bin``) and its archive ``cifar-10-binary.tar.gz``.

Batches that cannot be decoded are skipped and counted in one warning line; a pickle that
names a forbidden global stops loading (see :mod:`.safe_pickle`).
"""
from __future__ import annotations

import tarfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import numpy as np

from corefill.data import UnreadableFileError, report_skipped
from corefill.plugin import DataError

from .batches import TEST_NAMES, TRAIN_NAMES, decode

FOLDERS = ("cifar-10-batches-py", "cifar-10-batches-bin")
ARCHIVES = ("cifar-10-python.tar.gz", "cifar-10-binary.tar.gz")
BATCH_NAMES = TRAIN_NAMES + TEST_NAMES


@dataclass
class Batches:
    """Decoded batches by name (``data_batch_1`` …) and the batch files that were skipped."""

    where: Path
    arrays: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _batch_files(folder: Path) -> dict[str, Path]:
    """Batch name -> file in ``folder``; the pickled file wins if both versions are there."""
    found = {}
    for name in BATCH_NAMES:
        for path in (folder / name, folder / f"{name}.bin"):
            if path.is_file() and name not in found:
                found[name] = path
    return found


def locate(root: str | Path) -> Path:
    """The batch folder or archive that ``root`` names or holds; DataError if none."""
    root = Path(root).expanduser()
    if root.is_file():
        return root
    if not root.is_dir():
        raise DataError(f"cifar10: root {root} does not exist")
    for folder in (root, *(root / name for name in FOLDERS)):
        if _batch_files(folder):
            return folder
    for archive in (root / name for name in ARCHIVES):
        if archive.is_file():
            return archive
    raise DataError(
        f"cifar10: no CIFAR-10 batches in {root}: expected data_batch_1..5 and test_batch "
        f"(or *.bin) in it or in {' / '.join(FOLDERS)}, or {' / '.join(ARCHIVES)}"
    )


def _decode_into(batches: Batches, name: str, raw: bytes, where: str, *, binary: bool) -> None:
    try:
        batches.arrays[name] = decode(raw, where, binary=binary)
    except UnreadableFileError as exc:
        batches.skipped.append((where, str(exc)))


def _read_folder(folder: Path) -> Batches:
    batches = Batches(where=folder)
    for name, path in _batch_files(folder).items():
        try:
            raw = path.read_bytes()
        except OSError as exc:
            batches.skipped.append((str(path), f"cifar10: {path}: cannot read ({exc.strerror or exc})"))
            continue
        _decode_into(batches, name, raw, str(path), binary=path.suffix == ".bin")
    return batches


def _read_archive(archive: Path) -> Batches:
    batches = Batches(where=archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                base = PurePosixPath(member.name).name
                name = base[: -len(".bin")] if base.endswith(".bin") else base
                if not member.isfile() or name not in BATCH_NAMES or name in batches.arrays:
                    continue
                # Read in memory: nothing is extracted to disk.
                raw = tar.extractfile(member).read()
                _decode_into(batches, name, raw, f"{archive}:{member.name}", binary=base != name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        if not batches.arrays and not batches.skipped:
            raise DataError(f"cifar10: {archive}: not a readable tar archive ({exc})") from None
        # A truncated download: keep the batches read before the damage, count the rest.
        batches.skipped.append((str(archive), f"cifar10: {archive}: archive damaged after "
                                              f"{len(batches.arrays)} batches ({exc})"))
    return batches


@lru_cache(maxsize=1)
def _read(path: str, stamp: tuple[tuple[int, int], ...]) -> Batches:
    source = Path(path)
    batches = _read_archive(source) if source.is_file() else _read_folder(source)
    total = len(batches.arrays) + len(batches.skipped)
    report_skipped(f"cifar10: {source}", batches.skipped, total)
    return batches


def read_batches(root: str | Path) -> Batches:
    """Every batch under ``root``, decoded once per source (train, val and test share it)."""
    source = locate(root)
    files = [source] if source.is_file() else list(_batch_files(source).values())
    # The stamp makes rewritten files (a new download) be read again.
    stamp = tuple((f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _read(str(source.resolve()), stamp)
