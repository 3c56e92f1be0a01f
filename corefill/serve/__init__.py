"""``corefill serve``: a page to try a trained checkpoint by painting on an image.

Starlette on uvicorn (the ``serve`` extra: ``pip install corefill[serve]``), with a plain
HTML/JS page (``static/``, shipped as package data; no build step). :mod:`.model` runs the
checkpoint through ``corefill inpaint``'s pipeline, :mod:`.uploads` reads and limits
uploads, :mod:`.run_info` gives the run's report and test images, :mod:`.app` the routes.
"""
from __future__ import annotations


def create_app(checkpoint, *, device: str = "cpu", registries=None):
    """The ASGI app serving ``checkpoint`` (loaded now: a bad one raises CorefillError)."""
    from .app import create_app as _create
    from .model import ServedModel

    return _create(ServedModel(checkpoint, device=device, registries=registries))
