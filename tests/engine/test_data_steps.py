"""Masking wrapper, sampler, compositing, hole-box paste/crop and evaluation bins."""
import torch

from torch.utils.data import DataLoader, default_collate

from corefill.engine.data import (EpochSampler, MaskedDataset, eval_loader, hole_box, hole_boxes,
                                  to_unit, train_loader)
from corefill.nn.holes import hole_bounds
from corefill.maskers.boxes import CenterMasker, RandomBoxMasker
from corefill.maskers.params import CenterParams, RandomBoxParams
from corefill.engine.scoring import Model, evaluate_models
from corefill.engine.composite import complete, crop, discriminator_view, paste
from toy_components import BoxMasker, MAEHole, MeanPixel, ToyDataset


def masked(split, **kwargs):
    return MaskedDataset(ToyDataset(split=split, count=8, **kwargs), BoxMasker(box=4),
                         seed=7, split=split)


def test_train_masks_depend_on_epoch_and_index_eval_masks_on_name_only():
    train = masked("train")
    assert torch.equal(train[(1, 3)]["mask"], masked("train")[(1, 3)]["mask"])
    epochs = [train[(epoch, 3)]["mask"] for epoch in range(6)]
    assert any(not torch.equal(epochs[0], m) for m in epochs[1:])
    val = masked("val")
    item = val[2]
    assert torch.equal(item["mask"], masked("val")[2]["mask"])
    assert item["mask"].shape == (1, 16, 16) and item["mask"].sum() == 16
    # input defaults to the image with the hole blanked
    assert torch.equal(item["input"], item["image"] * (1 - item["mask"]))
    top, left, height, width = item["hole_box"].tolist()
    assert (height, width) == (4, 4) and item["mask"][0, top, left] == 1


class SomeBringInput(ToyDataset):
    def __getitem__(self, index):
        item = super().__getitem__(index)
        return {**item, "input": item["image"] * 0.5} if index % 2 else item


def same_batch(fast: dict, slow: dict) -> None:
    assert fast.keys() == slow.keys()
    for key, value in slow.items():
        assert torch.equal(fast[key], value) if isinstance(value, torch.Tensor) else fast[key] == value


def test_loaders_fetch_whole_batches_that_equal_item_by_item_reading():
    maskers = [RandomBoxMasker(RandomBoxParams(count=2)), CenterMasker(CenterParams(size=5)), None]
    for masker in maskers:
        data = MaskedDataset(ToyDataset(split="train", count=12), masker, seed=3, split="train")
        loader = train_loader(data, batch_size=4, num_workers=0, seed=3, rank=0, world=1,
                              pin_memory=False)
        loader.sampler.set_epoch(2)
        keys = list(loader.sampler)
        for number, batch in enumerate(loader):
            same_batch(batch, default_collate([data[k] for k in keys[4 * number:4 * number + 4]]))
        plain = DataLoader(data, batch_size=4)  # a user's own loader still gets whole items
        assert {"input", "hole_box"} <= set(next(iter(plain)))
    mixed = MaskedDataset(SomeBringInput(split="train", count=4), maskers[0], seed=3, split="train")
    same_batch(next(iter(train_loader(mixed, batch_size=4, num_workers=0, seed=3, rank=0, world=1,
                                      pin_memory=False))),
               default_collate([mixed[k] for k in EpochSampler(mixed, rank=0, world=1, seed=3)]))
    val = MaskedDataset(ToyDataset(split="val", count=7), maskers[0], seed=3, split="val")
    batches = list(eval_loader(val, batch_size=3, num_workers=0, pin_memory=False, limit=5))
    assert [len(b["name"]) for b in batches] == [3, 2]
    same_batch(batches[1], default_collate([val[3], val[4]]))


def test_batch_hole_boxes_equal_each_masks_box_and_no_hole_is_the_whole_image():
    masks = (torch.rand(6, 2, 9, 13, generator=torch.Generator().manual_seed(0)) > 0.95).float()
    masks[0], masks[1] = 0, 1
    each = [hole_bounds(m) or (0, 0, 9, 13) for m in masks]  # the box the step pastes into
    assert hole_boxes(masks).tolist() == [list(box) for box in each]
    assert all(hole_box(m).tolist() == list(box) for m, box in zip(masks, each))
    assert hole_boxes(masks)[0].tolist() == [0, 0, 9, 13]


def test_item_mask_and_input_are_kept_and_no_masker_means_whole_image():
    class WithMask(ToyDataset):
        def __getitem__(self, index):
            item = super().__getitem__(index)
            item["mask"] = torch.zeros(1, 16, 16)
            item["mask"][:, :2] = 1
            return item

    item = MaskedDataset(WithMask(split="val", paired=True), BoxMasker(box=4), seed=0,
                         split="val")[0]
    assert item["mask"].sum() == 32 and item["hole_box"].tolist() == [0, 0, 2, 16]
    assert torch.equal(item["input"], (item["image"] > 0).float() * 2 - 1)
    whole = MaskedDataset(ToyDataset(split="val", paired=True), None, seed=0, split="val")[0]
    assert torch.equal(whole["mask"], torch.ones(1, 16, 16))
    assert hole_box(torch.zeros(1, 5, 7)).tolist() == [0, 0, 5, 7]


def test_epoch_sampler_shards_shuffles_per_epoch_and_skips():
    data = list(range(10))
    ranks = [EpochSampler(data, rank=r, world=2, seed=1) for r in range(2)]
    for sampler in ranks:
        sampler.set_epoch(3)
    pairs = [list(s) for s in ranks]
    assert {e for p in pairs for e, _ in p} == {3}
    assert sorted(i for p in pairs for _, i in p) == data
    again = EpochSampler(data, rank=0, world=2, seed=1)
    again.set_epoch(4)
    assert [i for _, i in again] != [i for _, i in pairs[0]]
    ranks[0].skip = 2
    assert list(ranks[0]) == pairs[0][2:] and len(ranks[0]) == 3


def test_complete_composites_and_pastes_hole_box_patches_with_gradients():
    image = torch.rand(2, 1, 8, 8)
    mask = torch.zeros(2, 1, 8, 8)
    mask[0, :, 1:4, 2:5] = 1
    mask[1, :, 4:7, 0:3] = 1
    boxes = torch.stack([hole_box(m) for m in mask])
    batch = {"image": image, "mask": mask, "input": image * (1 - mask), "hole_box": boxes}
    patch = torch.full((2, 1, 3, 3), 5.0, requires_grad=True)
    out = complete(lambda inp, m: patch, batch, "hole_box")
    assert torch.equal(out[mask.bool()], torch.full((18,), 5.0))
    assert torch.equal(out[~mask.bool()], image[~mask.bool()])
    out.sum().backward()
    assert torch.equal(patch.grad, torch.ones_like(patch))
    full = torch.full_like(image, -1.0)
    assert torch.equal(complete(lambda i, m: full, batch, None),
                       mask * full + (1 - mask) * image)
    assert crop(out, boxes).shape == (2, 1, 3, 3) and crop(out, boxes).eq(5).all()
    assert discriminator_view("conditional", out, batch).shape == (2, 2, 8, 8)
    same = boxes[:1].expand(2, 4)
    assert torch.equal(paste(patch.detach(), image, same)[:, :, 1:4, 2:5],
                       torch.full((2, 1, 3, 3), 5.0))


def test_evaluate_bins_by_mask_area_and_maps_to_unit_range():
    assert torch.equal(to_unit(torch.tensor([-1.0, 0.0, 1.0, 3.0]), (-1, 1)),
                       torch.tensor([0.0, 0.5, 1.0, 1.0]))
    items = []
    for side in (2, 6, 16):  # 1.6%, 14%, 100% of a 16x16 image
        mask = torch.zeros(1, 16, 16)
        mask[:, :side, :side] = 1
        items.append({"image": torch.zeros(1, 16, 16), "mask": mask, "name": str(side)})
    dataset = MaskedDataset(items, None, seed=0, split="test")
    loader = torch.utils.data.DataLoader(dataset, batch_size=2)
    fill = Model("ones", "ones", lambda inp, m: torch.ones_like(inp))
    result = evaluate_models([fill], loader, metrics_factory=lambda: [MAEHole(), MeanPixel()],
                             value_range=(-1.0, 1.0), device=torch.device("cpu"))["ones"]
    assert result["count"] == 3
    assert result["metrics"]["mae_hole"] == 0.5  # 1 vs 0 in [-1, 1] is 1.0 vs 0.5 in [0, 1]
    expected_all = 0.5 * (4 + 36 + 256) / (3 * 256)
    assert abs(result["metrics"]["mae_all"] - expected_all) < 1e-6
    assert result["by_mask_area"] == {"0-10%": {"count": 1, "mae_hole": 0.5},
                                      "10-20%": {"count": 1, "mae_hole": 0.5},
                                      "50-100%": {"count": 1, "mae_hole": 0.5}}


def test_progress_uses_rich_on_a_terminal_and_plain_lines_otherwise():
    import io

    from corefill.engine.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, rich in ((Terminal(), True), (io.StringIO(), False)):
        progress = Progress(stream=stream)
        assert progress.rich is rich
        progress.start_epoch(0, 2, 4)
        progress.advance(2)
        progress.losses(2, {"g_total": 0.25}, 12.0)
        progress.end_epoch()
        text = stream.getvalue()
        assert "epoch 1/2" in text and "g_total=0.25" in text
        assert ("step 2:" in text) is not rich
    silent = io.StringIO()
    Progress(enabled=False, stream=silent).line("rank 1")
    assert silent.getvalue() == ""


def test_datasets_that_accept_epoch_keys_get_the_epoch():
    class EpochAware(ToyDataset):
        accepts_epoch_key = True

        def __getitem__(self, key):
            epoch, index = key if isinstance(key, tuple) else (-1, key)
            item = super().__getitem__(index)
            item["epoch"] = epoch
            return item

    wrapped = MaskedDataset(EpochAware(split="train"), None, seed=0, split="train")
    assert wrapped[(5, 1)]["epoch"] == 5 and wrapped[1]["epoch"] == -1
    plain = MaskedDataset(ToyDataset(split="train"), None, seed=0, split="train")
    assert plain[(5, 1)]["name"] == "train-1"


def test_importing_the_engine_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, corefill.engine; assert 'torch' not in sys.modules, 'torch imported'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_item_without_hole_does_not_poison_the_mean():
    from corefill.engine.scoring import _summarise, _Tally

    tally = _Tally(metrics=[], per_sample={"psnr_hole": [torch.tensor([30.0, float("nan"), 20.0])]})
    result = _summarise(tally, torch.tensor([10.0, 0.0, 12.0]), 3)
    assert result["metrics"]["psnr_hole"] == 25.0
    assert result["by_mask_area"]["10-20%"]["psnr_hole"] == 25.0
