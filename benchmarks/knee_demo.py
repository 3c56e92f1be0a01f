"""The README demo, timed: `corefill run recipes/knee.yaml` on the embedded radiographs.

    python benchmarks/knee_demo.py [--steps-only] [-o key=value ...]

Prints the training throughput of the recipe's context encoder + discriminator (one
adversarial step per batch, as the engine does), then — unless --steps-only — runs the
whole recipe into a temporary folder and prints wall time and the test-split hole PSNR /
SSIM of the model next to each baseline (the figures the run's report.md holds).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

RECIPE = Path(__file__).resolve().parents[1] / "recipes" / "knee.yaml"


def step_throughput(recipe, steps: int = 20) -> float:
    import torch
    import torch.nn.functional as F

    from corefill.plugins import registries
    from corefill.registry import build

    regs = registries()
    g = build(regs.get("generator", recipe.generator.name), recipe.generator.params)
    d = build(regs.get("discriminator", recipe.discriminator.name), recipe.discriminator.params)
    size, batch = g.image_size, recipe.data.batch_size
    x = torch.randn(batch, 1, size, size)
    mask = torch.zeros(batch, 1, size, size)
    lo, hi = size // 4, 3 * size // 4
    mask[..., lo:hi, lo:hi] = 1
    og, od = torch.optim.Adam(g.parameters()), torch.optim.Adam(d.parameters())
    bce = torch.nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    for i in range(steps + 3):
        if i == 3:
            start = time.perf_counter()
        out = g(x * (1 - mask), mask)
        real = x[..., lo:hi, lo:hi]
        loss_d = bce(d(real), ones) + bce(d(out.detach()), zeros)
        od.zero_grad()
        loss_d.backward()
        od.step()
        loss_g = F.mse_loss(out, real) + 1e-3 * bce(d(out), ones)
        og.zero_grad()
        loss_g.backward()
        og.step()
    return steps * batch / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-only", action="store_true")
    parser.add_argument("-o", "--override", action="append", default=[])
    args = parser.parse_args()
    from corefill.config import load_recipe

    recipe = load_recipe(RECIPE, args.override)
    rate = step_throughput(recipe)
    print(f"training throughput: {rate:.0f} images/s (batch {recipe.data.batch_size})")
    if args.steps_only:
        return
    from corefill.engine import run

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        run(recipe, out_dir=folder, device="cpu")
        wall = time.perf_counter() - start
        report = json.loads((Path(folder) / "report.json").read_text())
    print(f"wall time: {wall / 60:.1f} min ({report['images']} test crops)")
    for key, model in report["models"].items():
        metrics = model["metrics"]
        print(f"  {key:14s} psnr_hole {metrics['psnr_hole']:6.2f} dB   "
              f"ssim_hole {metrics['ssim_hole']:.3f}")


if __name__ == "__main__":
    main()
