"""Run the toy recipe in a subprocess (SIGKILL/resume and torchrun DDP tests).

usage: run_toy.py OUT_DIR [--resume] [--force] [--dump DIR] [dotted.key=value ...]
``--dump DIR`` writes each rank's final network weights to DIR/rank<R>.pt.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import toy_components  # noqa: E402
from corefill.engine.runner import Runner  # noqa: E402


def main(argv):
    out_dir, flags, overrides, dump = argv[0], set(), [], None
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--dump":
            dump = Path(next(rest))
        elif arg.startswith("--"):
            flags.add(arg)
        else:
            overrides.append(arg)
    recipe = toy_components.toy_recipe(*overrides)
    runner = Runner(recipe, out_dir=out_dir, resume="--resume" in flags,
                    force="--force" in flags, registries=toy_components.toy_registries())
    try:
        runner.setup()
        runner.train()
        runner.finish()
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            weights = {k: v.state_dict() for k, v in runner.networks.items()}
            torch.save(weights, dump / f"rank{os.environ.get('RANK', '0')}.pt")
    finally:
        runner.close()


if __name__ == "__main__":
    main(sys.argv[1:])
