"""HTTP route that streams a recording named by an opaque token.

``GET|HEAD /api/media/{token}/{name}``: the token alone decides the file (see
:mod:`vig_core.web.tokens`); ``name`` is ignored, it is only there so the
URL ends in ``.mp4`` for streamlit-player. Starlette's ``FileResponse`` does
the streaming and HTTP Range handling (206 for one range, multipart/byteranges
for several, 416 past the end), so memory stays flat for large films. A vault's encrypted film
is answered by :func:`~vig_core.web.sealed_media.sealed_response` instead (one range, decrypted
chunk by chunk).

Every answer carries ``Cache-Control: no-store`` and ``nosniff``; none carries
``Access-Control-Allow-Origin``. Unknown, expired or forged tokens get a bare
404, and while the registry is locked every request gets a bare 403. Mounted
on the Streamlit server by ``app.py`` through ``st.App(..., routes=media_routes())``.
"""

from __future__ import annotations

import os
import stat

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from vig_core.errors import LockedError
from vig_core.storage.media_source import hidden_reader
from vig_core.vault.errors import DamagedMedia
from vig_core.web.sealed_media import sealed_response
from vig_core.web.tokens import TOKENS, URL_PREFIX, MediaTokens, media_url

__all__ = ["SECURITY_HEADERS", "media_routes", "media_url"]

SECURITY_HEADERS: dict[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": "inline",
}
_RAW_SECURITY_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]


class _MediaFileResponse(FileResponse):
    """``FileResponse`` whose every answer (also its own 400/416) carries the security headers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message["headers"]}
                extra = [(k, v) for k, v in _RAW_SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message["headers"], *extra]}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def _hidden(path):
    return hidden_reader(path, name="This film")


def _plain(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=SECURITY_HEADERS)


def media_routes(tokens: MediaTokens | None = None) -> list[Route]:
    """The routes to add to the server; ``tokens`` defaults to the app's ``TOKENS``."""
    registry = TOKENS if tokens is None else tokens

    async def serve(request: Request) -> Response:
        if registry.refuses():
            return _plain(403, "Locked")
        token = request.path_params.get("token", "")
        entry = registry.lookup(token)
        if entry is None:
            return _plain(404, "Not found")
        try:
            stat_result = await anyio.to_thread.run_sync(os.stat, entry.path)
        except OSError:
            stat_result = None
        if stat_result is None or not stat.S_ISREG(stat_result.st_mode):
            registry.revoke(token)
            return _plain(404, "Not found")
        try:
            reader = await anyio.to_thread.run_sync(_hidden, entry.path)
        except LockedError:  # the vault's key was dropped since the lock was asked
            return _plain(403, "Locked")
        except DamagedMedia:
            return _plain(500, "Damaged")
        except OSError:
            return _plain(404, "Not found")
        if reader is not None:  # a vault's film: decrypted range by range
            return await sealed_response(request, reader, entry.media_type, SECURITY_HEADERS)
        return _MediaFileResponse(
            entry.path,
            media_type=entry.media_type,
            stat_result=stat_result,
            headers=SECURITY_HEADERS,
        )

    async def not_found(request: Request) -> Response:
        return _plain(403, "Locked") if registry.refuses() else _plain(404, "Not found")

    return [
        # ``:path`` so that a name holding (decoded) slashes still lands here and
        # is ignored, instead of falling through to Streamlit's page handler.
        Route(URL_PREFIX + "/{token}/{name:path}", serve, methods=["GET", "HEAD"], name="vig-media"),
        Route(URL_PREFIX + "/{rest:path}", not_found, methods=["GET", "HEAD"], name="vig-media-other"),
    ]
