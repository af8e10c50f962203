"""Encrypted films handed to ffmpeg as ``http://127.0.0.1:<port>/<token>`` URLs, decrypted as it reads.

ffmpeg cannot read a vault's chunk-encrypted film from its path, and a decrypted copy on the disk
is what the vault forbids. So every argument of an ffmpeg command that names an encrypted file
(or an upload in encrypted pieces) is swapped, for the time that ffmpeg runs, for a URL of a tiny
HTTP server in this process (:func:`ffmpeg_inputs`):

* ``http.server.ThreadingHTTPServer`` bound to 127.0.0.1 on a port the system picks, started on
  first use, one thread per connection;
* each film gets its own random token (32 bytes, unguessable) that is valid only while its
  ffmpeg runs, withdrawn when the command ends; any other path is a bare 404;
* ``GET`` and ``HEAD``, with a single ``Range: bytes=a-b`` (or ``a-``, or ``-n``) answered
  ``206`` with ``Content-Range`` and ``Content-Length`` (past the end: ``416``), which is how
  ffmpeg's http protocol seeks (an MP4 whose index is at its end reads like a file);
* the plaintext is decrypted only for the bytes asked, 1 MiB per read
  (:meth:`~vig_core.vault.chunks.ChunkedReader.readinto_at`); a damaged chunk ends the answer
  (ffmpeg sees a cut connection and fails), never sends its bytes.

Plain files are left as paths. Nothing leaves the computer: the server listens on the loopback
address only, and while it runs any program of this account that learns a token can read that one
film, as it could read the process's memory.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from vig_core.storage.media_source import HiddenReader, hidden_reader
from vig_core.vault.errors import DamagedMedia

PIECE = 1024 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")

_films: dict[str, tuple[HiddenReader, list[DamagedMedia]]] = {}
_films_lock = threading.Lock()
_server: ThreadingHTTPServer | None = None
_server_pid = 0  # the process whose thread serves: a forked child starts its own


def byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """``(first, last)`` inclusive for a single-range header, ``None`` for the whole film (no header,
    or one this does not understand: served whole, as HTTP allows), ``"past"`` when it starts past the end."""
    if not header:
        return None
    found = _RANGE.fullmatch(header.strip())
    if found is None or (not found[1] and not found[2]):
        return None
    if not found[1]:  # the last n bytes
        count = int(found[2])
        return None if count == 0 else (max(0, size - count), size - 1) if size else "past"
    first = int(found[1])
    last = min(int(found[2]), size - 1) if found[2] else size - 1
    if first >= size:
        return "past"
    return None if last < first else (first, last)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vig"
    sys_version = ""

    def log_message(self, *_: object) -> None:  # a URL holds a token: never logged
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, *, body: bool) -> None:
        with _films_lock:
            reader, damage = _films.get(self.path.lstrip("/").split("/", 1)[0], (None, None))
        if reader is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        size = reader.size
        wanted = byte_range(self.headers.get("Range"), size)
        if wanted == "past":
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first, last = wanted if wanted is not None else (0, size - 1)
        self.send_response(206 if wanted is not None else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(max(0, last + 1 - first)))
        if wanted is not None:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.end_headers()
        if body:
            self._send(reader, damage, first, last + 1)

    def _send(self, reader: HiddenReader, damage: list[DamagedMedia], at: int, end: int) -> None:
        buffer = bytearray(PIECE)
        view = memoryview(buffer)
        try:
            while at < end:
                got = reader.readinto_at(at, view[:min(PIECE, end - at)])
                if got <= 0:
                    break
                self.wfile.write(view[:got])
                at += got
        except DamagedMedia as error:  # noted: ffmpeg may take a cut connection for the film's end
            damage.append(error)
            self.close_connection = True
            return
        except (OSError, ValueError):  # withdrawn, or ffmpeg hung up (it does to seek)
            self.close_connection = True
            return
        if at < end:
            self.close_connection = True


def _running_server() -> ThreadingHTTPServer:
    global _server, _server_pid
    with _films_lock:
        if _server is None or _server_pid != os.getpid():  # none yet, or the parent's (its thread is not here)
            server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, name="vig-loopback", daemon=True).start()
            _server, _server_pid = server, os.getpid()
        return _server


class Inputs(list):
    """ffmpeg's arguments with loopback URLs; :meth:`check` raises the first damaged chunk met."""

    def __init__(self, args: list[str]) -> None:
        super().__init__(args)
        self.damage: list[DamagedMedia] = []

    def check(self) -> None:
        if self.damage:
            raise self.damage[0]


@contextlib.contextmanager
def served(reader: HiddenReader, damage: list[DamagedMedia] | None = None) -> Iterator[str]:
    """A loopback URL of ``reader``'s plaintext, valid for the time of the block; a damaged chunk
    met while serving it is added to ``damage``."""
    server = _running_server()
    token = secrets.token_urlsafe(32)
    with _films_lock:
        _films[token] = (reader, damage if damage is not None else [])
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{token}"
    finally:
        with _films_lock:
            _films.pop(token, None)


def _looks_like_path(arg: str) -> bool:
    return bool(arg) and not arg.startswith("-") and ("/" in arg or "\\" in arg) and "://" not in arg


@contextlib.contextmanager
def ffmpeg_inputs(args: list[str]) -> Iterator[Inputs]:
    """``args`` with every encrypted file replaced by a loopback URL (and ``-seekable 1`` before its
    ``-i``), for the time of the block; the readers are closed and the URLs withdrawn after it.
    A damaged chunk met meanwhile is raised (:class:`DamagedMedia`) when the block ends, or earlier
    by :meth:`Inputs.check`: ffmpeg itself may take the cut connection for the end of the film."""
    with contextlib.ExitStack() as stack:
        out = Inputs([])
        for arg in args:
            reader = hidden_reader(Path(arg)) if _looks_like_path(arg) and Path(arg).exists() else None
            if reader is None:
                out.append(arg)
                continue
            stack.callback(reader.close)
            url = stack.enter_context(served(reader, out.damage))
            if out and out[-1] == "-i":
                out[-1:] = ["-seekable", "1", "-i"]
            out.append(url)
        yield out
        out.check()
