"""HTTP route that receives a film in pieces, by upload ticket (see :mod:`vig_core.services.uploads`).

``PUT /api/upload/{ticket}`` with the header ``Upload-Offset: N`` and a body of at most
``PIECE_MAX`` bytes (``Content-Length`` required): the piece is appended if ``N`` is exactly the
count received so far and the film stays within its declared size. The body is streamed to the
disk as it arrives (``request.stream()``, written in slices of :data:`WRITE_SLICE`), never held
whole. Answer ``200 {"received": n, "size": s, "done": bool}``.

``GET|HEAD /api/upload/{ticket}``: the same JSON (HEAD: the headers ``Upload-Offset`` and
``Upload-Length`` only), so a browser that lost its connection or was reloaded carries on from
``received``.

Refusals are JSON ``{"error": "<one plain sentence>", "received": n}`` (``received`` when known):
400 bad offset header, 411 no length, 404 unknown or expired ticket, 409 wrong offset (the body
says where to carry on) or a piece already arriving, 410 its file is gone (erased), 413 piece too
large or past the declared size, 507 the disk is full (the partial file is removed), 500 another
failure to write. While the workbook is locked every request gets a bare 403. The session cookie
and the exact origin are checked before this by :class:`vig_core.web.access.AccessMiddleware`.
Every answer carries ``Cache-Control: no-store`` and ``nosniff``, never an
``Access-Control-Allow-Origin``.
"""

from __future__ import annotations

import logging

import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vig_core.services.uploads import TICKETS, UploadRefused, UploadTickets
from vig_core.storage.uploads import finish
from vig_core.web.route import SECURITY_HEADERS
from vig_core.web.tokens import TOKENS, MediaTokens

__all__ = ["URL_PREFIX", "upload_routes"]

URL_PREFIX = "/api/upload"
OFFSET_HEADER = "upload-offset"
WRITE_SLICE = 1024 * 1024  # bytes gathered from the stream before each write to the disk
_HEADERS = {k: v for k, v in SECURITY_HEADERS.items() if k != "Content-Disposition"}
log = logging.getLogger("vig_workbook.uploads")


def _json(status: int, body: dict) -> Response:
    return JSONResponse(body, status_code=status, headers=_HEADERS)


def _refused(refusal: UploadRefused) -> Response:
    body = {"error": refusal.message}
    if refusal.received is not None:
        body["received"] = refusal.received
    return _json(refusal.status, body)


def _number(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    return int(text)


def _write_all(handle, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[handle.write(view):]


async def receive(request: Request, tickets: UploadTickets) -> Response:
    """One piece (see module notes)."""
    ticket = request.path_params.get("ticket", "")
    offset = _number(request.headers.get(OFFSET_HEADER))
    if offset is None:
        return _json(400, {"error": "The piece does not say where it starts (Upload-Offset)."})
    length = _number(request.headers.get("content-length"))
    if length is None:
        return _json(411, {"error": "The piece does not say how long it is (Content-Length)."})
    try:
        upload = tickets.begin(ticket, offset, length)
    except UploadRefused as refusal:
        return _refused(refusal)
    written = 0
    handle = None
    try:
        handle = await anyio.to_thread.run_sync(tickets.open_piece, upload)
        pending: list[bytes] = []
        gathered = 0
        try:
            async for piece in request.stream():
                if written + gathered + len(piece) > length:
                    raise UploadRefused(413, "The piece is longer than it said.")
                pending.append(piece)
                gathered += len(piece)
                if gathered >= WRITE_SLICE:
                    await anyio.to_thread.run_sync(_write_all, handle, b"".join(pending))
                    written, pending, gathered = written + gathered, [], 0
        except ClientDisconnect:
            pass  # what arrived is kept; the browser asks for the count and carries on
        if pending:
            await anyio.to_thread.run_sync(_write_all, handle, b"".join(pending))
            written += gathered
        done = upload.received + written == upload.size
        if done:
            await anyio.to_thread.run_sync(finish, handle)
        closing, handle = handle, None
        await anyio.to_thread.run_sync(closing.close)  # in a vault: the piece is in place from here on
        status = tickets.end(upload, upload.received + written, done=done)
        return _json(200, status)
    except UploadRefused as refusal:
        if refusal.status != 410:  # 410: open_piece has dropped it already
            refusal.received = tickets.end(upload, upload.received + written)["received"]
        return _refused(refusal)
    except OSError as error:
        log.warning("an upload could not be written: %s", error.strerror)
        return _refused(tickets.failed(upload, error))
    except BaseException:
        tickets.end(upload, upload.received + written)
        raise
    finally:
        if handle is not None:
            await anyio.to_thread.run_sync(handle.close)


def upload_routes(tickets: UploadTickets | None = None, lock: MediaTokens | None = None) -> list[Route]:
    """The routes to add to the server; ``tickets`` defaults to the app's ``TICKETS`` and ``lock``
    (whose :meth:`~vig_core.web.tokens.MediaTokens.refuses` says the workbook is locked) to ``TOKENS``."""
    registry = TICKETS if tickets is None else tickets
    guard = TOKENS if lock is None else lock

    async def upload(request: Request) -> Response:
        if guard.refuses():
            return Response("Locked", status_code=403, media_type="text/plain", headers=_HEADERS)
        registry.sweep()
        if request.method == "PUT":
            return await receive(request, registry)
        try:
            status = registry.status(request.path_params.get("ticket", ""))
        except UploadRefused as refusal:
            return _refused(refusal)
        if request.method == "HEAD":
            return Response(status_code=200, headers={**_HEADERS, "Upload-Offset": str(status["received"]),
                                                      "Upload-Length": str(status["size"])})
        return _json(200, status)

    return [Route(URL_PREFIX + "/{ticket}", upload, methods=["GET", "HEAD", "PUT"], name="vig-upload")]
