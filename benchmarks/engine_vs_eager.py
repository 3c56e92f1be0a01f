"""The engine's training throughput beside a plain eager PyTorch loop, in one process.

Shared by pix2pix_throughput.py and knee_throughput.py. The engine is corefill's Trainer
built from a recipe, with its defaults (fused Adam, the allocator keeping freed memory...).
The eager loop is what the reference implementations run: default ``torch.optim.Adam``,
D's requires_grad switched off for G's step, glibc's default allocator, PyTorch's default
(contiguous) memory layout, and a plain DataLoader reading the same masked dataset item by
item with the default collate (the engine's loader fetches whole batches: the same
batches, less per-item work); it trains copies of the same initial networks with the
recipe's own losses.
Rounds interleave (the order alternates), so machine load hits both alike. On a shared
machine a round that another process slowed says nothing about either loop: the best round
of each (the least disturbed, as timeit takes the minimum) is the figure to compare; the
medians are printed beside it.
"""
from __future__ import annotations

import argparse
import copy
import io
import statistics
import tempfile
import time
from typing import Optional

import torch
from torch.utils.data import DataLoader

from corefill.config import load_recipe
from corefill.engine.data import middle, to_device
from corefill.engine.optim import implementation
from corefill.engine.progress import significant
from corefill.engine.speed import keep_freed_memory
from corefill.engine.composite import complete, discriminator_view
from corefill.engine.trainer import Trainer

QUIET = ["train.checkpoint_every_minutes=null", "train.tensorboard=false"]


class Eager:
    """The reference way: one D step on real and detached fake, then one G step."""

    def __init__(self, trainer: Trainer) -> None:
        built, recipe = trainer.built, trainer.recipe
        self.device, self.losses, self.region = trainer.device, built.losses, built.region
        # the recipe's composite (a residual recipe's harmonic fill included): same work
        self.blend, self.middle = recipe.generator.blend, middle(built.value_range)
        self.g = _plain_copy(built.networks["generator"])
        self.d = _plain_copy(built.networks.get("discriminator"))
        self.d_input = recipe.discriminator.input if recipe.discriminator else "image"
        self.opt_g = self._adam(self.g, recipe.train.generator_optimizer)
        self.opt_d = self._adam(self.d, recipe.train.discriminator_optimizer) if self.d else None
        engine_loader = built.train_loader
        self.loader = DataLoader(engine_loader.dataset.masked, batch_size=engine_loader.batch_size,
                                 sampler=engine_loader.sampler, drop_last=engine_loader.drop_last)

    @staticmethod
    def _adam(net, settings) -> torch.optim.Adam:
        return torch.optim.Adam(net.parameters(), lr=settings.lr, betas=tuple(settings.betas))

    def step(self, batch) -> None:
        image, mask = batch["image"], batch["mask"]
        fake = complete(self.g, batch, self.region, self.blend, self.middle)
        if self.d is not None:
            real_logits = self.d(discriminator_view(self.d_input, image, batch))
            fake_logits = self.d(discriminator_view(self.d_input, fake.detach(), batch))
            d_loss = sum(loss.discriminator_loss(real_logits, fake_logits)
                         for _, _, loss in self.losses.adversarial)
            self.opt_d.zero_grad()
            d_loss.backward()
            self.opt_d.step()
            self.d.requires_grad_(False)
            logits = self.d(discriminator_view(self.d_input, fake, batch))
        else:
            logits = None
        loss = self.losses.weighted(self.losses.generator_terms(fake, image, mask, logits))
        self.opt_g.zero_grad()
        loss.backward()
        self.opt_g.step()
        if self.d is not None:
            self.d.requires_grad_(True)

    def run(self, steps: int) -> float:
        """images/s over ``steps`` batches, loading included."""
        keep_freed_memory(False)  # glibc's defaults, as a reference script runs
        self.g.train()
        if self.d is not None:
            self.d.train()
        start, images, batches = time.perf_counter(), 0, iter(self.loader)
        for _ in range(steps):
            batch = next(batches, None)
            if batch is None:
                batches = iter(self.loader)
                batch = next(batches)
            self.step(to_device(batch, self.device))
            images += batch["image"].shape[0]
        sync(self.device)
        return images / (time.perf_counter() - start)


def _plain_copy(net: Optional[torch.nn.Module]) -> Optional[torch.nn.Module]:
    """A copy of ``net`` in PyTorch's default layout (the engine's may be channels_last)."""
    return None if net is None else copy.deepcopy(net).to(memory_format=torch.contiguous_format)


def sync(device: torch.device) -> None:
    if device.type == "cuda":  # kernels still queued belong to this round
        torch.cuda.synchronize(device)


def engine_run(trainer: Trainer, steps: int) -> float:
    """images/s of the engine's own loop over ``steps`` batches (a step limit stops it)."""
    keep_freed_memory(True)  # the engine's setting (speed.configure)
    state, train = trainer.state, trainer.recipe.train
    start, seen = time.perf_counter(), state.images_seen
    done = 0
    while done < steps:
        before = state.step
        train.max_steps = state.step + (steps - done)
        trainer.train_epoch()
        done += state.step - before
        if state.batch_in_epoch >= trainer.steps_per_epoch:  # the epoch ended
            state.epoch, state.batch_in_epoch = state.epoch + 1, 0
    sync(trainer.device)
    return (state.images_seen - seen) / (time.perf_counter() - start)


def arguments(description: str, *, steps: int) -> argparse.ArgumentParser:
    """The options every engine-vs-eager benchmark takes (a script may add its own)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=steps, help="batches per round and loop")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    parser.add_argument("-o", "--override", action="append", default=[],
                        help="recipe override, dotted.key=value")
    return parser


def compare(recipe_path, overrides: list[str], *, steps: int, rounds: int,
            threads: Optional[int] = None, device: str = "auto") -> dict:
    """Interleaved rounds of ``steps`` batches each; returns each loop's img/s per round."""
    if threads:
        torch.set_num_threads(threads)
    recipe = load_recipe(recipe_path, [*QUIET, f"train.log_every={steps}", *overrides])
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(recipe, out_dir=folder, device=device)
        trainer.setup()
        trainer.progress.stream, trainer.progress.rich = io.StringIO(), False
        eager = Eager(trainer)
        engine_run(trainer, steps), eager.run(steps)  # first calls, allocator warm-up
        engine_rates, eager_rates = [], []
        for index in range(rounds):
            order = ((engine_rates, lambda: engine_run(trainer, steps)),
                     (eager_rates, lambda: eager.run(steps)))
            for rates, timed in (order if index % 2 == 0 else order[::-1]):
                rates.append(timed())
        optimiser = implementation(trainer.built.optimizers["generator"])
        trainer.close()
    keep_freed_memory(True)
    where = str(trainer.device) if trainer.device.type != "cuda" else \
        f"{trainer.device} ({torch.cuda.get_device_name(trainer.device)})"
    return {"engine": engine_rates, "eager": eager_rates, "optimiser": optimiser,
            "batch": recipe.data.batch_size, "threads": torch.get_num_threads(),
            "device": where}


def report(title: str, result: dict, rounds: int, steps: int) -> float:
    """Print the comparison; returns the ratio of the best rounds (engine / eager)."""
    engine, eager = result["engine"], result["eager"]
    ratios = [e / b for e, b in zip(engine, eager)]
    best = max(engine) / max(eager)
    label = f"corefill engine ({result['optimiser']} Adam)"
    print(f"{title}: {result['device']}, batch {result['batch']}, {result['threads']} threads, "
          f"{rounds} rounds of {steps} steps, interleaved")
    print(f"  {'img/s':43s}{'best':>7} {'median':>7}")
    for name, rates in (("eager loop (default torch.optim.Adam)", eager), (label, engine)):
        print(f"  {name:43s}{significant(max(rates)):>7} {significant(statistics.median(rates)):>7}")
    print(f"  engine / eager: {significant(best)}x best rounds, {significant(statistics.median(ratios))}x "
          f"median of per-round ratios ({', '.join(significant(r) for r in ratios)})")
    return best
