"""Receiving a large film through the upload route: speed over loopback and the server's memory.

A server process runs the workbook's upload route behind its access check under uvicorn (as
``streamlit run app.py`` mounts it beside Streamlit, which is left out: it plays no part in a
piece's way to the disk), with a case and a ticket for the film. This process sends a sparse
file of ``--size-mb`` over loopback in the pieces the Recordings page's drop zone sends (8 MiB,
one after another, ``PUT /api/upload/<ticket>`` with ``Upload-Offset``), with the session cookie
and the workbook's origin, while the server's RSS is sampled. Speed counts from the first byte
to the last answer (the last piece's fsync included). "Idle" is the server's RSS after one
small warm-up upload.

    .venv/bin/python bench/upload.py [--size-mb 2048] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from media_memory import Sampler, rss_mb  # noqa: E402
from report import Row, table, wait_for_port  # noqa: E402

from vig_core.services.uploads import PIECE_MAX  # noqa: E402
from vig_core.web.access import cookie_name, new_session_cookie  # noqa: E402

TARGET_MB_S = 100
TARGET_GROWTH_MB = 100
MB = 1024 * 1024


def serve(root: Path, port: int, sizes: list[int]) -> None:
    """The server process: one case with filming consent, a ticket per size (printed as JSON), uvicorn."""
    from datetime import date

    import uvicorn
    from starlette.applications import Starlette

    from vig_core.case.consent import ConsentKind
    from vig_core.case.record import new_case
    from vig_core.services.uploads import TICKETS
    from vig_core.storage.store import CaseStore
    from vig_core.web.access import AccessMiddleware
    from vig_core.web.upload import upload_routes

    store = CaseStore(root)
    case = store.create(new_case("BENCH-1", "Ada", date(2026, 1, 5)))
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    tickets = [TICKETS.issue(store, case.id, f"film-{i}.mov", size).ticket for i, size in enumerate(sizes)]
    app = Starlette(routes=upload_routes())
    app.add_middleware(AccessMiddleware, root=root, port=port)
    print(json.dumps(tickets), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port: int, cookie: str, ticket: str, source: Path, piece: int = PIECE_MAX) -> dict:
    """Send ``source`` in pieces, as the drop zone does; return the last answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/octet-stream"}
    answer: dict = {}
    try:
        with open(source, "rb") as reader:
            offset = 0
            while data := reader.read(piece):
                connection.request("PUT", f"/api/upload/{ticket}", body=data,
                                   headers={**headers, "Upload-Offset": str(offset)})
                response = connection.getresponse()
                answer = json.loads(response.read())
                if response.status != 200:
                    raise RuntimeError(f"piece at {offset} refused: {response.status} {answer}")
                offset += len(data)
    finally:
        connection.close()
    return answer


def sparse_file(folder: Path, size: int) -> Path:
    path = folder / f"film-{size}.mov"
    with open(path, "wb") as handle:
        handle.truncate(size)
        for at in (0, size // 2, max(0, size - 4096)):
            handle.seek(at)
            handle.write(os.urandom(min(4096, size)))
    return path


def measure(quick: bool = False, size_mb: int = 2048) -> list[Row]:
    size = (64 if quick else size_mb) * MB + 12345
    warm = 4 * MB
    with tempfile.TemporaryDirectory(prefix="vig-bench-upload-") as work:
        work_path = Path(work)
        root = work_path / "data"
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(root), str(port), str(warm), str(size)],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ})
        try:
            warm_ticket, ticket = json.loads(server.stdout.readline())
            cookie = f"{cookie_name(port)}={new_session_cookie(root)}"
            wait_for_port(port)
            assert send(port, cookie, warm_ticket, sparse_file(work_path, warm))["done"]
            idle = rss_mb(server.pid)
            source = sparse_file(work_path, size)
            with Sampler(server.pid) as sampler:
                started = time.perf_counter()
                answer = send(port, cookie, ticket, source)
                seconds = time.perf_counter() - started
            assert answer["done"] and answer["received"] == size, answer
        finally:
            server.terminate()
            server.wait(timeout=30)
    speed = size / MB / seconds
    growth = sampler.peak - idle
    return [
        Row(f"Upload of a {size // MB} MB film in {PIECE_MAX // MB} MiB pieces over loopback", f"{speed:.0f} MB/s",
            f">= {TARGET_MB_S} MB/s", None if quick else speed >= TARGET_MB_S),
        Row("Upload: server memory, peak above idle", f"{growth:.0f} MB (idle {idle:.0f} MB)",
            f"<= {TARGET_GROWTH_MB} MB", growth <= TARGET_GROWTH_MB),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        root, port, *sizes = args.serve
        serve(Path(root), int(port), [int(s) for s in sizes])
        return
    print(table(measure(quick=args.quick, size_mb=args.size_mb)))


if __name__ == "__main__":
    main()
