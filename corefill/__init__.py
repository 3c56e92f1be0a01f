"""corefill: a plugin-based image-inpainting framework.

Importing this package is cheap (no torch); components are imported on first use.
"""
__version__ = "0.1.0"


def load(path, *, device: str = "cpu", registries=None):
    """A trained checkpoint or an exported model, ready to fill holes in memory: see
    :mod:`corefill.api` (``corefill.load(path).inpaint(image, mask)``)."""
    from .api import load as load_model

    return load_model(path, device=device, registries=registries)
