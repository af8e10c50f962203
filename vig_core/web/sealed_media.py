"""The media route's answer for a vault's encrypted film: HTTP Range served by decrypting only the
chunks the range touches (see :mod:`vig_core.web.route`).

``GET``/``HEAD`` with no ``Range``: ``200`` and the whole film; one range (``bytes=a-b``, ``a-``,
``-n``): ``206`` with ``Content-Range``; a range starting past the end: ``416`` with
``Content-Range: bytes */size``. Several ranges or one not understood: the whole film (``200``),
as HTTP allows. The body is read 1 MiB per worker-thread call
(:meth:`~vig_core.vault.chunks.ChunkedReader.readinto_at`), so memory stays flat. A chunk that fails
its check before anything is sent gives ``500``; one failing later ends the answer there (the
browser sees a cut connection), so a damaged film's bytes are never sent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from vig_core.media.loopback import byte_range
from vig_core.storage.media_source import HiddenReader
from vig_core.vault.errors import DamagedMedia

PIECE = 1024 * 1024
log = logging.getLogger("vig_workbook.media")


def _read(reader: HiddenReader, at: int, length: int) -> bytes:
    buffer = bytearray(length)
    got = reader.readinto_at(at, buffer)
    return bytes(buffer[:got]) if got < length else bytes(buffer)


async def sealed_response(request: Request, reader: HiddenReader, media_type: str,
                          headers: dict[str, str]) -> Response:
    """The answer to ``request`` from ``reader`` (closed when the answer is over)."""
    size = reader.size
    wanted = byte_range(request.headers.get("range"), size)
    if wanted == "past":
        reader.close()
        return PlainTextResponse("Range not satisfiable", status_code=416,
                                 headers={**headers, "Content-Range": f"bytes */{size}"})
    first, last = wanted if wanted is not None else (0, size - 1)
    length = max(0, last + 1 - first)
    answer_headers = {**headers, "Accept-Ranges": "bytes", "Content-Length": str(length)}
    if wanted is not None:
        answer_headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    status = 206 if wanted is not None else 200
    if request.method == "HEAD" or length == 0:
        reader.close()
        return Response(status_code=status, media_type=media_type, headers=answer_headers)
    try:  # the first piece before any header: a damaged start is an error, not a cut film
        head = await anyio.to_thread.run_sync(_read, reader, first, min(PIECE, length))
    except DamagedMedia as damage:
        reader.close()
        log.warning("a damaged film was asked for (part %s)", damage.chunk)
        return PlainTextResponse("Damaged", status_code=500, headers=headers)
    except BaseException:
        reader.close()
        raise

    async def body() -> AsyncIterator[bytes]:
        at = first + len(head)
        try:
            yield head
            while at <= last:
                piece = await anyio.to_thread.run_sync(_read, reader, at, min(PIECE, last + 1 - at))
                if not piece:
                    return
                at += len(piece)
                yield piece
        except DamagedMedia as damage:
            log.warning("a damaged film was cut off at part %s", damage.chunk)
            raise
        finally:
            reader.close()

    return StreamingResponse(body(), status_code=status, media_type=media_type, headers=answer_headers)
