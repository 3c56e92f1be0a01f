"""``corefill serve``: a page to try checkpoints side by side (the serve extra; lazy imports)."""
from __future__ import annotations

import click

from ..errors import CorefillError

EXTRA = "pip install corefill[serve]"


def _require_extra() -> None:
    """One line naming the extra when its libraries are missing (never a traceback)."""
    import importlib.util

    modules = {"starlette": "starlette", "uvicorn": "uvicorn",
               "python-multipart": "python_multipart"}
    missing = [package for package, module in modules.items()
               if importlib.util.find_spec(module) is None]
    if missing:
        raise CorefillError(f"corefill serve needs {', '.join(missing)}: {EXTRA}")


@click.command()
@click.option("--checkpoint", "checkpoints", required=True, multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="A trained checkpoint, e.g. RUN/checkpoints/best.pt. Repeat it to show "
                   "several models side by side, in the order given.")
@click.option("--port", type=click.IntRange(0, 65535), default=7860, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. 0.0.0.0 opens the page to the network: anyone "
                   "who can reach it can run the model and upload files.")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
def serve(checkpoints: tuple[str, ...], port: int, host: str, device: str) -> None:
    """A page to try the checkpoints: open or pick an image, paint the hole, Fill.

    \b
    Each model's fill is shown, labelled by its run, beside Telea's (cv2.inpaint on the
    same mask), with notes where a hole is unlike those the model trained on, and
    downloads as a PNG at the image's own size and depth. The page says for which holes
    each model is meant and lets you choose the strategy: auto (the model's own
    choice), crop (each hole in windows scaled like its training holes, at the image's
    resolution) or resize (the whole image at the model's size and back: thin strokes
    on large images come back blurred). Strokes can be undone and redone (Ctrl+Z,
    Ctrl+Shift+Z or Ctrl+Y). Each run's test report is shown below.

    \b
    A translation model (pix2pix) takes a conditioning image (a segmentation) instead;
    translation and inpainting models are not served together.
    """
    _require_extra()
    import uvicorn

    from ..serve import create_app  # imports torch and loads the checkpoints

    app = create_app(list(checkpoints), device=device)
    listening = _bind(host, port)  # bound first, so --port 0 prints the port it got
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"serving {', '.join(dict.fromkeys(checkpoints))} at "
               f"http://{shown}:{listening.getsockname()[1]}/ (Ctrl+C to stop)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone who can reach this address can "
                   "run the model and upload files", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])


def _bind(host: str, port: int):
    """A listening socket on ``host``:``port``; a port in use is a one-line error."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        raise CorefillError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listening.listen(128)
    return listening
