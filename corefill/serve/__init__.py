"""``corefill serve``: a page to try trained checkpoints by painting on an image.

Starlette on uvicorn (the ``serve`` extra: ``pip install corefill[serve]``), with a plain
HTML/JS page (``static/``, shipped as package data; no build step). :mod:`.model` runs one
checkpoint through ``corefill inpaint``'s pipeline, :mod:`.lineup` holds the checkpoints
shown side by side, :mod:`.uploads` reads and limits uploads, :mod:`.run_info` gives each
run's report and test images, :mod:`.app` the routes.
"""
from __future__ import annotations


def create_app(checkpoints, *, device: str = "cpu", registries=None):
    """The ASGI app serving ``checkpoints`` (one path or several, in order; each loaded
    once, now: a bad one, or translation and inpainting models together, raises
    CorefillError)."""
    from .app import create_app as _create
    from .lineup import Lineup

    return _create(Lineup.load(checkpoints, device=device, registries=registries))
