"""Part of bench/vault.py: the same film served over HTTP with Range requests by the workbook's own
media route (``vig_core.web.route.media_routes``), plain and encrypted, in a server process of its own.

The server holds a vault's key for the bench's folder (its ``vault.json`` beside the films), issues
a token for the plain film and one for the chunked film, and serves the route under uvicorn: the
plain film through Starlette's ``FileResponse`` (what the route does for a plain data folder), the
encrypted one through ``web/sealed_media.py`` (decrypting only the chunks a range needs, 1 MiB per
worker-thread call). The client asks each for the whole film in 16 MiB ranges (as a player
streams) and for 1 MiB ranges at random offsets (as a player seeks), over one keep-alive
connection, and reads every byte; the server's memory is sampled meanwhile.
"""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from media_memory import Sampler, rss_mb
from report import wait_for_port

MB = 1024 * 1024


def serve(root: Path, plain: Path, sealed: Path, key_hex: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette

    from vig_core.storage import vaulting
    from vig_core.vault.keys import DataKey
    from vig_core.web.route import media_routes
    from vig_core.web.tokens import MediaTokens

    vaulting.hold_key(root, DataKey(bytes.fromhex(key_hex)))
    tokens = MediaTokens()
    urls = {"plain": tokens.issue(plain, ttl=3600), "vault": tokens.issue(sealed, ttl=3600)}
    app = Starlette(routes=media_routes(tokens))
    print(json.dumps(urls), flush=True)
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


def measure_http(root: Path, plain: Path, sealed: Path, key_hex: str,
                 size: int) -> tuple[dict[str, tuple[float, float]], float]:
    """``{what: (encrypted, plain)}`` in MB/s through the media route, each the better of two runs,
    and the server's highest memory above its idle, in MB."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = Path(__file__).resolve().parent.parent
    server = subprocess.Popen([sys.executable, __file__, str(root), str(plain), str(sealed), key_hex, str(port)],
                              cwd=code, stdout=subprocess.PIPE, text=True)
    try:
        urls = json.loads(server.stdout.readline())
        wait_for_port(port)
        idle = rss_mb(server.pid)
        rng = random.Random(23)
        kinds = {"16 MiB ranges, the whole film in order": [(at, min(16 * MB, size - at))
                                                            for at in range(0, size, 16 * MB)],
                 "1 MiB ranges at random offsets": [(rng.randrange(size - MB), MB) for _ in range(size // MB // 2)]}
        with Sampler(server.pid) as sampler:
            speeds = {what: tuple(max(fetch(port, urls[side], r) for _ in range(2)) for side in ("vault", "plain"))
                      for what, r in kinds.items()}
        return speeds, sampler.peak - idle
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    serve(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
