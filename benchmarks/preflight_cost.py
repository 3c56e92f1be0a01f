"""Cost of the check `corefill run` makes before the first training step
(`corefill/engine/preflight.py`: one batch of masks and one forward pass of the generator
and discriminator on the recipe's own data), on each demo recipe.

    python benchmarks/preflight_cost.py [--rounds 10] [--recipes knee ...] [--all]

Builds each recipe as a run does (on CPU), then times the check: its first call (what a
run pays: it includes first-call costs such as a residual recipe's harmonic-fill solver),
then rounds of it with the one CPU thread it runs with (``preflight.THREADS``) interleaved
with rounds at torch's thread count, best and median of each. Prints milliseconds per
recipe and the problems found (none on the shipped recipes).

2 CPU cores shared with other training jobs (load average 4-5), first call / median ms
with one thread, median with torch's two: knee 44 / 47 / 1630, cifar-ce 17 / 18 / 337,
kaggle-rgb-gan 33 / 99 / 302, masked-autoencoder 55 / 54 / 150, pix2pix-oasis (its batch
of 4) 126 / 101 / 630. With two threads on a quieter moment (load ~2.7) the
first calls were 14-63 ms; on busy cores most of two threads' time is spent waiting for
each other, hence the one thread.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from corefill.engine.preflight import BATCH

ROOT = Path(__file__).resolve().parents[1]
DEMOS = ("knee", "cifar-ce", "kaggle-rgb-gan", "masked-autoencoder", "pix2pix-oasis")


def built(path: Path):
    from corefill.config import load_recipe
    from corefill.engine import build, distributed

    recipe = load_recipe(path)
    device = torch.device("cpu")
    components = build.components(recipe, build.context(None, device),
                                  dist=distributed.from_env(), device=device)
    return recipe, components


def once(recipe, components, threads) -> tuple[float, list[str]]:
    """(ms, problems found) of one check with ``threads`` CPU threads (None: torch's)."""
    from corefill.engine import preflight

    chosen, preflight.THREADS = preflight.THREADS, threads
    try:
        start = time.perf_counter()
        found = preflight.problems(components, recipe, torch.device("cpu"))
        return (time.perf_counter() - start) * 1000, found
    finally:
        preflight.THREADS = chosen


def main() -> None:
    from corefill.engine.preflight import THREADS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--recipes", nargs="*", default=list(DEMOS),
                        help="names in recipes/ (without .yaml)")
    parser.add_argument("--all", action="store_true", help="every recipe in recipes/")
    args = parser.parse_args()
    names = sorted(p.stem for p in (ROOT / "recipes").glob("*.yaml")) if args.all \
        else args.recipes
    print(f"torch threads {torch.get_num_threads()}; the check runs with {THREADS}\n"
          f"{'recipe':<28} {'batch':>5} {'first ms':>9} {'best ms':>8} {'median ms':>10} "
          f"{'torch threads: best':>20} {'median':>7}  problems")
    for name in names:
        start = time.perf_counter()
        recipe, components = built(ROOT / "recipes" / f"{name}.yaml")
        build_s = time.perf_counter() - start
        first, found = once(recipe, components, THREADS)  # what a run pays
        times = {THREADS: [], None: []}
        for _ in range(args.rounds):  # interleaved: the machine's noise hits both alike
            for threads in times:
                times[threads].append(once(recipe, components, threads)[0])
        ours, theirs = times[THREADS], times[None]
        print(f"{name:<28} {min(recipe.data.batch_size, BATCH):>5} {first:>9.1f} "
              f"{min(ours):>8.1f} {statistics.median(ours):>10.1f} {min(theirs):>20.1f} "
              f"{statistics.median(theirs):>7.1f}  {'; '.join(found) or 'none'} "
              f"(build {build_s:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
