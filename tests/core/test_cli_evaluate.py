"""`corefill evaluate`: baselines scored on a recipe's test split, from the command line."""
import json

import numpy as np
from PIL import Image

from fake_plugins import run_cli

RECIPE = """
name: baselines
data:
  dataset: {name: image-folder, params: {root: %s, channels: 1, size: 32}}
  batch_size: 4
masker: {name: center, params: {fraction: 0.25}}
generator: mean-fill
losses: [l1-hole]
metrics: [psnr_hole, psnr_full]
baselines: [telea, mean-fill]
"""


def _smooth_images(folder, count=12):
    folder.mkdir()
    yy, xx = np.mgrid[0:32, 0:32]
    for k in range(count):
        image = 128 + 100 * np.sin(xx / (4 + k) + k) * np.cos(yy / (5 + k))
        Image.fromarray(image.clip(0, 255).astype(np.uint8)).save(folder / f"img{k:02d}.png")


def test_evaluate_scores_baselines_on_the_test_split(tmp_path):
    _smooth_images(tmp_path / "images")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE % (tmp_path / "images"))
    result = run_cli(["evaluate", str(recipe), "--out", str(tmp_path / "eval")])
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    telea = report["models"]["telea"]["metrics"]
    mean_fill = report["models"]["mean-fill"]["metrics"]
    # Smooth images: diffusion inpainting beats a flat fill; full-image PSNR counts known pixels too.
    assert telea["psnr_hole"] > mean_fill["psnr_hole"]
    assert telea["psnr_full"] > telea["psnr_hole"]
    assert "telea: psnr_hole" in result.stdout
