"""The corefill training engine: one loop for every plugin.

Import-light on purpose: torch is imported only when a function here is called.

- :func:`run` trains what a recipe assembles and evaluates it; returns the run folder.
- :func:`evaluate` scores a generator and the recipe's baselines on the test split.
- :func:`load_generator` loads a trained generator (and its recipe) from a checkpoint.
- :func:`inpaint` fills holes in a user's images with a checkpoint (:mod:`.inference`,
  beside training: the same compositing, data spec and atomic file writing).

Training is :class:`.trainer.Trainer` (its counters :class:`.state.TrainState`, what it
builds :class:`.state.Components`, one optimisation step :mod:`.steps`, which a
generator or discriminator may replace with its own ``train_step``). Between building and
the first step, :mod:`.preflight` checks the built components on the recipe's first batch
(a broken one stops the run in one line naming its plugin); :mod:`.blame` names the
component a later failure came from.
Its modules: :mod:`.scoring` scores a batch of models on one loader, :mod:`.evaluation`
evaluates the test split with it, :mod:`.report` writes what that found. No submodule
shares a name with a function here, so ``engine.evaluate`` stays the function whatever
was imported before.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["run", "evaluate", "load_generator", "inpaint"]


def run(recipe, *, out_dir: str | Path | None = None, device: str | None = None,
        resume: bool | str = False, force: bool = False, registries=None,
        on_validation=None) -> Path:
    """Train and evaluate ``recipe`` (already validated); returns the run folder.

    ``out_dir`` defaults to ``recipe.output_dir`` with ``{name}`` filled in; ``device``
    to ``recipe.device``; ``registries`` to the installed plugins. ``resume`` continues
    from ``checkpoints/last.pt`` (``"auto"``: when there is one, else it starts); a stop
    signal during training saves it and raises ``preempt.Preempted``; ``force`` accepts a changed recipe on resume (or starts
    over in a folder that already holds a checkpoint).
    """
    from . import failure, preempt
    from .trainer import Trainer

    trainer = Trainer(recipe, out_dir=out_dir, device=device, resume=resume, force=force,
                      registries=registries, on_validation=on_validation)
    try:
        trainer.setup()
        try:
            with preempt.handling():  # SIGTERM, SIGINT, SIGUSR1: stop after a whole step
                trainer.train()
            trainer.finish()
        except preempt.Preempted:
            raise  # last.pt holds the step it stopped at; the CLI says how to go on
        except (Exception, KeyboardInterrupt) as error:
            kept = trainer.keep_work() if failure.keeps_work(error, trainer.at_failure()) else ""
            at = trainer.at_failure()
            line = failure.interrupted_line(at) if isinstance(error, KeyboardInterrupt) else None
            if line:
                trainer.progress.line(line)
            raised = failure.explain(error, at, kept)  # TrainingFailed: how to go on
            if raised is error:
                raise
            raise raised from error
    finally:
        trainer.close()
    return trainer.folder


def evaluate(recipe, generator, *, folder, device="cpu", registries=None,
             checkpoint_label: str = "last", training=None, train_set=None) -> dict[str, Any]:
    """Test-split scores of ``generator`` and every baseline; writes report.json/.md."""
    from .evaluation import evaluate as _evaluate

    return _evaluate(recipe, generator, folder=folder, device=device, registries=registries,
                     checkpoint_label=checkpoint_label, training=training, train_set=train_set)


def load_generator(checkpoint_path: str | Path, device: str = "cpu", registries=None):
    """``(generator_module, recipe)`` from a checkpoint, in eval mode on ``device``."""
    from .checkpoint import load_generator as _load

    return _load(checkpoint_path, device=device, registries=registries)


def inpaint(checkpoint: str | Path, inputs=(), **options: Any) -> list[Path]:
    """Fill the holes of ``inputs`` (images or folders; none: the images the run's
    preprocessing set apart) with ``checkpoint`` (or, with ``checkpoint=None``, the model
    file ``model=`` that ``corefill export`` wrote); returns the files written. Options as
    :func:`.inference.run.inpaint` (``out_dir``, ``model``, ``masks_dir``, ``device``...)."""
    from .inference.run import inpaint as _inpaint

    return _inpaint(checkpoint, inputs, **options)
