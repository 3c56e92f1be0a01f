"""loss_curves.png panels (G apart from D, log scale where a loss spans decades, validation
scores by epoch with the baselines as flat lines) and sample grids labelled on the image."""
import math

import torch
from PIL import Image

from corefill.engine import curves
from corefill.engine.grids import labelled_grid, short_name


def history():
    train = [{"type": "train", "step": s, "epoch": 1 + s // 100,
              "loss/g_total": 2e4 * math.exp(-s / 60) + 50, "loss/l1": 2e4 * math.exp(-s / 60),
              "loss/d_total": 1.2, "loss/critic": -0.3, "images_per_s": 30.0}
             for s in range(10, 301, 10)]
    val = [{"type": "val", "step": 100 * e, "epoch": e, "psnr_hole": 15.0 + e, "fid": 200.0 - e,
            "loss": 300.0 / e} for e in (1, 2, 3)]
    baselines = [{"type": "val-baseline", "model": "navier-stokes", "step": 100, "epoch": 1,
                  "psnr_hole": 18.5, "fid": 180.0},
                 {"type": "val-baseline", "model": "mean-fill", "step": 100, "epoch": 1,
                  "psnr_hole": 14.0}]
    return train + val + baselines + [{"type": "val", "step": 310, "epoch": 4, "partial": True,
                                       "psnr_hole": 19.0, "fid": 196.0, "loss": 70.0}]


def test_generator_and_discriminator_losses_get_their_own_panels_and_scales(tmp_path):
    panels = {p["title"]: p for p in curves.panels(history())}
    assert list(panels) == ["generator losses", "discriminator losses",
                            "validation psnr_hole", "validation fid"]
    generator, discriminator = panels["generator losses"], panels["discriminator losses"]
    assert set(generator["series"]) == {"g_total", "l1", "validation loss"}
    assert set(discriminator["series"]) == {"d_total", "critic"}
    assert generator["log"] and not discriminator["log"]  # a negative critic loss: linear
    assert panels["validation fid"]["x"] == "epoch"
    assert [e for e, _ in panels["validation fid"]["series"]["fid"]] == [1, 2, 3, 4]
    # baselines: flat lines on the panels of the metrics they were scored on
    assert panels["validation psnr_hole"]["levels"] == {"navier-stokes": 18.5, "mean-fill": 14.0}
    assert panels["validation fid"]["levels"] == {"navier-stokes": 180.0}
    path = curves.plot(history(), tmp_path / "loss_curves.png")
    assert Image.open(path).size == (3 * 420, 2 * 320)


def test_log_scale_only_for_positive_losses_spanning_decades():
    assert curves.wants_log_scale([1e4, 3.0]) and not curves.wants_log_scale([0.9, 0.2])
    assert not curves.wants_log_scale([1e4, 0.0]) and not curves.wants_log_scale([])
    assert curves.is_discriminator_loss("d_total") and not curves.is_discriminator_loss("bce")


def test_grid_is_labelled_on_the_image_and_small_tiles_are_enlarged():
    rows = [(label, torch.full((3, 1, 16, 16), value)) for label, value in
            (("real", 0.0), ("masked input", 0.5), ("output", 1.0))]
    grid = labelled_grid(rows, names=["/data/knee/train/1/9001000R.png", "b", "c"])
    _, height, width = grid.shape
    assert height > 3 * 128 and width > 3 * 128  # 16 px tiles shown at 128 px
    label_strip = grid[:, 20:, :40]  # left of the tiles: the row labels' ink
    assert (label_strip < 0.5).any()
    header = grid[:, :12, 100:]  # above the tiles: the column names' ink
    assert (header < 0.5).any()
    assert short_name("/data/knee/train/1/9001000R.png", lambda t: len(t) <= 40) == "9001000R.png"
    # crops of one file differ at the end: the end is kept
    assert short_name("RG3_UNCR.dcm#y64x128", lambda t: len(t) <= 10) == "…m#y64x128"
