"""Generator inference speed: eager PyTorch, frozen TorchScript and onnxruntime, in one run.

The knee context encoder and the pix2pix U-Net as the demo recipes build them (``--full``:
the full-setting recipes), random weights (speed does not depend on their values), each
path timed on the same inputs at batch 1 and 8, interleaved in rounds so machine noise
hits them alike. Prints img/s (best round and median), the ratio to eager and the max
abs difference to eager (``inpaint``'s paths must agree within 1e-4).

- eager: the module under ``torch.no_grad()`` (what ``corefill inpaint --checkpoint`` runs);
- torchscript-frozen: ``torch.jit.freeze`` of the traced module in eval mode;
- onnxruntime: the model ``corefill export --format onnx`` writes, CPU execution provider.

Both runtimes get the same thread count (``--threads``, default torch's). On a loaded
machine (more runnable threads than cores) torch's 2-thread OpenMP runs collapse; compare
with ``--threads 1`` there.

Usage: python benchmarks/inference_speed.py [--rounds 5] [--seconds 1.0] [--threads N] [--full]
"""
from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import torch

from corefill.config import load_recipe
from corefill.engine.inference import exported
from corefill.export import writer
from corefill.plugins import resolve_registries
from corefill.registry import BuildContext, build

RECIPES = Path(__file__).resolve().parents[1] / "recipes"
# recipe -> (image channels, input channels, size, hole box side or None); from the data
# the recipes build (knee: grey radiographs; pix2pix: one scaled label channel -> grey MRI).
MODELS = {
    "knee": {"demo": ("knee.yaml", 1, 1, 64, 32), "full": ("knee-full.yaml", 1, 1, 128, 64)},
    "pix2pix": {"demo": ("pix2pix-oasis.yaml", 1, 1, 128, None),
                "full": ("pix2pix-oasis-256.yaml", 1, 1, 256, None)},
}


def generator(name: str, setting: str) -> tuple[torch.nn.Module, tuple]:
    recipe_file, channels, in_channels, size, box = MODELS[name][setting]
    registries = resolve_registries(None)
    recipe = load_recipe(RECIPES / recipe_file, registries=registries)
    context = BuildContext(registries=registries, value_range=(-1.0, 1.0), channels=channels,
                           input_channels=in_channels)
    torch.manual_seed(0)
    module = build(registries.get("generator", recipe.generator.name), recipe.generator.params,
                   context).eval()
    return module, (in_channels, size, box)


def inputs(shape: tuple, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    in_channels, size, box = shape
    image = torch.rand(batch, in_channels, size, size, generator=torch.Generator().manual_seed(batch)) * 2 - 1
    mask = torch.ones(batch, 1, size, size)
    if box:
        mask.zero_()
        start = (size - box) // 2
        mask[:, :, start:start + box, start:start + box] = 1.0
    return image * (1 - mask) if box else image, mask


def paths(module: torch.nn.Module, example: tuple) -> dict:
    """name -> callable(input, mask) for each inference path."""
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        frozen = torch.jit.freeze(torch.jit.trace(module, example, check_trace=False).eval())
    meta = exported.metadata({"size": [1, 1], "channels": 1, "value_range": [-1, 1],
                              "mask_polarity": "1=hole", "output_region": "full",
                              "conditional_input": False}, seed=0, generator="bench",
                             checkpoint="none")
    onnx_runner = exported.OnnxRunner.open(writer.onnx_bytes(module, example, meta),
                                           threads=torch.get_num_threads())

    def eager(input, mask):
        with torch.no_grad():
            return module(input, mask)

    def script(input, mask):
        with torch.no_grad():
            return frozen(input, mask)

    return {"eager": eager, "torchscript-frozen": script, "onnxruntime": onnx_runner}


def rate(run, batch_inputs: tuple, seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while True:
        run(*batch_inputs)
        done += batch_inputs[0].shape[0]
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="per path, batch and round")
    parser.add_argument("--full", action="store_true", help="the full-setting recipes' networks")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch and onnxruntime threads (default: torch's own count)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    setting = "full" if args.full else "demo"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {setting} networks")
    print(f"{'model':<9} {'batch':>5} {'path':<20} {'best img/s':>10} {'median':>8} "
          f"{'x eager':>8} {'max |diff|':>11}")
    for name in MODELS:
        module, shape = generator(name, setting)
        runners = paths(module, inputs(shape, 2))
        for batch in (1, 8):
            data = inputs(shape, batch)
            expected = runners["eager"](*data)
            diffs = {k: float((r(*data) - expected).abs().max()) for k, r in runners.items()}
            for run in runners.values():  # warm-up (first calls allocate, optimise)
                run(*data)
            results: dict[str, list[float]] = {k: [] for k in runners}
            for _ in range(args.rounds):
                for key, run in runners.items():
                    results[key].append(rate(run, data, args.seconds))
            eager = statistics.median(results["eager"])
            for key, samples in results.items():
                median = statistics.median(samples)
                print(f"{name:<9} {batch:>5} {key:<20} {max(samples):>10.1f} {median:>8.1f} "
                      f"{median / eager:>8.2f} {diffs[key]:>11.2g}")


if __name__ == "__main__":
    main()
