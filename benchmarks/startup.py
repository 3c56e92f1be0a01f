"""Startup time of the light CLI commands next to `import torch`, in one run.

The light commands never import torch; this prints how much that saves. ``--help``
imports neither pydantic nor the recipe schema (the commands import them when they run)
and has a target: at most 0.25 s on the 2-core dev machine (exit status 1 if missed).
Usage: python benchmarks/startup.py [RECIPE] [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


TARGETS = {"corefill --help": 0.25, "corefill run --help": 0.25}


def _time(argv: list[str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=False, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("recipe", nargs="?", default="recipes/knee.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cli = [sys.executable, "-c", "from corefill.cli import main; main()"]
    cases = {
        "python (empty)": [sys.executable, "-c", "pass"],
        "import torch": [sys.executable, "-c", "import torch"],
        "corefill --help": cli + ["--help"],
        "corefill run --help": cli + ["run", "--help"],
        "corefill plugins": cli + ["plugins"],
        "corefill components": cli + ["components"],
        f"corefill validate {args.recipe}": cli + ["validate", args.recipe],
    }
    # Interleave the cases so machine noise hits them alike.
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, argv in cases.items():
            results[name].append(_time(argv, 1))
    torch_time = statistics.median(results["import torch"])
    print(f"{'command':<40} {'median s':>9} {'vs import torch':>16}")
    for name, samples in results.items():
        median = statistics.median(samples)
        print(f"{name:<40} {median:>9.3f} {median / torch_time:>15.2f}x")
    missed = False
    for name, target in TARGETS.items():
        median = statistics.median(results[name])
        verdict = "ok" if median <= target else "MISSED"
        missed |= median > target
        print(f"target: {name} <= {target} s: {median:.3f} s, {verdict}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
