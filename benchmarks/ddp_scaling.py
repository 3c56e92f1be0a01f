"""Distributed training on CPU: 1 vs 2 gloo processes (torchrun) on the same total batch.

Each launch trains the recipe through corefill's engine (Trainer under torchrun, DDP over
gloo) with the total batch split across the processes, and rank 0 reports img/s over the
timed steps (after warm-up steps). Launches alternate 1, 2, 1, 2... so machine load hits
both alike; the scaling ratio is the median 2-process rate over the median 1-process rate.
On a 2-core machine one process uses both cores (2 threads) and two use one each (torchrun
sets OMP_NUM_THREADS=1), so the ideal is 1.0: a drop shows what the gradient all-reduce
and the distributed path cost. A regression there shows up here.

    python benchmarks/ddp_scaling.py [--recipe recipes/knee.yaml] [--batch 32]
        [--rounds 2] [--steps 12] [--warmup 3] [-o dotted.key=value ...]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from corefill.engine.progress import significant

ROOT = Path(__file__).resolve().parents[1]


def worker(args) -> None:
    """One rank: train ``warmup`` then ``steps`` batches; rank 0 prints JSON."""
    import torch

    from corefill.config import load_recipe
    from corefill.engine.trainer import Trainer
    from engine_vs_eager import QUIET, engine_run

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1 and args.threads:
        torch.set_num_threads(args.threads)
    overrides = [*QUIET, f"train.log_every={args.steps}",
                 f"data.batch_size={args.batch // world}", *args.override]
    recipe = load_recipe(args.recipe, overrides)
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(recipe, out_dir=folder, device="cpu")
        try:
            trainer.setup()
            trainer.progress.stream, trainer.progress.rich = io.StringIO(), False
            engine_run(trainer, args.warmup)
            rate = engine_run(trainer, args.steps)  # images of every rank per second
        finally:
            trainer.close()
    if trainer.dist.is_main:
        print(json.dumps({"world": world, "rate": rate, "threads": torch.get_num_threads()}))


def launch(args, world: int) -> dict:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               f"--nproc_per_node={world}", __file__, "--worker", "--recipe", str(args.recipe),
               "--batch", str(args.batch), "--steps", str(args.steps),
               "--warmup", str(args.warmup), "--threads", str(args.threads)]
    command += [item for value in args.override for item in ("-o", value)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{world}-process launch failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", type=Path, default=ROOT / "recipes" / "knee.yaml")
    parser.add_argument("--batch", type=int, default=32, help="total batch over all ranks")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="threads of the 1-process run")
    parser.add_argument("-o", "--override", action="append", default=[])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        return worker(args)
    if args.batch % 2:
        sys.exit("--batch must be even (it is split over 2 processes)")
    rates = {1: [], 2: []}
    for index in range(args.rounds):
        for world in ((1, 2) if index % 2 == 0 else (2, 1)):
            result = launch(args, world)
            rates[world].append(result["rate"])
            print(f"  {world} process(es), {result['threads']} thread(s) each: "
                  f"{significant(result['rate'])} img/s", flush=True)
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"{args.recipe.name}, total batch {args.batch}: 1 process {significant(one)} img/s, "
          f"2 gloo processes {significant(two)} img/s, scaling ratio (2/1) {significant(two / one)}")


if __name__ == "__main__":
    main()
