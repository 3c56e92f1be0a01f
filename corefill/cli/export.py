"""``corefill export``: a trained generator as ONNX or TorchScript (torch loads lazily)."""
from __future__ import annotations

import click


@click.command()
@click.option("--checkpoint", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A trained checkpoint, e.g. RUN/checkpoints/best.pt.")
@click.option("--format", "fmt", required=True, type=click.Choice(["onnx", "torchscript"]),
              help="onnx (needs `pip install corefill[export]`) or torchscript.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: beside the checkpoint, best.onnx or "
                   "best.torchscript.pt).")
def export(checkpoint: str, fmt: str, out: str | None) -> None:
    """Write a checkpoint's generator as an ONNX or TorchScript model.

    \b
    The file holds the generator alone, (input, mask) -> output, with any batch size,
    and the model's data spec as metadata (size, channels, value range, mask polarity
    1=hole, output region, conditional input), so `corefill inpaint --model FILE` runs it
    without the code that trained it. The export is checked against the PyTorch
    generator (max abs difference 1e-4) before it is written.
    """
    from ..export import export as run_export  # imports torch

    written = run_export(checkpoint, fmt, out=out)
    click.echo(f"exported {fmt}: {written}")
