"""PNG bytes in and out for corefill serve's tests (RGB order, own depth)."""
import cv2
import numpy as np


def png_bytes(pixels: np.ndarray) -> bytes:
    """(H, W[, C]) RGB pixels as PNG bytes (OpenCV writes BGR)."""
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        pixels = pixels[:, :, ::-1]
    ok, data = cv2.imencode(".png", np.ascontiguousarray(pixels))
    assert ok
    return data.tobytes()


def decode_png(data: bytes) -> np.ndarray:
    """PNG bytes -> (H, W, C) RGB pixels in their own depth."""
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels.ndim == 2:
        return pixels[:, :, None]
    return pixels[:, :, ::-1] if pixels.shape[2] == 3 else pixels
