"""Tiny real runs for corefill serve's tests: the knee recipe (inpainting) and the pix2pix
recipe (translation, one-hot label maps) trained for one step through the CLI, with their
test reports, and user images of other sizes, channels and depths."""
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from corefill.testing import run_cli

# Helpers beside the tests (serve_helpers) import by plain name.
sys.path.insert(0, str(Path(__file__).parent))
RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def _train(folder: Path, recipe: str, *overrides: str) -> Path:
    args = ["run", str(RECIPES / recipe), "-o", "train.max_steps=1", "--device", "cpu",
            "--out", str(folder)]
    for override in overrides:
        args += ["-o", override]
    assert run_cli(*args) == 0
    return folder


@pytest.fixture(scope="session")
def knee_run(tmp_path_factory) -> Path:
    """A knee run folder: best.pt, report.json (trained vs telea), preprocessing lists."""
    return _train(tmp_path_factory.mktemp("serve") / "knee", "knee.yaml",
                  "data.batch_size=4", "data.dataset.params.train_crops=16",
                  "metrics=[psnr_hole]", "baselines=[telea]")


@pytest.fixture(scope="session")
def knee_paste_run(tmp_path_factory) -> Path:
    """A second knee run, another model beside the first: another seed, and its fill pasted
    as the network gives it (no harmonic fill under it)."""
    return _train(tmp_path_factory.mktemp("serve") / "knee-paste", "knee.yaml",
                  "seed=1", "generator.blend=paste", "data.batch_size=4",
                  "data.dataset.params.train_crops=16", "metrics=[psnr_hole]",
                  "baselines=[telea]")


@pytest.fixture(scope="session")
def pix2pix_run(tmp_path_factory) -> Path:
    """A pix2pix run folder whose generator maps 4-channel one-hot label maps to MRI."""
    return _train(tmp_path_factory.mktemp("serve") / "pix2pix", "pix2pix-oasis.yaml",
                  "data.batch_size=2", "data.dataset.params.limit=4",
                  "data.dataset.params.input_encoding=onehot",
                  "generator.params.base_channels=8", "discriminator.params.base_channels=8",
                  "metrics=[psnr_full]")


@pytest.fixture(scope="session")
def photo() -> np.ndarray:
    """A real RGB photo at an odd size (150 x 100), not the model's 64 x 64 grey."""
    from skimage import data

    return cv2.resize(data.astronaut(), (150, 100), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="session")
def camera() -> np.ndarray:
    """A real 512 x 512 grey photo (scikit-image's camera man), 8 times the model's side."""
    from skimage import data

    return data.camera()[:, :, None]


@pytest.fixture(scope="session")
def served(knee_run, knee_paste_run):
    """`corefill serve` with two checkpoints (knee, then knee-paste), started as a user
    starts it, in a subprocess on a free port; its URL once it answers."""
    import subprocess

    from browser_helpers import start_server

    command = [sys.executable, "-c", "from corefill.cli import main; main()", "serve",
               "--checkpoint", str(knee_run / "checkpoints" / "best.pt"),
               "--checkpoint", str(knee_paste_run / "checkpoints" / "best.pt")]
    process, url = start_server(command)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless chromium through its chromedriver (Selenium)."""
    from browser_helpers import start_browser

    driver = start_browser()
    yield driver
    driver.quit()
