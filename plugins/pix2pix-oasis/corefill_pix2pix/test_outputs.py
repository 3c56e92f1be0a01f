"""Generate the whole test split of a finished run into ``RUN/test_outputs/<name>.png``.

The engine has no per-plugin "after training" step yet, so this is a function the engine
(or a user) can call, plus a command::

    python -m corefill_pix2pix.test_outputs RUN [--checkpoint best|last] [--device cpu]

Each PNG is the generator's output for one test item (8-bit grey, the dataset's value
range mapped to 0..255), named by the item's ``name``; files are written atomically.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader

from corefill.errors import CheckpointError


def to_uint8(image: torch.Tensor, value_range: tuple[float, float]) -> np.ndarray:
    """(C, H, W) in ``value_range`` -> (H, W) or (H, W, C) uint8."""
    low, high = value_range
    unit = ((image.float() - low) / (high - low)).clamp(0, 1)
    array = (unit * 255).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy()
    return array[:, :, 0] if array.shape[2] == 1 else array[:, :, ::-1]  # cv2 wants BGR


def write_png(path: Path, array: np.ndarray) -> None:
    ok, encoded = cv2.imencode(".png", array)
    if not ok:
        raise OSError(f"{path}: PNG encoding failed")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(encoded.tobytes())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@torch.no_grad()
def generate_split(generator, dataset, out_dir: Path, *, batch_size: int = 8,
                   device: str | torch.device = "cpu") -> list[Path]:
    """Run ``generator`` over every item of ``dataset``; one PNG per item in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    value_range = tuple(getattr(dataset, "value_range", (-1.0, 1.0)))
    generator = generator.to(device).eval()
    written = []
    for batch in DataLoader(dataset, batch_size=batch_size, shuffle=False):
        source = batch["input"].to(device)
        mask = torch.ones_like(source[:, :1])  # pix2pix generates the whole image
        for name, image in zip(batch["name"], generator(source, mask)):
            path = out_dir / f"{name}.png"
            write_png(path, to_uint8(image, value_range))
            written.append(path)
    return written


def write_test_outputs(run_folder: str | Path, *, checkpoint: str = "best",
                       device: str = "cpu", registries=None) -> list[Path]:
    """Load the run's generator (``best``, falling back to ``last``) and generate the test
    split of its recipe into ``run_folder/test_outputs/``."""
    from corefill.engine import load_generator
    from corefill.engine.build import dataset

    folder = Path(run_folder)
    path = folder / "checkpoints" / f"{checkpoint}.pt"
    if not path.is_file():
        path = folder / "checkpoints" / "last.pt"
    if not path.is_file():
        raise CheckpointError(f"{folder}: no checkpoints/{checkpoint}.pt or last.pt to generate from")
    generator, recipe = load_generator(path, device=device, registries=registries)
    if registries is None:
        from corefill.plugins import registries as installed

        registries = installed()
    test_set = dataset(recipe, registries, "test")
    batch_size = recipe.data.eval_batch_size or recipe.data.batch_size
    return generate_split(generator, test_set, folder / "test_outputs",
                          batch_size=batch_size, device=device)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a run's test split into RUN/test_outputs/.")
    parser.add_argument("run_folder")
    parser.add_argument("--checkpoint", choices=["best", "last"], default="best")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    written = write_test_outputs(args.run_folder, checkpoint=args.checkpoint, device=args.device)
    print(f"wrote {len(written)} images to {Path(args.run_folder) / 'test_outputs'}")


if __name__ == "__main__":
    main()
