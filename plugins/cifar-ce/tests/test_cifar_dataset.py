"""cifar10: the binary batches read with numpy, class filter, val partition, bad files, embedded default.

The python pickles and the archive are tested in test_cifar_layouts.py."""
import numpy as np
import pytest
import torch

from corefill.data import UnreadableFilesWarning
from corefill.plugin import DataError
from corefill.testing import check_component, construct
from corefill_cifar_ce.datasets.batches import RECORD_BYTES
from corefill_cifar_ce.datasets.cifar10 import Cifar10


def write_batch(path, labels, seed):
    """A binary CIFAR batch: per record 1 label byte, then R, G, B planes of 32x32 bytes."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(len(labels), 3072), dtype=np.uint8)
    records = np.concatenate([np.array(labels, np.uint8)[:, None], pixels], axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    records.tofile(path)
    return pixels


@pytest.fixture
def cifar_root(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    pixels = {}
    for i in range(1, 6):
        pixels[f"data_batch_{i}"] = write_batch(folder / f"data_batch_{i}.bin",
                                                [(i + k) % 10 for k in range(20)], seed=i)
    pixels["test_batch"] = write_batch(folder / "test_batch.bin", list(range(10)) * 2, seed=9)
    return tmp_path, pixels


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_conforms(cifar_root, split):
    check_component("dataset", "cifar10", {"root": str(cifar_root[0]), "val_fraction": 0.2},
                    split=split)


def test_records_decode_to_planar_rgb_in_range(cifar_root):
    root, pixels = cifar_root
    test = construct(Cifar10, split="test", root=str(root), value_range=(0.0, 1.0))
    assert len(test) == 20
    item = test[3]
    assert item["name"] == "test_batch#3" and item["label"] == 3
    expected = torch.from_numpy(pixels["test_batch"][3].reshape(3, 32, 32) / 255.0).float()
    assert torch.allclose(item["image"], expected)
    assert construct(Cifar10, split="test", root=str(root))[3]["image"].min() >= -1.0


def test_train_and_val_partition_the_training_batches(cifar_root):
    root = str(cifar_root[0])
    train = construct(Cifar10, split="train", root=root, val_fraction=0.3)
    val = construct(Cifar10, split="val", root=root, val_fraction=0.3)
    assert len(train) + len(val) == 100 and len(val) > 0
    assert not set(train.names) & set(val.names)
    # The root may also be the batches folder itself.
    assert construct(Cifar10, split="val", root=f"{root}/cifar-10-batches-bin", val_fraction=0.3).names == val.names


def test_class_filter_by_name_or_id(cifar_root):
    root = str(cifar_root[0])
    cats = construct(Cifar10, split="train", root=root, classes=["cat"], val_fraction=0.0)
    assert len(cats) == 10 and {cats[i]["label"] for i in range(len(cats))} == {3}
    both = construct(Cifar10, split="test", root=root, classes=[3, "dog"])
    assert sorted(both.labels.tolist()) == [3, 3, 5, 5]
    assert len(construct(Cifar10, split="test", root=root, limit=4)) == 4


def test_truncated_file_is_skipped_and_counted(cifar_root):
    root, _ = cifar_root
    path = root / "cifar-10-batches-bin" / "data_batch_2.bin"
    path.write_bytes(path.read_bytes()[: RECORD_BYTES * 2 + 7])
    with pytest.warns(UnreadableFilesWarning, match=r"skipped 1 unreadable file\(s\) of 6; "
                      r"first: .*data_batch_2.bin: 6153 bytes"):
        train = construct(Cifar10, split="train", root=str(root), val_fraction=0.0)
    assert len(train) == 80 and not any(n.startswith("data_batch_2#") for n in train.names)


def test_bad_label_and_missing_root(tmp_path):
    write_batch(tmp_path / "test_batch.bin", [1, 12], seed=0)
    with pytest.warns(UnreadableFilesWarning), \
            pytest.raises(DataError, match="no readable test_batch for split 'test'.*record 1 has label 12"):
        construct(Cifar10, split="test", root=str(tmp_path))
    with pytest.raises(DataError, match="nowhere does not exist"):
        construct(Cifar10, split="test", root=str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no CIFAR-10 batches in .*empty"):
        construct(Cifar10, split="train", root=str(tmp_path / "empty"))


def test_class_filter_that_empties_a_split(cifar_root):
    with pytest.raises(DataError, match="split 'val' is empty"):
        construct(Cifar10, split="val", root=str(cifar_root[0]), val_fraction=0.0)


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_embedded_default_is_real_photo_crops(split):
    params = {"embedded_train_crops": 8, "embedded_eval_crops": 2}
    check_component("dataset", "cifar10", params, split=split)
    data = construct(Cifar10, split=split, **params)
    assert data[0]["image"].shape == (3, 32, 32) and data[0]["label"] == -1
    assert data[0]["image"].std() > 0.01  # a photo, not a constant


def test_embedded_train_crops_change_per_epoch():
    data = construct(Cifar10, split="train", embedded_train_crops=4)
    assert data.accepts_epoch_key
    assert not torch.equal(data[(0, 1)]["image"], data[(1, 1)]["image"])
    assert torch.equal(data[1]["image"], data[(0, 1)]["image"])


def test_embedded_flips_turn_train_crops_only():
    plain = construct(Cifar10, split="train", embedded_train_crops=4)
    flipped = construct(Cifar10, split="train", embedded_train_crops=4, embedded_flips=True)
    pairs = [(plain[(e, i)]["image"], flipped[(e, i)]["image"]) for e in range(2) for i in range(8)]
    turned = [torch.rot90(a, k, dims=(-2, -1)) for a, _ in pairs for k in range(4)]
    assert any(not torch.equal(a, b) for a, b in pairs)
    for index, (a, b) in enumerate(pairs):  # the same pixels, turned and/or mirrored
        ways = turned[4 * index:4 * index + 4]
        assert any(torch.equal(b, w) or torch.equal(b, w.flip(-1)) for w in ways)
    val = construct(Cifar10, split="val", embedded_eval_crops=2, embedded_flips=True)
    assert torch.equal(val[0]["image"], construct(Cifar10, split="val", embedded_eval_crops=2)[0]["image"])


def test_embedded_scales_reach_train_crops_only():
    scaled = construct(Cifar10, split="train", embedded_train_crops=4, embedded_scales=(0.5, 2.0))
    assert scaled.photos.scales == (0.5, 2.0)
    sides = {min(scaled.photos.scaled[scaled.photos.scale_of(i, e)][0][1].shape[:2])
             for e in range(3) for i in range(4)}
    assert sides == {64, 256}  # the photos' shorter side, embedded_size 128 times each scale
    val = construct(Cifar10, split="val", embedded_eval_crops=2, embedded_scales=(0.5, 2.0))
    assert torch.equal(val[0]["image"], construct(Cifar10, split="val", embedded_eval_crops=2)[0]["image"])
