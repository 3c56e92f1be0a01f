"""`corefill.load(path).inpaint(image, mask)`: the CLI's results for images held in memory,
from a checkpoint and from an exported model; numpy, PIL and torch in and out."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from click.testing import CliRunner

import corefill
from corefill.cli import cli, main
from corefill.errors import DataError

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """knee.yaml trained for two real steps through the CLI."""
    folder = tmp_path_factory.mktemp("knee") / "run"
    result = CliRunner().invoke(cli, [
        "run", str(RECIPES / "knee.yaml"), "-o", "train.max_steps=2", "-o", "metrics=[psnr_hole]",
        "-o", "baselines=[]", "--out", str(folder)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return folder / "checkpoints" / "last.pt"


@pytest.fixture(scope="module")
def scan():
    """A 16-bit grey photo of another size than the model's, and a stroke with a box."""
    from skimage import data

    image = cv2.resize(data.camera(), (150, 110), interpolation=cv2.INTER_AREA)
    pixels = image.astype(np.uint16) * 257
    hole = np.zeros(pixels.shape, np.uint8)
    cv2.line(hole, (5, 100), (140, 20), 1, 3)
    hole[10:30, 20:40] = 1
    return pixels, hole


def test_numpy_in_memory_gives_the_cli_result(checkpoint, scan, tmp_path):
    pixels, hole = scan
    (tmp_path / "in").mkdir(), (tmp_path / "masks").mkdir()
    cv2.imwrite(str(tmp_path / "in" / "scan.png"), pixels)
    cv2.imwrite(str(tmp_path / "masks" / "scan.png"), hole * 255)
    main(["inpaint", "--checkpoint", str(checkpoint), str(tmp_path / "in"), "--masks",
          str(tmp_path / "masks"), "--out", str(tmp_path / "out")])
    from_cli = cv2.imread(str(tmp_path / "out" / "scan_inpainted.png"), cv2.IMREAD_UNCHANGED)
    result = corefill.load(checkpoint).inpaint(pixels, hole)
    assert result.dtype == np.uint16 and result.shape == pixels.shape
    assert np.array_equal(result, from_cli)
    assert np.array_equal(result[hole == 0], pixels[hole == 0])
    assert np.abs(result[hole == 1].astype(float) - pixels[hole == 1]).mean() > 100


def test_pil_and_torch_come_back_as_they_came(checkpoint, scan):
    from PIL import Image

    pixels, hole = scan
    model = corefill.load(checkpoint)
    eight = (pixels // 257).astype(np.uint8)
    reference = model.inpaint(eight, hole)
    out = model.inpaint(Image.fromarray(eight), Image.fromarray(hole * 255))
    assert isinstance(out, Image.Image) and np.array_equal(np.asarray(out), reference)
    tensor = torch.from_numpy(pixels.astype(np.float32) / 65535)[None, None]
    filled = model.inpaint(tensor, torch.from_numpy(hole.astype(np.float32)))
    assert filled.shape == tensor.shape and filled.dtype == torch.float32
    known = torch.from_numpy(hole == 0)
    assert torch.equal(filled[0, 0][known], tensor[0, 0][known])
    as_uint16 = model.inpaint(pixels, hole)
    assert np.abs(filled[0, 0].numpy() * 65535 - as_uint16).max() <= 1.0


def test_an_exported_model_loads_the_same_way(checkpoint, scan, tmp_path):
    pixels, hole = scan
    out = tmp_path / "knee.torchscript.pt"
    main(["export", "--checkpoint", str(checkpoint), "--format", "torchscript", "--out", str(out)])
    exported = corefill.load(out)
    assert exported.spec["holes"] == corefill.load(checkpoint).spec["holes"]
    difference = exported.inpaint(pixels, hole).astype(float) - corefill.load(checkpoint).inpaint(
        pixels, hole)
    assert np.abs(difference).max() <= 0.01 * 65535


def test_bad_masks_are_one_line(checkpoint, scan, tmp_path, capsys):
    pixels, hole = scan
    model = corefill.load(checkpoint)
    with pytest.raises(DataError, match="shape"):
        model.inpaint(pixels, hole[:50])
    with pytest.raises(DataError, match="covers the whole image"):
        model.inpaint(pixels, np.ones_like(hole))
    (tmp_path / "in").mkdir(), (tmp_path / "masks").mkdir()
    cv2.imwrite(str(tmp_path / "in" / "a.png"), pixels)
    cv2.imwrite(str(tmp_path / "masks" / "a.png"), np.full(hole.shape, 255, np.uint8))
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["inpaint", "--checkpoint", str(checkpoint), str(tmp_path / "in"), "--masks",
              str(tmp_path / "masks"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert done.value.code == 2 and len(err) == 1
    assert err[0].startswith("error:") and "a.png: the mask covers the whole image" in err[0]


def test_a_hole_unlike_the_training_holes_is_one_warning_line_per_image(checkpoint, scan,
                                                                       tmp_path, capsys):
    pixels, hole = scan
    (tmp_path / "in").mkdir(), (tmp_path / "masks").mkdir()
    huge = np.zeros(hole.shape, np.uint8)
    huge[3:-3, 3:-3] = 255  # nearly the whole image: far thicker than any training hole
    for name, mask in (("odd", huge), ("usual", hole * 255)):
        cv2.imwrite(str(tmp_path / "in" / f"{name}.png"), pixels)
        cv2.imwrite(str(tmp_path / "masks" / f"{name}.png"), mask)
    capsys.readouterr()
    main(["inpaint", "--checkpoint", str(checkpoint), str(tmp_path / "in"), "--masks",
          str(tmp_path / "masks"), "--out", str(tmp_path / "out")])
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and warnings[0].startswith("warning: odd.png: a hole "), warnings
    assert "trained on" in warnings[0] and "its fill may be poor" in warnings[0]
    model = corefill.load(checkpoint)
    model.inpaint(pixels, huge > 0)
    assert len(model.notes) == 1
    model.inpaint(pixels, hole)
    assert model.notes == []
