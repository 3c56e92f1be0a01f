"""The run folder: recipe.yaml, metrics.jsonl, samples/, loss_curves.png, tensorboard/.

Only rank 0 creates a ``RunFiles``; other ranks get ``None`` and write nothing.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Optional

import torch


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file via a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_png(path: Path, image: torch.Tensor) -> None:
    """Write a (C, H, W) image in [0, 1] as an 8-bit PNG, atomically."""
    import io

    from PIL import Image

    array = (image.detach().float().clamp(0, 1) * 255).round().to(torch.uint8)
    array = array.permute(1, 2, 0).cpu().numpy()
    if array.shape[2] == 1:
        array = array[:, :, 0]
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    write_atomic(path, buffer.getvalue())


def read_metrics(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class RunFiles:
    """Everything the run writes, in one folder."""

    def __init__(self, folder: Path, *, tensorboard: bool) -> None:
        self.folder = folder
        self.checkpoints = folder / "checkpoints"
        self.samples = folder / "samples"
        self.metrics_path = folder / "metrics.jsonl"
        for path in (folder, self.checkpoints, self.samples):
            path.mkdir(parents=True, exist_ok=True)
        self._log = None
        self._tb = _tensorboard_writer(folder / "tensorboard") if tensorboard else None
        self._plotted_at = time.monotonic()

    def open_log(self, offset: Optional[int]) -> None:
        """Open metrics.jsonl; when resuming, drop lines written after the checkpoint."""
        if offset is not None and self.metrics_path.exists():
            with open(self.metrics_path, "r+b") as stream:
                stream.truncate(offset)
        elif offset is None:
            self.metrics_path.write_bytes(b"")
        self._log = open(self.metrics_path, "a", encoding="utf-8")

    def log_offset(self) -> int:
        self._log.flush()
        return self.metrics_path.stat().st_size

    def log(self, record: dict[str, Any]) -> None:
        self._log.write(json.dumps(record) + "\n")
        self._log.flush()
        if self._tb is not None:
            step = record.get("step", 0)
            group = "/".join(str(record[k]) for k in ("type", "model") if k in record)
            for key, value in record.items():
                if key not in ("type", "step", "epoch") and isinstance(value, (int, float)) \
                        and not isinstance(value, bool):
                    self._tb.add_scalar(f"{group}/{key}", value, step)

    def save_samples(self, epoch: int, rows: list[tuple[str, torch.Tensor]], step: int,
                     names: Optional[list[str]] = None) -> Path:
        """One grid per epoch (counted from 1): ``rows`` are ``(label, (N, C, H, W) in
        [0, 1])``, labelled on the image, columns headed by ``names``."""
        from .grids import labelled_grid

        grid = labelled_grid(rows, names)
        path = self.samples / f"epoch_{epoch:04d}.png"
        write_png(path, grid)
        if self._tb is not None:
            self._tb.add_image("samples", grid, step)
        return path

    def save_loss_curves(self, *, at_most_every_s: float = 0.0) -> Optional[Path]:
        """loss_curves.png: G and D losses on their own panels, validation scores by epoch;
        None (not drawn) within ``at_most_every_s`` of the last drawing (it costs ~0.3 s)."""
        from .curves import plot

        now = time.monotonic()
        if now - self._plotted_at < at_most_every_s:
            return None
        self._plotted_at = now
        return plot(read_metrics(self.metrics_path), self.folder / "loss_curves.png")

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tb is not None:
            self._tb.close()


def _tensorboard_writer(folder: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # optional: tensorboard is not installed
        warnings.warn("train.tensorboard is true but tensorboard is not installed; "
                      "pip install tensorboard to get TensorBoard logs", stacklevel=2)
        return None
    return SummaryWriter(log_dir=str(folder))


def write_dataset_report(dataset: Any, folder: Path) -> None:
    """A dataset that preprocesses (e.g. sets images apart) says what it did in the run
    folder, through its optional ``write_report(folder)``."""
    write_report = getattr(dataset, "write_report", None)
    if callable(write_report):
        write_report(folder)
