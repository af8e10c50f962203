"""Who may talk to the workbook's server: only the practitioner's own browser.

The server listens on 127.0.0.1, which keeps the network out but not other
accounts on the laptop, nor web pages on other localhost ports. So, as Jupyter
does on localhost:

* The run command asks for a **launch key** (:func:`new_launch_key`): a random
  code kept, hashed, in a file only the practitioner's account can read, valid
  once and for :data:`LAUNCH_KEY_SECONDS`. It opens the browser at a URL holding it.
* The server exchanges that key, once, for a **session cookie** (HttpOnly,
  SameSite=Strict), signed with a secret kept beside the keys, so a bookmark, a
  reload, a second tab or a restart of the server keep working in that browser.
* :class:`AccessMiddleware` refuses every HTTP request and websocket without the
  cookie (pages, Streamlit's own ``/_stcore/*`` and scripts, the media route, the
  components' files), every request whose ``Host`` is not the workbook's own
  (DNS rebinding), and every request whose ``Origin`` is not exactly the
  workbook's own (``http://127.0.0.1:PORT`` or ``http://localhost:PORT``). It
  decides this itself, so Streamlit's own origin check, which looks up the
  machine's external address on the internet before refusing a foreign
  origin, is never reached with one. Every answer forbids framing by others.

What it does not protect against: a process of the practitioner's own account
(it can read the key file, as it can read the data folder), or anyone who
copies the cookie out of the practitioner's browser profile.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vig_core.storage.files import DIR_MODE, private_folder
from vig_core.storage.jsonfiles import write_json_atomically
from vig_core.web.tokens import TOKENS

ACCESS_FOLDER = "access"
SECRET_FILE, KEYS_FILE = "cookie-secret", "launch-keys.json"
KEY_PARAM = "key"
LAUNCH_KEY_SECONDS = 15 * 60
COOKIE_PREFIX = "vig_workbook_"
SECURITY_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),  # the player is our own iframe; no other page may frame ours
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"referrer-policy", b"no-referrer"),
]
REFUSED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>VIG Workbook</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5;color:#1f2937}</style></head>
<body><h1>Open the workbook from its run command</h1>
<p>The VIG Workbook only lets in the browser it was opened in. To open it here, run
<code>python3 dev.py run</code> in the workbook's folder: it opens this browser with a fresh link
(and, when the workbook is running already, only opens the link).</p>
<p>A link from the run command works once and for 15 minutes.</p></body></html>"""

_keys_lock = threading.Lock()


def _folder(root: Path) -> Path:
    folder = private_folder(Path(root) / ACCESS_FOLDER)
    os.chmod(folder, DIR_MODE)  # an existing one too, whatever made it
    return folder


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def secret(root: Path) -> bytes:
    """The cookie-signing secret of this data folder, made on first use (private file)."""
    path = _folder(root) / SECRET_FILE
    try:
        value = json.loads(path.read_text()).get("secret")
    except (OSError, ValueError, AttributeError):
        value = None
    if not isinstance(value, str) or len(value) < 64:
        value = secrets.token_hex(32)
        write_json_atomically(path, {"secret": value})  # private, fsynced, replaced in one step
    return value.encode()


def new_launch_key(root: Path, *, now: float | None = None) -> str:
    """A fresh launch key for the run command's link (kept hashed; once, for a quarter of an hour)."""
    now = time.time() if now is None else now
    key = secrets.token_urlsafe(32)
    with _keys_lock:
        keys = _live_keys(root, now)
        keys.append({"hash": _digest(key), "until": now + LAUNCH_KEY_SECONDS})
        write_json_atomically(_folder(root) / KEYS_FILE, keys[-20:])
    return key


def use_launch_key(root: Path, key: str, *, now: float | None = None) -> bool:
    """Whether ``key`` is a live launch key; a key that is used is gone."""
    now = time.time() if now is None else now
    if not key or len(key) > 200:
        return False
    digest = _digest(key)
    with _keys_lock:
        keys = _live_keys(root, now)
        kept = [k for k in keys if not hmac.compare_digest(k["hash"], digest)]
        if len(kept) == len(keys):
            return False
        write_json_atomically(_folder(root) / KEYS_FILE, kept)
        return True


def _live_keys(root: Path, now: float) -> list[dict]:
    try:
        keys = json.loads((_folder(root) / KEYS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return []
    if not isinstance(keys, list):
        return []
    return [k for k in keys if isinstance(k, dict) and isinstance(k.get("hash"), str)
            and isinstance(k.get("until"), int | float) and k["until"] > now]


def cookie_name(port: int) -> str:
    """One cookie per port: browsers share cookies between the ports of a host."""
    return f"{COOKIE_PREFIX}{port}"


def new_session_cookie(root: Path, key: bytes | None = None) -> str:
    """A session cookie's value, signed with the data folder's secret (or ``key``, that secret read once)."""
    session = secrets.token_urlsafe(24)
    return f"{session}.{_sign(key or secret(root), session)}"


def valid_session_cookie(root: Path, value: str | None, key: bytes | None = None) -> bool:
    if not value or value.count(".") != 1 or len(value) > 200:
        return False
    session, signature = value.split(".")
    return hmac.compare_digest(signature, _sign(key or secret(root), session))


def _sign(key: bytes, session: str) -> str:
    return hmac.new(key, session.encode(), hashlib.sha256).hexdigest()


class AccessMiddleware:
    """ASGI middleware in front of the whole server (see module notes)."""

    def __init__(self, app: ASGIApp, *, root: Path, port: int) -> None:
        self.app = app
        self.root = Path(root)
        self.port = port
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        self.cookie = cookie_name(port)
        self.key = secret(self.root)  # read once: every request checks its cookie with it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if headers.get("host") not in self.hosts or (origin is not None and origin not in self.origins):
            await self._refuse(scope, send)
            return
        if scope["type"] == "websocket" and origin is None:
            await self._refuse(scope, send)  # browsers always send it; the workbook's own page is one
            return
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
            cookies = SimpleCookie()
        morsel = cookies.get(self.cookie)
        admitted = valid_session_cookie(self.root, morsel.value if morsel else None, self.key)
        if scope["type"] == "http" and scope.get("method") == "GET" and await self._exchange(scope, send, admitted):
            return
        if admitted and not (scope.get("path", "").startswith("/media/") and TOKENS.refuses()):
            await self.app(scope, receive, self._with_headers(send))
            return
        await self._refuse(scope, send)  # Streamlit's own /media/ files (stills, downloads) not while locked

    async def _exchange(self, scope: Scope, send: Send, admitted: bool) -> bool:
        """A page request holding a launch key: a live key is used up (whoever brings it) and
        gives a session cookie; the browser is sent on to the same address without the key,
        so it stays out of history and bookmarks. Returns whether it answered."""
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        key = next((v for k, v in query if k == KEY_PARAM), None)
        if key is None:
            return False
        fresh = use_launch_key(self.root, key)
        if not (fresh or admitted):
            return False
        rest = urlencode([(k, v) for k, v in query if k != KEY_PARAM])
        headers = [(b"location", (scope.get("path", "/") + (f"?{rest}" if rest else "")).encode("latin-1")),
                   (b"cache-control", b"no-store"), (b"content-length", b"0"), *SECURITY_HEADERS]
        if fresh:
            cookie = (f"{self.cookie}={new_session_cookie(self.root, self.key)}; Path=/; HttpOnly; SameSite=Strict; "
                      f"Max-Age={400 * 24 * 3600}")
            headers.append((b"set-cookie", cookie.encode("latin-1")))
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return True

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accepting: the handshake gets a 403
            return
        body = REFUSED_PAGE.encode()
        await send({"type": "http.response.start", "status": 403, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_with_headers
