"""Inference on a user's images with a trained checkpoint (``corefill inpaint``).

- :mod:`.run`: loading the checkpoint and its ``data_spec``, the per-image pipeline;
- :mod:`.images`: reading and writing pixels in their own size, channels and bit depth;
- :mod:`.masks`: a user's mask files or the recipe's masker, at image and model size.

Imports numpy only; torch is imported when :func:`inpaint` runs.
"""
from .run import inpaint

__all__ = ["inpaint"]
