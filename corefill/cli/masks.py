"""``corefill masks``: write a reproducible evaluation mask set (see corefill.masksets)."""
from __future__ import annotations

import click


@click.command()
@click.option("--preset", required=True, type=click.Choice(["lama-thin", "lama-medium", "lama-thick"]),
              help="LaMa's evaluation mask generator (its 256 parameters below 512 px, else its 512 ones).")
@click.option("--size", required=True, type=click.IntRange(16, 8192), help="Mask side, pixels.")
@click.option("--count", required=True, type=click.IntRange(1, 1_000_000), help="Number of masks.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0), help="Seed of the set.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write.")
def masks(preset: str, size: int, count: int, seed: int, out_dir: str) -> None:
    """Write COUNT masks (1-bit PNG, white = hole) and manifest.json into OUT: byte-identical
    for the same arguments on every machine. Evaluate on them with the from-files masker
    (root: OUT, polarity: white-is-hole)."""
    from pathlib import Path

    from ..masksets import write_set

    write_set(preset, size, count, seed, Path(out_dir))
    click.echo(f"{count} {preset} masks of {size}x{size} (seed {seed}) in {out_dir}; "
               f"manifest: {Path(out_dir) / 'manifest.json'}")
