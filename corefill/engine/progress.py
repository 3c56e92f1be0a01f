"""Progress: a rich bar (ETA, current losses) on a terminal, plain lines otherwise."""
from __future__ import annotations

import sys
import time
from typing import Any, Optional


def current_epoch(state: Any) -> int:
    """The epoch a record belongs to, counted from 1 as on the console: the one in progress
    (part-way through it) or the one just finished (at its end)."""
    return state.epoch + (1 if state.batch_in_epoch > 0 else 0)


def _format(values: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.4g}" for k, v in values.items())



def significant(value: float) -> str:
    """``value`` to three significant figures, never in exponent form: 1.10, 957, 1070."""
    if abs(value) >= 100:
        return str(int(float(f"{value:.3g}")))
    return format(value, "#.3g").rstrip(".")

class Progress:
    """Reports epochs and logged losses; ``enabled=False`` (ranks > 0) prints nothing."""

    def __init__(self, *, enabled: bool = True, stream=None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stdout
        self.rich = enabled and self.stream.isatty()
        self._bar = None
        self._task = None

    def start_epoch(self, epoch: int, max_epochs: int, steps: int) -> None:
        if not self.enabled:
            return
        if self.rich:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            self._bar = Bar(TextColumn("epoch {task.fields[epoch]}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                            TextColumn("{task.fields[losses]}"), transient=False,
                            console=Console(file=self.stream))
            self._bar.start()
            self._task = self._bar.add_task("train", total=steps, losses="",
                                            epoch=f"{epoch + 1}/{max_epochs}")
        else:
            self.line(f"epoch {epoch + 1}/{max_epochs}: {steps} steps")

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, count)

    def losses(self, step: int, values: dict[str, float], images_per_s: float) -> None:
        if not self.enabled:
            return
        text = f"{_format(values)} {significant(images_per_s)} img/s"
        if self._bar is not None:
            self._bar.update(self._task, losses=text)
        else:
            self.line(f"  step {step}: {text}")

    def end_epoch(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def line(self, text: str, values: Optional[dict[str, float]] = None) -> None:
        if not self.enabled:
            return
        if values:
            text = f"{text} {_format(values)}"
        print(text, file=self.stream, flush=True)


def train_record(state: Any, means: dict[str, float], rate: float, lr: float) -> dict:
    """metrics.jsonl's record of a logging window (epochs from 1, as on the console)."""
    return {"type": "train", "step": state.step, "epoch": current_epoch(state),
            **{f"loss/{k}": v for k, v in means.items()}, "images_per_s": rate, "lr": lr}


def trained_line(steps: int, rate: float, steady: bool) -> str:
    """The console's line when training ends: steps and images/s (``steady``: timed after
    the warm-up)."""
    return (f"training: {steps} steps, {significant(rate)} images/s"
            + ("" if steady else " (with the warm-up: too few steps)"))


class LossWindow:
    """Losses summed on the device between two logging steps (no per-step host sync)."""

    def __init__(self) -> None:
        self.sums: dict[str, Any] = {}  # name -> 0-dim torch tensor
        # name -> steps that reported it: a train step may update G only every n steps
        self.counts: dict[str, int] = {}
        self.steps = self.images = 0
        self.start = time.perf_counter()

    def add(self, losses: dict[str, Any], images: int) -> None:
        for key, value in losses.items():
            self.sums[key] = self.sums[key] + value if key in self.sums else value.float()
            self.counts[key] = self.counts.get(key, 0) + 1
        self.steps += 1
        self.images += images

    def means(self) -> dict[str, float]:
        if not self.sums:
            return {}
        import torch

        keys = list(self.sums)
        values = torch.stack([self.sums[k] for k in keys]).cpu().tolist()  # the one sync
        return {k: v / self.counts[k] for k, v in zip(keys, values)}
