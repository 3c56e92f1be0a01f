"""The Starlette app: the page, and a small JSON API it calls.

    GET  /                     the page (static/index.html, page.js, mask.js, report.js, page.css)
    GET  /api/info             mode (inpainting | translation), strategies, and per model
                               (in the order served): label, run, checkpoint, data spec,
                               its training holes, the strategy each choice means for it,
                               the run's report
    GET  /api/samples          the first model's run's test images: [{key, name, source}], note
    GET  /api/samples/{key}    one of them as PNG
    POST /api/preview          form: image (file) -> {preview: 8-bit PNG data URL, width, ...}
    POST /api/fill             form: image (file), mask (file, white = hole), strategy
                               (auto | crop | resize; default auto) -> {models: [{label,
                               strategy, result: PNG data URL, notes: [line]}], telea: PNG
                               data URL, width, height, depth, hole_pixels, strategy}
    POST /api/translate        form: condition (file) -> {models: [{label, result}], ...}

Every refusal is a 4xx JSON ``{"error": one line}``; an unexpected failure is a 500 with one
line too (the traceback goes to the server's console, never to the page).
"""
from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import CorefillError, one_line
from . import uploads
from .lineup import Lineup
from .run_info import Samples
from .uploads import BadInput

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("corefill.serve")


class _BodyLimit:
    """Refuses request bodies over :data:`uploads.MAX_REQUEST_BYTES`: by their declared
    length at once, and while streaming for bodies that do not declare one."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > uploads.MAX_REQUEST_BYTES:
            response = JSONResponse({"error": _too_large_request(int(declared))}, status_code=413)
            return await response(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > uploads.MAX_REQUEST_BYTES:
                raise BadInput(413, _too_large_request(seen))
            return message

        await self.app(scope, counted, send)


def _too_large_request(size: int) -> str:
    return (f"upload too large: {uploads.megabytes(size)} (the limit is "
            f"{uploads.megabytes(uploads.MAX_FILE_BYTES)} per file)")


def _png_url(pixels) -> str:
    from ..engine.inference.images import encode_png

    return "data:image/png;base64," + base64.b64encode(encode_png(pixels)).decode("ascii")


async def _form(request: Request):
    return await request.form(max_files=4, max_fields=8)


async def _form_file(form, field: str) -> tuple[bytes, str]:
    """The bytes and file name of upload ``field``; a 400 naming it when it is missing."""
    upload = form.get(field)
    if upload is None or isinstance(upload, str):
        raise BadInput(400, f"no {field} file in the request (form field '{field}')")
    data = await upload.read(uploads.MAX_FILE_BYTES + 1)
    if len(data) > uploads.MAX_FILE_BYTES:
        raise uploads.too_large(len(data))
    return data, upload.filename or field


def _strategy(form) -> str:
    """The form's ``strategy`` (default auto); a 422 naming the choices otherwise."""
    from ..engine.inference.fill import STRATEGIES

    value = form.get("strategy") or "auto"
    if not isinstance(value, str) or value not in STRATEGIES:
        shown = repr(value if isinstance(value, str) else "a file")[:60]
        raise BadInput(422, f"strategy must be one of {', '.join(STRATEGIES)}, got {shown}")
    return value


def _eight_bit(pixels):
    """What the browser shows while painting: 8-bit colour channels (any depth, alpha off)."""
    import numpy as np

    from ..engine.inference.images import to_unit

    return np.round(to_unit(pixels) * 255.0).astype(np.uint8)


def _describe(pixels) -> str:
    from ..engine.inference.images import colour_channels

    kind = "RGB" if colour_channels(pixels) == 3 else "grey"
    alpha = " with alpha (kept as is)" if pixels.shape[2] in (2, 4) else ""
    return f"{pixels.dtype.itemsize * 8}-bit {kind}{alpha}"


def create_app(lineup: Lineup) -> Starlette:
    """The app serving ``lineup``'s models (loaded once, at start: a checkpoint that does
    not fit is the CLI's one-line error, not a page)."""
    from ..engine.inference.fill import STRATEGIES

    samples = Samples(lineup.models[0])

    async def page(_request: Request) -> Response:
        return Response((STATIC / "index.html").read_text(encoding="utf-8"),
                        media_type="text/html")

    async def info(_request: Request) -> JSONResponse:
        models = await run_in_threadpool(lineup.describe)  # reports are read as they are now
        return JSONResponse({
            "mode": lineup.mode, "strategies": list(STRATEGIES), "default_strategy": "auto",
            "limits": {"file_bytes": uploads.MAX_FILE_BYTES, "pixels": uploads.MAX_PIXELS},
            "models": models,
        })

    async def sample_list(_request: Request) -> JSONResponse:
        listing = await run_in_threadpool(samples.listing)
        return JSONResponse({**listing, "run": lineup.labels[0]})

    async def sample(request: Request) -> Response:
        from ..engine.inference.images import encode_png

        pixels = await run_in_threadpool(samples.pixels, request.path_params["key"])
        if pixels is None:
            raise BadInput(404, f"no test image {request.path_params['key']!r}")
        return Response(encode_png(pixels), media_type="image/png")

    async def preview(request: Request) -> JSONResponse:
        image, name = await _form_file(await _form(request), "image")

        def work() -> dict[str, Any]:
            pixels = uploads.read_upload(image, name)
            return {"preview": _png_url(_eight_bit(pixels)), "width": int(pixels.shape[1]),
                    "height": int(pixels.shape[0]), "description": _describe(pixels)}

        return JSONResponse(await run_in_threadpool(work))

    async def fill(request: Request) -> JSONResponse:
        if lineup.translation:
            raise BadInput(409, "this page serves translation models: use /api/translate")
        form = await _form(request)
        image, image_name = await _form_file(form, "image")
        mask, mask_name = await _form_file(form, "mask")
        strategy = _strategy(form)

        def work() -> dict[str, Any]:
            pixels = uploads.read_upload(image, image_name)
            hole = uploads.read_hole(mask, mask_name, *pixels.shape[:2])
            try:
                filled, telea = lineup.fill(pixels, hole, strategy)
            except CorefillError as exc:  # e.g. a mask that leaves nothing known
                raise BadInput(422, str(exc).replace("upload: ", "", 1)) from None
            models = [{**entry, "result": _png_url(entry["result"])} for entry in filled]
            return {"models": models, "telea": _png_url(telea), "strategy": strategy,
                    "width": int(pixels.shape[1]), "height": int(pixels.shape[0]),
                    "depth": int(pixels.dtype.itemsize * 8), "hole_pixels": int(hole.sum())}

        return JSONResponse(await run_in_threadpool(work))

    async def translate(request: Request) -> JSONResponse:
        if not lineup.translation:
            raise BadInput(409, "this page serves models that fill painted holes: use /api/fill")
        condition, name = await _form_file(await _form(request), "condition")

        def work() -> dict[str, Any]:
            pixels = uploads.read_upload(condition, name)
            models = [{**entry, "result": _png_url(entry["result"])}
                      for entry in lineup.translate(pixels)]
            return {"models": models, "width": int(pixels.shape[1]),
                    "height": int(pixels.shape[0])}

        return JSONResponse(await run_in_threadpool(work))

    async def bad_input(_request: Request, exc: BadInput) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    async def failure(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")  # the console gets the traceback, the page one line
        return JSONResponse({"error": f"internal error: {one_line(exc)}"}, status_code=500)

    routes = [
        Route("/", page), Route("/api/info", info), Route("/api/samples", sample_list),
        Route("/api/samples/{key}", sample), Route("/api/preview", preview, methods=["POST"]),
        Route("/api/fill", fill, methods=["POST"]),
        Route("/api/translate", translate, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_BodyLimit)],
                     exception_handlers={BadInput: bad_input, Exception: failure})
