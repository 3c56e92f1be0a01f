"""The Starlette app: the page, and a small JSON API it calls.

    GET  /                     the page (static/index.html, page.js, page.css)
    GET  /api/info             mode (inpainting | translation), data spec, the run's report
    GET  /api/samples          the run's test images: [{key, name, source}], note
    GET  /api/samples/{key}    one of them as PNG
    POST /api/preview          form: image (file) -> {preview: 8-bit PNG data URL, width, ...}
    POST /api/fill             form: image (file), mask (file, white = hole)
                               -> {result, telea: PNG data URLs, width, height, ...}
    POST /api/translate        form: condition (file) -> {result: PNG data URL, ...}

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

from . import uploads
from .model import ServedModel
from .run_info import Samples, report_summary
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


async def _form_file(request: Request, field: str) -> tuple[bytes, str]:
    """The bytes and file name of upload ``field``; a 400 naming it when it is missing."""
    form = await request.form(max_files=4, max_fields=8)
    upload = form.get(field)
    if upload is None or isinstance(upload, str):
        raise BadInput(400, f"no {field} file in the request (form field '{field}')")
    data = await upload.read(uploads.MAX_FILE_BYTES + 1)
    if len(data) > uploads.MAX_FILE_BYTES:
        raise uploads.too_large(len(data))
    return data, upload.filename or field


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


def create_app(model: ServedModel) -> Starlette:
    """The app serving ``model`` (loaded once, at start: a checkpoint that does not fit
    is the CLI's one-line error, not a page)."""
    samples = Samples(model)

    async def page(_request: Request) -> Response:
        return Response((STATIC / "index.html").read_text(encoding="utf-8"),
                        media_type="text/html")

    async def info(_request: Request) -> JSONResponse:
        spec = model.spec
        return JSONResponse({
            "mode": model.mode, "checkpoint": str(model.checkpoint), "run": str(model.run),
            "recipe": model.recipe.name, "generator": model.recipe.generator.name,
            "spec": {k: spec.get(k) for k in ("size", "channels", "input_channels",
                                              "value_range", "mask_polarity", "output_region")},
            "limits": {"file_bytes": uploads.MAX_FILE_BYTES, "pixels": uploads.MAX_PIXELS},
            "report": report_summary(model.run),
        })

    async def sample_list(_request: Request) -> JSONResponse:
        return JSONResponse(await run_in_threadpool(samples.listing))

    async def sample(request: Request) -> Response:
        from ..engine.inference.images import encode_png

        pixels = await run_in_threadpool(samples.pixels, request.path_params["key"])
        if pixels is None:
            raise BadInput(404, f"no test image {request.path_params['key']!r}")
        return Response(encode_png(pixels), media_type="image/png")

    async def preview(request: Request) -> JSONResponse:
        image, name = await _form_file(request, "image")

        def work() -> dict[str, Any]:
            pixels = uploads.read_upload(image, name)
            return {"preview": _png_url(_eight_bit(pixels)), "width": int(pixels.shape[1]),
                    "height": int(pixels.shape[0]), "description": _describe(pixels)}

        return JSONResponse(await run_in_threadpool(work))

    async def fill(request: Request) -> JSONResponse:
        if model.translation:
            raise BadInput(409, "this model translates a conditioning image: use /api/translate")
        image, image_name = await _form_file(request, "image")
        mask, mask_name = await _form_file(request, "mask")

        def work() -> dict[str, Any]:
            pixels = uploads.read_upload(image, image_name)
            hole = uploads.read_hole(mask, mask_name, *pixels.shape[:2])
            result, telea = model.fill(pixels, hole)
            return {"result": _png_url(result), "telea": _png_url(telea),
                    "width": int(pixels.shape[1]), "height": int(pixels.shape[0]),
                    "depth": int(pixels.dtype.itemsize * 8), "hole_pixels": int(hole.sum())}

        return JSONResponse(await run_in_threadpool(work))

    async def translate(request: Request) -> JSONResponse:
        if not model.translation:
            raise BadInput(409, "this model fills painted holes: use /api/fill")
        condition, name = await _form_file(request, "condition")

        def work() -> dict[str, Any]:
            pixels = uploads.read_upload(condition, name)
            result = model.translate(pixels)
            return {"result": _png_url(result), "width": int(pixels.shape[1]),
                    "height": int(pixels.shape[0])}

        return JSONResponse(await run_in_threadpool(work))

    async def bad_input(_request: Request, exc: BadInput) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    async def failure(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")  # the console gets the traceback, the page one line
        return JSONResponse({"error": f"internal error: {type(exc).__name__}: "
                                      f"{(str(exc).splitlines() or [''])[0]}"}, status_code=500)

    routes = [
        Route("/", page), Route("/api/info", info), Route("/api/samples", sample_list),
        Route("/api/samples/{key}", sample), Route("/api/preview", preview, methods=["POST"]),
        Route("/api/fill", fill, methods=["POST"]),
        Route("/api/translate", translate, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_BodyLimit)],
                     exception_handlers={BadInput: bad_input, Exception: failure})
