"""Part of bench/vault.py: the same film served over HTTP with Range requests, plain and chunked.

The vault is not wired into the media route yet (issue 23 leaves that to the next step), so a
server process stands in for it with two routes under uvicorn: ``/plain`` is Starlette's
``FileResponse`` on the plain file (what the media route serves today, Range handling and
64 KiB reads on a worker thread included) and ``/vault`` answers one ``bytes=a-b`` range from
the chunked file through ``ChunkedReader.read``, 1 MiB per worker-thread call, as a
``StreamingResponse``; ``/plain-1m`` is that same route over the plain file with ``os.pread``,
to show what decrypting costs apart from the route's design. The client asks each for the
whole film in 16 MiB ranges (as a player streams) and for 1 MiB ranges at random offsets (as
a player seeks), over one keep-alive connection, and reads every byte.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from report import wait_for_port

MB = 1024 * 1024


def serve(plain: Path, sealed: Path, key_hex: str, port: int) -> None:
    import anyio.to_thread
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, Response, StreamingResponse
    from starlette.routing import Route

    from vig_core.vault.chunks import ChunkedReader
    from vig_core.vault.keys import DataKey

    reader = ChunkedReader(sealed, DataKey(bytes.fromhex(key_hex)))
    fd = os.open(plain, os.O_RDONLY)
    size = os.fstat(fd).st_size

    async def plain_file(request: Request) -> Response:
        return FileResponse(plain, media_type="video/mp4")

    def ranged(read, total: int):
        async def answer(request: Request) -> Response:
            first, last = request.headers["range"].removeprefix("bytes=").split("-")
            start, end = int(first), min(int(last), total - 1)

            async def body():
                at = start
                while at <= end:
                    piece = await anyio.to_thread.run_sync(read, at, min(MB, end + 1 - at))
                    at += len(piece)
                    yield piece

            return StreamingResponse(body(), status_code=206, media_type="video/mp4", headers={
                "Content-Range": f"bytes {start}-{end}/{total}", "Content-Length": str(end + 1 - start)})
        return answer

    app = Starlette(routes=[Route("/plain", plain_file), Route("/vault", ranged(reader.read, reader.size)),
                            Route("/plain-1m", ranged(lambda at, n: os.pread(fd, n, at), size))])
    print(json.dumps("ready"), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def fetch(port: int, path: str, ranges: list[tuple[int, int]]) -> float:
    """MB/s of reading every byte of ``ranges`` from ``path``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    total = 0
    started = time.perf_counter()
    try:
        for offset, length in ranges:
            connection.request("GET", path, headers={"Range": f"bytes={offset}-{offset + length - 1}"})
            response = connection.getresponse()
            if response.status != 206:
                raise RuntimeError(f"{path}: {response.status}")
            while block := response.read(MB):
                total += len(block)
    finally:
        connection.close()
    return total / MB / (time.perf_counter() - started)


def measure_http(plain: Path, sealed: Path, key_hex: str, size: int) -> dict[str, tuple[float, float, float]]:
    """``{what: (chunked, plain FileResponse, plain through the chunked route's design)}`` in MB/s,
    each the better of two runs."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen([sys.executable, __file__, str(plain), str(sealed), key_hex, str(port)],
                              cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        wait_for_port(port)
        rng = random.Random(23)
        kinds = {"16 MiB ranges, the whole film in order": [(at, min(16 * MB, size - at))
                                                            for at in range(0, size, 16 * MB)],
                 "1 MiB ranges at random offsets": [(rng.randrange(size - MB), MB) for _ in range(size // MB // 2)]}
        return {what: tuple(max(fetch(port, path, r) for _ in range(2)) for path in ("/vault", "/plain", "/plain-1m"))
                for what, r in kinds.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    serve(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
