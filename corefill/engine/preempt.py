"""Stopping on a signal without losing work: SIGTERM (what Slurm and Kubernetes send
before they kill), SIGINT (Ctrl-C) and SIGUSR1 (what Slurm's ``--signal`` sends) only set
a flag; the Trainer polls it between steps (:func:`agreed`), writes ``last.pt`` and raises
:class:`Preempted`; the CLI prints how to continue and exits with :data:`EXIT_CODE`.

A second SIGINT aborts at once (KeyboardInterrupt). Under DDP the ranks agree on the
step to stop at with one all-reduce per step, so every rank stops at the same step.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator, Optional

from ..errors import CorefillError

# EX_TEMPFAIL (sysexits.h): "try again later". Slurm requeue scripts, Kubernetes Job
# pod-failure policies and torchrun restarts can tell it from a failure (exit 1 or 2).
EXIT_CODE = 75
SIGNALS = ("SIGTERM", "SIGINT", "SIGUSR1")

_received: Optional[int] = None  # the first signal received since install
_installed = False


class Preempted(CorefillError):
    """Training stopped on a signal after a whole step; ``last.pt`` holds that step
    (written by rank 0). ``signal_name`` says which signal, ``step`` where it stopped."""

    def __init__(self, signal_name: str, *, step: int, folder, main: bool) -> None:
        super().__init__(f"{signal_name}: stopped at step {step}")
        self.signal_name, self.step, self.folder, self.main = signal_name, step, folder, main

    def how_to_continue(self, recipe_args: str = "RECIPE") -> str:
        """The one line the CLI prints."""
        import shlex

        folder = shlex.quote(str(self.folder))
        return (f"{self.signal_name}: stopped after step {self.step}, saved in "
                f"{shlex.quote(f'{self.folder}/checkpoints/last.pt')}; continue with "
                f"`corefill run {recipe_args} --out {folder} --resume auto` "
                f"(exit code {EXIT_CODE})")


def _handle(signum: int, frame) -> None:
    global _received
    if _received is not None and signum == signal.SIGINT:
        raise KeyboardInterrupt  # the second Ctrl-C: abort now
    if _received is None:
        _received = signum


@contextlib.contextmanager
def handling() -> Iterator[None]:
    """Catch the stop signals while the block runs (main thread only; elsewhere the
    signals keep their handlers and nothing is polled)."""
    global _received, _installed
    if threading.current_thread() is not threading.main_thread() or _installed:
        yield
        return
    previous = {name: signal.signal(getattr(signal, name), _handle) for name in SIGNALS}
    _received, _installed = None, True
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
        _received, _installed = None, False


def requested() -> Optional[str]:
    """The name of the first stop signal this process received, if any."""
    return signal.Signals(_received).name if _received is not None else None


def agreed(info, device) -> Optional[str]:
    """The stop signal when this or any other rank received one (the same answer on
    every rank: one all-reduce of a number); None when none did or nothing is caught."""
    if not _installed:
        return None
    if not info.enabled:
        return requested()
    import torch
    import torch.distributed as dist

    value = torch.tensor([float(_received or 0)], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    number = int(value.item())
    return signal.Signals(number).name if number else None
