"""Sample grids that explain themselves: each row is labelled on the image (real / masked
input / output, or segmentation / target / output) and each column names its item.

Small images are enlarged with nearest-neighbour (pixels stay honest) so a 64² crop is
readable; labels use Pillow's bundled font, so nothing depends on system fonts.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Optional

import torch

MIN_TILE = 128  # enlarge tiles smaller than this (integer factor)
PAD = 2
FONT_SIZE = 13


def _font():
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=FONT_SIZE)
    except TypeError:  # Pillow < 10.1: the fixed bitmap font
        return ImageFont.load_default()


def _as_rgb(images: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) in [0, 1] -> (N, 3, H, W): grey replicated; other counts use the first
    three channels when there are more (an image before extra channels), else their mean."""
    channels = images.shape[1]
    if channels == 3:
        return images
    if channels > 3:
        return images[:, :3]
    return images.mean(dim=1, keepdim=True).expand(-1, 3, -1, -1)


def short_name(name: str, fits) -> str:
    """The last part of an item name (a path, a crop id), its end kept: cut from the front
    until ``fits(text)`` (crop ids and augmentations differ at the end)."""
    text = PurePath(str(name).replace("\\", "/")).name or str(name)
    while len(text) > 1 and not fits(text):
        text = "…" + text[2:]
    return text


def labelled_grid(rows: list[tuple[str, torch.Tensor]],
                  names: Optional[list[str]] = None) -> torch.Tensor:
    """A (3, H, W) grid in [0, 1]: one row per ``(label, (N, C, h, w) images in [0, 1])``,
    the row's label on its left, ``names`` (one per column) above the columns."""
    import numpy as np
    from PIL import Image, ImageDraw

    tiles = [_as_rgb(images.detach().float().clamp(0, 1).cpu()) for _, images in rows]
    count, height, width = tiles[0].shape[0], tiles[0].shape[2], tiles[0].shape[3]
    scale = max(1, -(-MIN_TILE // max(height, width)))  # ceil
    tile_h, tile_w = height * scale, width * scale
    font = _font()
    label_w = max(int(font.getlength(label)) for label, _ in rows) + 3 * PAD
    head_h = FONT_SIZE + 3 * PAD if names else PAD
    canvas = Image.new("RGB", (label_w + count * (tile_w + PAD) + PAD,
                               head_h + len(rows) * (tile_h + PAD)), "white")
    draw = ImageDraw.Draw(canvas)
    for r, ((label, _), images) in enumerate(zip(rows, tiles)):
        top = head_h + r * (tile_h + PAD)
        draw.text((PAD, top + tile_h // 2), label, fill="black", font=font, anchor="lm")
        for c in range(min(count, images.shape[0])):
            pixels = (images[c] * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
            tile = Image.fromarray(np.ascontiguousarray(pixels), "RGB")
            if scale > 1:
                tile = tile.resize((tile_w, tile_h), Image.NEAREST)
            canvas.paste(tile, (label_w + c * (tile_w + PAD), top))
    for c, name in enumerate(names or []):
        text = short_name(name, lambda t: font.getlength(t) <= tile_w - 2 * PAD)
        draw.text((label_w + c * (tile_w + PAD) + tile_w // 2, PAD), text, fill="black",
                  font=font, anchor="mt")
    array = torch.from_numpy(np.asarray(canvas).copy()).permute(2, 0, 1)
    return array.float() / 255.0
