"""Opaque, expiring media tokens: the only way a URL can name a recording.

A page that wants to show a film asks for a URL::

    url = media_url(case_film_path)          # "/api/media/<token>/film.mp4"

and the HTTP route (:mod:`vig_core.web.route`) maps the token back to the
file. No path ever travels through a URL, so nothing a browser sends can make
the server open any file it was not told to serve by this process.

Tokens live in this process only (a restart forgets them), last four hours by
default, and can all be withdrawn at once (:meth:`MediaTokens.revoke_all`).
While the registry is *locked* (see :mod:`vig_core.services.lock`) the route answers 403 to
every media request. No Streamlit here.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

URL_PREFIX = "/api/media"
DEFAULT_TTL = 4 * 3600.0
DEFAULT_NAME = "film.mp4"
DEFAULT_MAX_ENTRIES = 1024

# streamlit-player only picks its file player for these endings; the media
# type is what the browser is told the bytes are.
MEDIA_TYPES: dict[str, str] = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogg": "video/ogg",
    ".mov": "video/quicktime",
}
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_MAX_STEM = 64


@dataclass(frozen=True)
class MediaEntry:
    path: Path  # absolute, resolved when issued
    media_type: str
    expires: float  # on the registry's clock
    name: str  # the sanitised last URL segment


def safe_name(name: str, path: Path | None = None) -> str:
    """``name`` reduced to ``[A-Za-z0-9._-]`` with an extension the player knows.

    The extension comes from ``name`` if allowed, else (added after the whole
    name) from ``path`` if allowed, else ``.mp4``. Never empty, never starts
    with a dot, never contains ``/`` or ``%``.
    """
    clean = _UNSAFE_NAME_CHARS.sub("_", name)
    stem, dot, ext = clean.rpartition(".")
    ext = "." + ext.lower()
    if not dot or ext not in MEDIA_TYPES:
        stem = clean
        suffix = path.suffix.lower() if path is not None else ""
        ext = suffix if suffix in MEDIA_TYPES else ".mp4"
    stem = stem.strip(".")[:_MAX_STEM].rstrip(".") or "film"
    return stem + ext


class MediaTokens:
    """Thread-safe map of unguessable tokens to (absolute path, media type, expiry).

    ``clock`` must be monotonic (default :func:`time.monotonic`); tests inject
    their own. At most ``max_entries`` tokens are kept: expired ones are purged
    on every :meth:`issue`, and past the cap the soonest-expiring go first.
    """

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._clock = clock
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[str, MediaEntry] = {}
        self._by_key: dict[tuple[Path, str], str] = {}  # (path, name) -> live token, for reuse
        self._locked = False
        self._guard: Callable[[], bool] | None = None  # the lock's own check, asked by the route

    # -- issuing ---------------------------------------------------------------
    def issue(self, path: Path, *, ttl: float = DEFAULT_TTL, name: str = DEFAULT_NAME) -> str:
        """A URL path ``/api/media/<token>/<name>`` that serves ``path`` for ``ttl`` seconds.

        ``name`` only decides the ending the player needs (it is sanitised);
        never put a family's or child's name in it. Asking again for the same
        file and name while its token still has at least half of ``ttl`` left
        returns the same URL, so a rerun does not make the player reload.

        Raises ``FileNotFoundError`` if ``path`` is not an existing regular file
        and ``ValueError`` for a non-positive ``ttl``.
        """
        if not ttl > 0:
            raise ValueError("ttl must be positive")
        resolved = Path(path).resolve(strict=True)
        if not resolved.is_file():
            raise FileNotFoundError(f"not a regular file: {resolved.name}")
        clean = safe_name(name, resolved)
        media_type = MEDIA_TYPES.get(resolved.suffix.lower()) or MEDIA_TYPES[Path(clean).suffix]
        with self._lock:
            now = self._clock()
            self._purge_expired(now)
            key = (resolved, clean)
            existing = self._by_key.get(key)
            if existing is not None and self._entries[existing].expires - now >= ttl / 2:
                return _url(existing, clean)
            token = secrets.token_urlsafe(32)
            self._entries[token] = MediaEntry(resolved, media_type, now + ttl, clean)
            self._by_key[key] = token
            while len(self._entries) > self._max_entries:
                self._drop(min(self._entries, key=lambda t: self._entries[t].expires))
        return _url(token, clean)

    # -- resolving -------------------------------------------------------------
    def lookup(self, token: str) -> MediaEntry | None:
        """The live entry for ``token`` (no filesystem check), or ``None``."""
        if not isinstance(token, str) or len(token) > 128:
            return None
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            now = self._clock()
            if now >= entry.expires:
                self._drop(token)
                return None
            return entry

    def resolve(self, token: str) -> Path | None:
        """The file behind ``token``; ``None`` if unknown, expired or the file is gone."""
        entry = self.lookup(token)
        if entry is None:
            return None
        if not entry.path.is_file():
            self.revoke(token)  # a deleted recording's URL stays dead
            return None
        return entry.path

    # -- withdrawing -----------------------------------------------------------
    def revoke(self, token: str) -> None:
        with self._lock:
            if token in self._entries:
                self._drop(token)

    def revoke_path(self, path: Path) -> int:
        """Withdraw every token for ``path`` (e.g. before deleting a recording)."""
        target = Path(path).resolve()
        with self._lock:
            doomed = [t for t, e in self._entries.items() if e.path == target]
            for token in doomed:
                self._drop(token)
        return len(doomed)

    def revoke_all(self) -> None:
        with self._lock:
            self._entries.clear()
            self._by_key.clear()

    # -- lock screen -----------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self._locked

    def set_guard(self, is_locked: Callable[[], bool]) -> None:
        """The lock's own check (it applies the idle time), for :meth:`refuses`."""
        self._guard = is_locked

    def refuses(self) -> bool:
        """Whether the route must answer 403 now: asks the lock, so an idle workbook locks
        even when no page is open to notice."""
        return self._guard() if self._guard is not None else self._locked

    def set_locked(self, flag: bool) -> None:
        """While locked every media request answers 403. Locking also revokes
        every token, so unlocking does not bring old URLs back to life."""
        with self._lock:
            self._locked = bool(flag)
            if self._locked:
                self._entries.clear()
                self._by_key.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    # -- internals (call with self._lock held) ---------------------------------
    def _purge_expired(self, now: float) -> None:
        for token in [t for t, e in self._entries.items() if now >= e.expires]:
            self._drop(token)

    def _drop(self, token: str) -> None:
        entry = self._entries.pop(token)
        key = (entry.path, entry.name)
        if self._by_key.get(key) == token:
            del self._by_key[key]


def _url(token: str, name: str) -> str:
    return f"{URL_PREFIX}/{token}/{name}"


# The app's one registry: pages issue from it, the route resolves against it.
TOKENS = MediaTokens()


def media_url(path: Path, *, name: str = DEFAULT_NAME, ttl: float = DEFAULT_TTL) -> str:
    """Shortcut for ``TOKENS.issue(path, ttl=ttl, name=name)``."""
    return TOKENS.issue(path, ttl=ttl, name=name)


def set_locked(flag: bool) -> None:
    """Lock (403 for all media, all tokens revoked) or unlock the app's registry."""
    TOKENS.set_locked(flag)


def is_locked() -> bool:
    return TOKENS.locked
