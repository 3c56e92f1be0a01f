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

from pathlib import Path

from engine_vs_eager import arguments, compare, report

RECIPE = Path(__file__).resolve().parents[1] / "recipes" / "pix2pix-oasis-256.yaml"


def main() -> None:
    args = arguments(__doc__.splitlines()[0], steps=4).parse_args()
    result = compare(RECIPE, args.override, steps=args.steps, rounds=args.rounds,
                     threads=args.threads or None, device=args.device)
    report("pix2pix (recipes/pix2pix-oasis-256.yaml)", result, args.rounds, args.steps)


if __name__ == "__main__":
    main()
