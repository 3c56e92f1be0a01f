"""``corefill inpaint``: regenerate hole regions with a trained checkpoint (torch loads lazily)."""
from __future__ import annotations

import click


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True))
@click.option("--checkpoint", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A trained checkpoint, e.g. RUN/checkpoints/best.pt.")
@click.option("--model", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Instead of --checkpoint: a model written by `corefill export` (.onnx, "
                   "or TorchScript .pt), run without the code that trained it.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for <name>_inpainted.png and <name>_comparison.png.")
@click.option("--masks", "masks_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of masks named like the inputs (white = hole, any size: resized "
                   "to the image with nearest neighbour); default: the recipe's masker.")
@click.option("--strategy", type=click.Choice(["auto", "crop", "resize"]), default="auto",
              show_default=True,
              help="crop: each hole in windows scaled so it looks like the model's training "
                   "holes, filled at the image's own resolution; resize: the whole image at "
                   "the model's size; auto: resize only for models that generate whole images.")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
def inpaint(inputs: tuple[str, ...], checkpoint: str | None, model: str | None, out_dir: str,
            masks_dir: str | None, strategy: str, device: str) -> None:
    """Regenerate the hole region of INPUT images (files or folders; PNG/JPEG/TIFF/DICOM).

    \b
    Each hole (holes closer than 3 pixels count as one) is cut out in a window of the
    model's size, scaled so the hole looks like the holes the model trained on, and only
    the hole is taken back at the image's own resolution (--strategy crop, the default
    for inpainting models): <name>_inpainted.png (lossless PNG) has the image's own size,
    channels and bit depth (16-bit stays 16-bit) and its known pixels are exactly the
    original's. A hole unlike any the model trained on gets one warning line per image.
    Grey images given to an RGB model (or the reverse) are converted, with one warning.

    With no INPUT, regenerate the images the run's preprocessing set apart (e.g. knee
    radiographs with surgical hardware), read from RUN/preprocessing/ (--checkpoint only).
    """
    if (checkpoint is None) == (model is None):
        raise click.UsageError("give --checkpoint or --model (one of them)")
    from ..engine.inference import inpaint as run_inpaint  # imports torch

    def warn(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    written = run_inpaint(checkpoint, inputs, model=model, out_dir=out_dir,
                          masks_dir=masks_dir, device=device, warn=warn, strategy=strategy)
    images = len(written) // 2
    click.echo(f"inpainted {images} image{'s' if images != 1 else ''} into {out_dir}")
