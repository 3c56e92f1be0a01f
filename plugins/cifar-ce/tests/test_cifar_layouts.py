"""cifar10 reads the python version as torchvision/Keras download it: Python 2 pickles in
cifar-10-batches-py/, or the cifar-10-python.tar.gz archive itself; hostile pickles are refused."""
import io
import pickletools
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))

from cifar_trees import malicious_pickle, py2_pickle, py_batches, write_archive, write_py_folder  # noqa: E402

from corefill.data import UnreadableFilesWarning  # noqa: E402
from corefill.plugin import DataError  # noqa: E402
from corefill.testing import check_component, construct  # noqa: E402
from corefill_cifar_ce.datasets.cifar10 import Cifar10  # noqa: E402
from corefill_cifar_ce.datasets.safe_pickle import ForbiddenPickleError  # noqa: E402


@pytest.fixture(scope="module")
def batches():
    return py_batches(per_batch=12)


@pytest.fixture
def py_root(tmp_path, batches):
    write_py_folder(tmp_path / "download", batches)
    return tmp_path / "download"


def opcodes(raw: bytes) -> set[str]:
    return {op.name for op, _, _ in pickletools.genops(io.BytesIO(raw))}


def test_fixture_is_a_python2_cpickle_stream(batches):
    raw = py2_pickle(batches["test_batch"])
    assert raw[:2] == b"\x80\x02"
    found = opcodes(raw)
    # py2 str: SHORT_BINSTRING keys, the 3072-byte rows as one BINSTRING; no py3 opcodes.
    assert {"SHORT_BINSTRING", "BINSTRING", "GLOBAL", "REDUCE", "BUILD", "SETITEMS"} <= found
    assert not found & {"BINUNICODE", "SHORT_BINBYTES", "BINBYTES", "FRAME", "STACK_GLOBAL"}
    globals_ = [arg for op, arg, _ in pickletools.genops(io.BytesIO(raw)) if op.name == "GLOBAL"]
    assert globals_ == ["numpy.core.multiarray _reconstruct", "numpy ndarray", "numpy dtype"]


@pytest.mark.parametrize("where", ["parent", "folder"])
def test_python_batches_decode_to_the_written_pixels(py_root, batches, where):
    root = py_root if where == "parent" else py_root / "cifar-10-batches-py"
    test = construct(Cifar10, split="test", root=str(root), value_range=(0.0, 1.0))
    assert len(test) == 12 and test[4]["name"] == "test_batch#4" and test[4]["label"] == 4
    rows = batches["test_batch"][b"data"]
    expected = torch.from_numpy(rows[4].reshape(3, 32, 32) / 255.0).float()
    assert torch.allclose(test[4]["image"], expected)
    assert test[4]["image"].std() > 0.02  # real photo pixels


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_python_version_conforms(py_root, split):
    check_component("dataset", "cifar10", {"root": str(py_root), "val_fraction": 0.2}, split=split)


def test_archive_is_read_without_extracting(tmp_path, py_root, batches):
    archive = write_archive(tmp_path / "dl" / "cifar-10-python.tar.gz", py_root / "cifar-10-batches-py")
    before = sorted(p.name for p in archive.parent.iterdir())
    for root in (archive, archive.parent):  # the archive's path, or the folder holding it
        train = construct(Cifar10, split="train", root=str(root), val_fraction=0.25)
        val = construct(Cifar10, split="val", root=str(root), val_fraction=0.25)
        assert len(train) + len(val) == 60 and not set(train.names) & set(val.names)
    cats = construct(Cifar10, split="test", root=str(archive), classes=["cat"])
    assert cats.labels.tolist() == [3] and cats.names == ["test_batch#3"]
    assert np.array_equal(cats.images[0].reshape(-1), batches["test_batch"][b"data"][3])
    assert sorted(p.name for p in archive.parent.iterdir()) == before  # nothing extracted


def test_malicious_pickle_is_refused_and_never_run(tmp_path, py_root):
    marker = tmp_path / "pwned"
    (py_root / "cifar-10-batches-py" / "test_batch").write_bytes(malicious_pickle(marker))
    with pytest.raises(ForbiddenPickleError, match=r"test_batch: refused to unpickle os\.system") as info:
        construct(Cifar10, split="test", root=str(py_root))
    assert "\n" not in str(info.value) and isinstance(info.value, DataError)
    assert not marker.exists()


def test_malicious_pickle_inside_the_archive(tmp_path, py_root):
    marker = tmp_path / "pwned"
    (py_root / "cifar-10-batches-py" / "data_batch_3").write_bytes(malicious_pickle(marker))
    archive = write_archive(tmp_path / "cifar-10-python.tar.gz", py_root / "cifar-10-batches-py")
    with pytest.raises(DataError, match=r"cifar-10-python.tar.gz:cifar-10-batches-py/data_batch_3: "
                       r"refused to unpickle os\.system"):
        construct(Cifar10, split="train", root=str(archive))
    assert not marker.exists()


def test_corrupt_and_empty_pickles_are_skipped_and_counted(py_root):
    folder = py_root / "cifar-10-batches-py"
    (folder / "data_batch_2").write_bytes((folder / "data_batch_2").read_bytes()[:5000])
    (folder / "data_batch_5").write_bytes(b"")
    with pytest.warns(UnreadableFilesWarning, match=r"skipped 2 unreadable file\(s\) of 6"):
        train = construct(Cifar10, split="train", root=str(py_root), val_fraction=0.0)
    assert len(train) == 36
    assert {n.split("#")[0] for n in train.names} == {"data_batch_1", "data_batch_3", "data_batch_4"}


def test_a_batch_without_labels_is_named(tmp_path, batches):
    batch = dict(batches["test_batch"])
    batch[b"fine_labels"] = batch.pop(b"labels")  # a CIFAR-100 batch is not CIFAR-10
    (tmp_path / "test_batch").write_bytes(py2_pickle(batch))
    with pytest.warns(UnreadableFilesWarning), \
            pytest.raises(DataError, match="test_batch: field 'labels' is missing"):
        construct(Cifar10, split="test", root=str(tmp_path))
