"""Drawing and PNG writing that give the same bytes on every machine: integer arithmetic
and IEEE-exact float operations only (no libm trigonometry, no OpenCV rasteriser, no zlib
compression level), for evaluation mask sets (:mod:`corefill.masksets`).
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

# sin and cos of LaMa's stroke directions 0.01 + k radians, k = 0..3 (every published
# config has max_angle 4), as decimal constants: no platform's libm is asked.
DIRECTIONS = (
    (0.009999833334166664, 0.9999500004166653),
    (0.8468318446180152, 0.5318607213743555),
    (0.905090563325201, -0.4252188520981522),
    (0.13121319215018423, -0.9913541739488259),
)


def direction(turn: int, mirrored: bool) -> tuple[float, float]:
    """(sin, cos) of 0.01 + turn radians; mirrored (2π − angle): (−sin, cos)."""
    sin, cos = DIRECTIONS[turn]
    return (-sin, cos) if mirrored else (sin, cos)


def thick_line(canvas: np.ndarray, start: tuple[int, int], end: tuple[int, int], width: int) -> None:
    """Mark (value 1) every pixel whose centre lies within width / 2 of the segment
    start-end (a capsule: round ends), in exact integer arithmetic."""
    height, image_width = canvas.shape
    (x0, y0), (x1, y1) = start, end
    reach = width // 2 + 1
    left, right = max(min(x0, x1) - reach, 0), min(max(x0, x1) + reach, image_width - 1)
    top, bottom = max(min(y0, y1) - reach, 0), min(max(y0, y1) + reach, height - 1)
    if left > right or top > bottom:
        return
    ys, xs = np.mgrid[top:bottom + 1, left:right + 1].astype(np.int64)
    dx, dy = np.int64(x1 - x0), np.int64(y1 - y0)
    vx, vy = xs - x0, ys - y0
    length2 = dx * dx + dy * dy
    limit = np.int64(width) * np.int64(width)  # compare 4·distance² with width²
    near_start = 4 * (vx * vx + vy * vy) <= limit
    wx, wy = xs - x1, ys - y1
    near_end = 4 * (wx * wx + wy * wy) <= limit
    inside = near_start | near_end
    if length2 > 0:
        along = vx * dx + vy * dy
        cross = vx * dy - vy * dx
        between = (along > 0) & (along < length2)
        inside |= between & (4 * cross * cross <= limit * length2)
    canvas[top:bottom + 1, left:right + 1][inside] = 1


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _stored_zlib(raw: bytes) -> bytes:
    """A zlib stream of uncompressed (stored) deflate blocks: fixed bytes for fixed input."""
    parts, size = [b"\x78\x01"], 65535
    blocks = [raw[i:i + size] for i in range(0, len(raw), size)] or [b""]
    for index, block in enumerate(blocks):
        final = 1 if index == len(blocks) - 1 else 0
        parts.append(struct.pack("<BHH", final, len(block), len(block) ^ 0xFFFF) + block)
    parts.append(struct.pack(">I", zlib.adler32(raw)))
    return b"".join(parts)


def mask_png(mask: np.ndarray) -> bytes:
    """A 1-bit greyscale PNG of a 2-D mask: white (1) = hole, black (0) = kept."""
    height, width = mask.shape
    rows = np.packbits((mask > 0).astype(np.uint8), axis=1)  # MSB first, as PNG wants
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter type 0 per row
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", _stored_zlib(raw))
            + _chunk(b"IEND", b""))
