"""The passphrase lock: who may see the workbook, and when it locks itself.

Why it is built like this:

* **Only a hash is kept.** The passphrase is hashed with Argon2id
  (``argon2-cffi``, its recommended settings) and only the hash is stored in
  the installation settings; the passphrase itself is never written anywhere.
* **One lock for the whole workbook.** The practitioner is the only user, so
  locking in one tab locks every tab: the state lives in this process
  (:class:`AppLock`), not in a browser session. A server start with a
  passphrase set begins locked.
* **Locked means nothing to see.** Locking also locks the media registry, so
  every film URL answers 403 and every token issued before is withdrawn (see
  :mod:`vig_core.web.tokens`); the app draws only the unlock form.
* **Idle time counts from the last thing the practitioner did**: a page run,
  typing, or a film playing in a visible page. A film merely being fetched does not
  count, and the media route asks the lock itself, so it locks on time with no page open.
* **Guessing is slow.** Every passphrase check counts towards one number of wrong
  tries, kept in the settings across restarts; after :data:`MAX_FAILURES` in a row
  each further try waits, 30 seconds and twice as long after each further wrong one.

The lock protects the screen, not the disk: anyone with the practitioner's
account can read the data folder, so the README asks for full-disk encryption.
No Streamlit here.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vig_core.errors import ValidationError
from vig_core.storage.settings import SettingsStore
from vig_core.web.tokens import TOKENS, MediaTokens

PASSPHRASE_HASH = "passphrase_hash"
LOCK_MINUTES = "lock_after_minutes"
OFFERED = "passphrase_offered"  # the first-start question was answered (set one, or not now)
LEAVE_CLIENT_VIEW_NEEDS_PASSPHRASE = "leave_client_view_needs_passphrase"  # for when the parent holds the laptop
DEFAULT_LOCK_MINUTES = 10
MIN_LOCK_MINUTES, MAX_LOCK_MINUTES = 1, 240
MIN_LENGTH, MAX_LENGTH = 8, 1024
MAX_FAILURES = 5
COOL_DOWN_SECONDS = 30.0  # after MAX_FAILURES wrong tries in a row; doubled with each further one
MAX_WAIT_SECONDS = 3600.0
FAILURES, WAIT_UNTIL = "passphrase_failures", "passphrase_wait_until"  # kept across restarts

_hasher = PasswordHasher()
log = logging.getLogger("vig_workbook")


class LockError(ValidationError):
    """A wrong passphrase, or too many tries: the message says which, in plain words."""


def check_new_passphrase(new: str, repeat: str) -> None:
    if len(new) < MIN_LENGTH:
        raise ValidationError(f"Choose a passphrase of at least {MIN_LENGTH} characters; "
                              "a few ordinary words together are easy to remember and hard to guess.")
    if len(new) > MAX_LENGTH:
        raise ValidationError(f"A passphrase can have at most {MAX_LENGTH} characters.")
    if new.strip() != new:
        raise ValidationError("The passphrase starts or ends with a space; remove it so it can be typed again.")
    if new != repeat:
        raise ValidationError("The two passphrases are not the same; type it again in both boxes.")


def has_passphrase(settings: SettingsStore) -> bool:
    return bool(settings.get(PASSPHRASE_HASH))


def matches(settings: SettingsStore, passphrase: str) -> bool:
    """Whether ``passphrase`` is the one set (always ``False`` when none is set)."""
    stored = settings.get(PASSPHRASE_HASH)
    if not stored or not isinstance(passphrase, str) or len(passphrase) > MAX_LENGTH:
        return False
    try:
        _hasher.verify(stored, passphrase)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(stored):  # stronger settings in a newer argon2-cffi
        settings.set(PASSPHRASE_HASH, _hasher.hash(passphrase))
    return True


def check_passphrase(settings: SettingsStore, passphrase: str, *, now: float | None = None,
                     wrong: str = "That passphrase is not right. Please try again.") -> None:
    """Raise :class:`LockError` unless ``passphrase`` is the one set.

    Every check (the lock screen, leaving client view, changing or removing the passphrase)
    counts towards one number of wrong tries, kept in the settings so a restart does not
    reset it: after :data:`MAX_FAILURES` in a row each try must wait, 30 seconds and then
    twice as long after every further wrong one (at most an hour). A right one resets it.
    """
    now = time.time() if now is None else now
    wait = _number(settings.get(WAIT_UNTIL)) - now
    if wait > 0:
        raise LockError(f"Too many wrong passphrases. Wait {_wait_words(wait)}, then try again.")
    if matches(settings, passphrase):
        if settings.get(FAILURES):
            settings.set(FAILURES, 0)
        return
    failures = int(_number(settings.get(FAILURES))) + 1
    settings.set(FAILURES, failures)
    if failures < MAX_FAILURES:
        raise LockError(wrong)
    wait = min(COOL_DOWN_SECONDS * 2 ** (failures - MAX_FAILURES), MAX_WAIT_SECONDS)
    settings.set(WAIT_UNTIL, now + wait)
    raise LockError(f"That passphrase is not right. After {failures} wrong tries in a row the workbook "
                    f"waits {_wait_words(wait)} before the next one.")


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _wait_words(seconds: float) -> str:
    return f"{math.ceil(seconds)} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"


def set_passphrase(settings: SettingsStore, new: str, repeat: str, *, current: str | None = None) -> None:
    """Set the passphrase; changing one needs the one in use."""
    if has_passphrase(settings):
        check_passphrase(settings, current or "", wrong="The passphrase in use is not right, so it was not changed.")
    check_new_passphrase(new, repeat)
    settings.set(PASSPHRASE_HASH, _hasher.hash(new))
    settings.set(OFFERED, True)


def remove_passphrase(settings: SettingsStore, current: str) -> None:
    check_passphrase(settings, current, wrong="The passphrase is not right, so it was kept.")
    settings.set(PASSPHRASE_HASH, None)


def leaving_client_view_needs_passphrase(settings: SettingsStore) -> bool:
    """Whether leaving client view asks for the passphrase (only ever with one set)."""
    return has_passphrase(settings) and bool(settings.get(LEAVE_CLIENT_VIEW_NEEDS_PASSPHRASE, False))


def lock_minutes(settings: SettingsStore) -> float:
    value = settings.get(LOCK_MINUTES, DEFAULT_LOCK_MINUTES)
    return float(value) if isinstance(value, int | float) and value > 0 else float(DEFAULT_LOCK_MINUTES)


def set_lock_minutes(settings: SettingsStore, minutes: int) -> None:
    if not MIN_LOCK_MINUTES <= minutes <= MAX_LOCK_MINUTES:
        raise ValidationError(f"Lock after between {MIN_LOCK_MINUTES} and {MAX_LOCK_MINUTES} minutes without use.")
    settings.set(LOCK_MINUTES, minutes)


class AppLock:
    """Whether the workbook is locked now, and the idle clock (see module notes).

    ``clock`` must be monotonic; tests pass their own. ``tokens`` is the media
    registry to lock with it (the app's own by default).
    """

    def __init__(self, settings: SettingsStore, *, clock: Callable[[], float] | None = None,
                 tokens: MediaTokens = TOKENS, on_lock: Callable[[], None] | None = None) -> None:
        self._settings = settings
        self._clock = clock or time.monotonic
        self._wall = clock or time.time  # the persisted wait after wrong passphrases outlives the process
        self._tokens = tokens
        self._on_lock = on_lock
        self._guard = threading.Lock()
        self._locked = has_passphrase(settings)
        self._last_used = self._clock()
        tokens.set_guard(self.is_locked)  # the media route asks, so it locks by itself after the idle time

    def touch(self) -> None:
        """The practitioner did something: the idle time starts again."""
        with self._guard:
            if not self._locked:
                self._last_used = self._clock()

    def idle_seconds(self) -> float:
        """Since the practitioner last did something: fetching a film does not count (a
        program could keep the workbook open so); playing it in a visible page does (the
        page says so, see ``vig_core.ui.autosave``)."""
        return self._clock() - self._last_used

    def is_locked(self) -> bool:
        """Lock now if a passphrase is set and the idle time has run out; say whether locked.

        Also keeps the media registry in step (another data folder in the same
        process, as in tests, may have left it the other way).
        """
        with self._guard:
            if not has_passphrase(self._settings):
                self._locked = False
            elif not self._locked and self.idle_seconds() >= lock_minutes(self._settings) * 60:
                self._locked = True
                self._locked_now()
            if self._tokens.locked != self._locked:
                self._tokens.set_locked(self._locked)
            return self._locked

    def lock(self) -> None:
        with self._guard:
            self._locked = has_passphrase(self._settings)
            self._tokens.set_locked(self._locked)
            if self._locked:
                self._locked_now()

    def _locked_now(self) -> None:
        if self._on_lock:
            try:
                self._on_lock()
            except Exception:
                log.exception("forgetting what was served before the lock failed")

    def unlock(self, passphrase: str) -> None:
        """Unlock with the right passphrase, or raise :class:`LockError` saying why not."""
        with self._guard:
            self._check(passphrase)
            self._locked = False
            self._last_used = self._clock()
            self._tokens.set_locked(False)

    def check(self, passphrase: str) -> None:
        """Raise :class:`LockError` unless ``passphrase`` is right (e.g. to leave client view);
        wrong tries count towards the same wait as at the lock screen."""
        with self._guard:
            self._check(passphrase)

    def _check(self, passphrase: str) -> None:
        """The check itself (the guard held by the caller)."""
        check_passphrase(self._settings, passphrase, now=self._wall())
