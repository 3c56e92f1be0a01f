"""Knee context-encoder training throughput: corefill's engine beside a plain eager loop.

recipes/knee.yaml by default (64² crops of the embedded radiographs, batch 32, context
encoder + hole discriminator, 0.999·L2 + 0.001·BCE, Adam); ``--full`` takes
recipes/knee-full.yaml (128², batch 64). In one process, interleaved rounds: the engine's
img/s with its defaults, a plain eager loop with default ``torch.optim.Adam`` on copies of
the same networks and the same batches, and their ratio (goal on a 2-core CPU: >= 1.25).

    python benchmarks/knee_throughput.py [--full] [--rounds 3] [--steps 10] [--threads N]
        [--device auto]
"""
from __future__ import annotations

from pathlib import Path

from engine_vs_eager import arguments, compare, report

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], steps=10)
    parser.add_argument("--full", action="store_true", help="recipes/knee-full.yaml")
    args = parser.parse_args()
    recipe = RECIPES / ("knee-full.yaml" if args.full else "knee.yaml")
    result = compare(recipe, args.override, steps=args.steps, rounds=args.rounds,
                     threads=args.threads or None, device=args.device)
    report(f"knee context encoder (recipes/{recipe.name})", result, args.rounds, args.steps)


if __name__ == "__main__":
    main()
