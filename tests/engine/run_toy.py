"""Run the toy recipe in a subprocess (SIGKILL/resume and torchrun DDP tests).

usage: run_toy.py OUT_DIR [--resume] [--force] [--wgan-gp] [--dump DIR] [dotted.key=value ...]
``--dump DIR`` writes each rank's final network weights to DIR/rank<R>.pt; ``--wgan-gp``
adds the WGAN-GP test plugin's components.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import toy_components  # noqa: E402
import wgan_gp_plugin  # noqa: E402
from corefill.engine.trainer import Trainer  # noqa: E402


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
    registries = toy_components.toy_registries()
    if "--wgan-gp" in flags:
        wgan_gp_plugin.add_to(registries)
    recipe = toy_components.toy_recipe(*overrides, registries=registries)
    trainer = Trainer(recipe, out_dir=out_dir, resume="--resume" in flags,
                      force="--force" in flags, registries=registries)
    try:
        trainer.setup()
        trainer.train()
        trainer.finish()
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            weights = {k: v.state_dict() for k, v in trainer.built.networks.items()}
            torch.save(weights, dump / f"rank{os.environ.get('RANK', '0')}.pt")
    finally:
        trainer.close()


if __name__ == "__main__":
    main(sys.argv[1:])
