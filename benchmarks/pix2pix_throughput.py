"""pix2pix training throughput: corefill's engine beside a plain eager PyTorch loop.

The paper's setting by default (recipes/pix2pix-oasis-256.yaml: 256², unet_256 + 70×70
PatchGAN, batch 1, BCE + 100·L1, Adam 2e-4) on the MNI152 slices the plugin embeds. In one
process, interleaved rounds: the engine's img/s with its defaults, a plain eager loop with
default ``torch.optim.Adam`` on copies of the same networks and the same batches (the way
the reference implementation trains), and their ratio (goal on a 2-core CPU: >= 1.25).

    python benchmarks/pix2pix_throughput.py [--rounds 3] [--steps 4] [--threads N]
        [--device auto] [-o data.dataset.params.size=128 -o ...]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from engine_vs_eager import compare, report

RECIPE = Path(__file__).resolve().parents[1] / "recipes" / "pix2pix-oasis-256.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=4, help="batches per round and loop")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    parser.add_argument("-o", "--override", action="append", default=[],
                        help="recipe override, dotted.key=value")
    args = parser.parse_args()
    result = compare(RECIPE, args.override, steps=args.steps, rounds=args.rounds,
                     threads=args.threads or None, device=args.device)
    report("pix2pix (recipes/pix2pix-oasis-256.yaml)", result, args.rounds, args.steps)


if __name__ == "__main__":
    main()
