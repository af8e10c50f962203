"""The unlocked data key, held in memory while the workbook is unlocked, and dropped by the lock.

One :class:`KeyHolder` per process (the app's lock service will own it). ``hold`` is called
by a successful unlock, ``drop`` by **Lock now**, by the idle lock and at shutdown; while
dropped, :meth:`KeyHolder.key` raises :class:`.LockedError`, so nothing can read or write a
family's data, and the unlock screen holds nothing of the key.

What Python cannot promise: ``drop`` overwrites the ``bytearray`` the key lives in and lets
go of every object made from it (the AES contexts, the per-purpose keys), but copies made
on the way (the ``bytes`` handed to HKDF and AES-GCM, OpenSSL's key schedules, freed memory
not yet reused, a swap file) may stay in the process's memory until overwritten. The vault
protects the data folder at rest (a lost or stolen laptop that is off or locked); it does
not protect against a program running as the same account while the workbook is unlocked,
nor against someone who can read this process's memory (see docs/vault.md).
"""

from __future__ import annotations

import threading

from vig_core.errors import LockedError
from vig_core.vault.keys import DataKey


class KeyHolder:
    """The data key while unlocked; thread-safe (Streamlit runs each tab in its own thread)."""

    def __init__(self) -> None:
        self._key: DataKey | None = None
        self._lock = threading.Lock()

    def hold(self, key: DataKey) -> None:
        """Keep ``key`` (from :func:`.keys.unlock`); a key held before is wiped."""
        with self._lock:
            old, self._key = self._key, key
        if old is not None and old is not key:
            old.wipe()

    def key(self) -> DataKey:
        """The data key, or :class:`LockedError` while locked."""
        with self._lock:
            key = self._key
        if key is None or key.wiped:
            raise LockedError("The workbook is locked; unlock it to go on.")
        return key

    @property
    def unlocked(self) -> bool:
        with self._lock:
            return self._key is not None and not self._key.wiped

    def drop(self) -> None:
        """Forget the key: overwrite it and let go of it (the lock, the idle lock, shutdown)."""
        with self._lock:
            key, self._key = self._key, None
        if key is not None:
            key.wipe()
