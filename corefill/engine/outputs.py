"""The run folder: recipe.yaml, metrics.jsonl, samples/, loss_curves.png, tensorboard/.

Only rank 0 creates a ``RunFiles``; other ranks get ``None`` and write nothing.
"""
from __future__ import annotations

import json
import os
import tempfile
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
            for key, value in record.items():
                if key not in ("type", "step", "epoch") and isinstance(value, (int, float)):
                    self._tb.add_scalar(f"{record['type']}/{key}", value, step)

    def save_samples(self, epoch: int, rows: list[torch.Tensor], step: int) -> Path:
        """One grid per epoch; ``rows`` are (N, C, H, W) in [0, 1]: real, input, output."""
        from torchvision.utils import make_grid

        channels = max(row.shape[1] for row in rows)
        rows = [_as_channels(row, channels) for row in rows]
        count = rows[0].shape[0]
        grid = make_grid(torch.cat(rows), nrow=count, padding=2, pad_value=1.0)
        path = self.samples / f"epoch_{epoch:04d}.png"
        write_png(path, grid)
        if self._tb is not None:
            self._tb.add_image("samples", grid.clamp(0, 1), step)
        return path

    def save_loss_curves(self) -> Path:
        """Plot train losses per logging step and validation loss per epoch."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        records = read_metrics(self.metrics_path)
        train = [r for r in records if r.get("type") == "train"]
        val = [r for r in records if r.get("type") == "val" and "loss" in r]
        figure, axis = plt.subplots(figsize=(7, 4))
        keys = sorted({k for r in train for k in r if k.startswith("loss/")})
        for key in keys:
            points = [(r["step"], r[key]) for r in train if key in r]
            axis.plot(*zip(*points), label=key[5:])
        if val:
            axis.plot([r["step"] for r in val], [r["loss"] for r in val], "o-", label="val loss")
        axis.set_xlabel("step")
        axis.set_ylabel("loss")
        if keys or val:
            axis.legend(fontsize="small")
        figure.tight_layout()
        path = self.folder / "loss_curves.png"
        temp = path.with_name(".loss_curves.tmp.png")
        figure.savefig(temp, dpi=100)
        plt.close(figure)
        os.replace(temp, path)
        return path

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tb is not None:
            self._tb.close()


def _as_channels(images: torch.Tensor, channels: int) -> torch.Tensor:
    """Show 1-channel and 3-channel rows in one grid; other counts use their mean."""
    if images.shape[1] == channels:
        return images
    gray = images.mean(dim=1, keepdim=True)
    return gray.expand(-1, channels, -1, -1) if channels in (1, 3) else gray


def _tensorboard_writer(folder: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # optional: tensorboard is not installed
        warnings.warn("train.tensorboard is true but tensorboard is not installed; "
                      "pip install tensorboard to get TensorBoard logs", stacklevel=2)
        return None
    return SummaryWriter(log_dir=str(folder))
