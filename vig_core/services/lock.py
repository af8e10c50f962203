"""The passphrase lock: who may see the workbook, and when it locks itself.

Why it is built like this:

* **The passphrase is the vault** (issue 23, :mod:`vig_core.services.vault`): setting one
  encrypts the data folder in place, unlocking holds its data key (one Argon2id; the AES-GCM
  tag of the wrapped key is the check), and every lock drops the key. The passphrase itself is
  never written anywhere. An older installation kept only an Argon2id hash of it in the
  settings (:data:`PASSPHRASE_HASH`): its next right unlock makes the vault and drops the hash.
* **Making or removing the vault is one background job** (:data:`VAULT_WORK`) that the app
  shows alone on screen; while it runs the idle lock waits (a dropped key would cut it short).
* **One lock for the whole workbook.** The practitioner is the only user, so
  locking in one tab locks every tab: the state lives in this process
  (:class:`AppLock`), not in a browser session. A server start with a
  passphrase set begins locked.
* **Locked means nothing to see.** Locking also locks the media registry, so
  every film URL answers 403 and every token issued before is withdrawn (see
  :mod:`vig_core.web.tokens`); the app draws only the unlock form.
* **Idle time counts from the last thing the practitioner did**: a page run,
  typing, or a film playing in a visible page, or work they started still running
  (an import, a conversion, an export, listening, the vault's own work): a lock
  would drop the vault's key under it and lose that work, so the idle time waits
  for it (Lock now does not). A film merely being fetched does not count, and the
  media route asks the lock itself, so it locks on time with no page open.
* **Guessing is slow.** Every passphrase check counts towards one number of wrong
  tries, kept in the settings across restarts; after :data:`MAX_FAILURES` in a row
  each further try waits, 30 seconds and twice as long after each further wrong one.

While locked, the data folder's files cannot be read without the passphrase or the recovery
code; while unlocked, anyone using the practitioner's account can. No Streamlit here.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vig_core.errors import ValidationError
from vig_core.services import vault
from vig_core.services.jobs import JOBS, Job
from vig_core.services.uploads import TICKETS as UPLOADS
from vig_core.storage.settings import SettingsStore
from vig_core.vault.errors import WrongPassphrase
from vig_core.web.tokens import TOKENS, MediaTokens

PASSPHRASE_HASH = "passphrase_hash"  # an older installation's lock (no vault yet): see is_legacy
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
VAULT_WORK = "vault"  # the job owner and key of making, finishing or removing the vault

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


def root_of(settings: SettingsStore) -> Path:
    """The data folder whose settings these are."""
    return settings.path.parent


def is_vault(settings: SettingsStore) -> bool:
    return vault.is_vault(root_of(settings))


def is_legacy(settings: SettingsStore) -> bool:
    """An older installation's passphrase: a hash in the settings and no vault yet."""
    return bool(settings.get(PASSPHRASE_HASH)) and not is_vault(settings)


def has_passphrase(settings: SettingsStore) -> bool:
    return is_vault(settings) or bool(settings.get(PASSPHRASE_HASH))


def matches(settings: SettingsStore, passphrase: str) -> bool:
    """Whether ``passphrase`` is the one set (always ``False`` when none is set)."""
    if not isinstance(passphrase, str) or len(passphrase) > MAX_LENGTH:
        return False
    if is_vault(settings):
        try:
            vault.check_passphrase(root_of(settings), passphrase)
        except WrongPassphrase:
            return False
        return True
    stored = settings.get(PASSPHRASE_HASH)
    if not stored:
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
    _counted(settings, lambda: matches(settings, passphrase), now=now, wrong=wrong)


def _counted(settings: SettingsStore, attempt: Callable[[], bool], *, now: float | None, wrong: str) -> None:
    """Run ``attempt`` (is the passphrase right?) unless a wait is due, counting the wrong ones."""
    now = time.time() if now is None else now
    wait = _number(settings.get(WAIT_UNTIL)) - now
    if wait > 0:
        raise LockError(f"Too many wrong passphrases. Wait {_wait_words(wait)}, then try again.")
    if attempt():
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


def set_passphrase(settings: SettingsStore, new: str, repeat: str, *, current: str | None = None,
                   on_progress: vault.Progress | None = None) -> str | None:
    """Set the passphrase (changing one needs the one in use): a new one makes the vault and
    returns its recovery code (to show once); a change of a vault's is instant (``None``)."""
    check_before_setting(settings, new, repeat, current=current)
    if is_vault(settings):
        change_passphrase(settings, new)
        return None
    return make_vault(settings, new, on_progress)


def change_passphrase(settings: SettingsStore, new: str) -> None:
    """Wrap the vault's key with ``new`` (checked before, the vault unlocked): instant."""
    vault.change_passphrase(root_of(settings), new)


def check_before_setting(settings: SettingsStore, new: str, repeat: str, *, current: str | None = None) -> None:
    """What :func:`set_passphrase` checks first (the pages check before they start the work)."""
    if has_passphrase(settings):
        check_passphrase(settings, current or "", wrong="The passphrase in use is not right, so it was not changed.")
    check_new_passphrase(new, repeat)


def make_vault(settings: SettingsStore, passphrase: str, on_progress: vault.Progress | None = None) -> str:
    """Encrypt the data folder in place under ``passphrase`` (checked before); the recovery code."""
    code = vault.create_vault(root_of(settings), passphrase, on_progress)
    settings.set(PASSPHRASE_HASH, None)  # an older installation's hash: the vault is the check now
    settings.set(OFFERED, True)
    return code


def new_recovery_code(settings: SettingsStore, current: str) -> str:
    """A new recovery code (the old one stops working), after the passphrase in use is checked:
    someone at an unlocked screen must not be able to take a key for later."""
    check_passphrase(settings, current, wrong="The passphrase in use is not right, so no new code was made.")
    return vault.new_recovery_code(root_of(settings))


def check_before_removing(settings: SettingsStore, current: str) -> None:
    check_passphrase(settings, current, wrong="The passphrase is not right, so it was kept.")


def remove_passphrase(settings: SettingsStore, current: str, on_progress: vault.Progress | None = None) -> None:
    """Stop using a passphrase: the vault's files are decrypted in place (checked first)."""
    check_before_removing(settings, current)
    decrypt(settings, current, on_progress)


def decrypt(settings: SettingsStore, current: str, on_progress: vault.Progress | None = None) -> None:
    """Remove the vault (``current`` checked before), decrypting every file in place."""
    if is_vault(settings):
        vault.remove_vault(root_of(settings), current, on_progress)
    settings.set(PASSPHRASE_HASH, None)


BUSY_FOR_VAULT = ("Other work is still running (a film being imported, converted, exported, listened to or sent). "
                  "Let it finish, then try again: this changes every file of the data folder.")


def start_vault_work(label: str, work: Callable[[vault.Progress], Any]) -> Job:
    """Run ``work(on_progress)`` (making, finishing or removing the vault) as the one vault job:
    not while other work runs, which would write files in the other format meanwhile; films
    half-sent from the browser are dropped (they would go on in the other format)."""
    if JOBS.busy() or UPLOADS.receiving():
        raise ValidationError(BUSY_FOR_VAULT)
    UPLOADS.discard_all()
    return JOBS.start(VAULT_WORK, label, lambda report: work(lambda fraction, _name="": report(fraction)),
                      key=VAULT_WORK)


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
    registry to lock with it (the app's own by default). ``busy`` says whether work the
    practitioner started still runs (then the idle time waits; see module notes).
    """

    def __init__(self, settings: SettingsStore, *, clock: Callable[[], float] | None = None,
                 tokens: MediaTokens = TOKENS, on_lock: Callable[[], None] | None = None,
                 busy: Callable[[], bool] = JOBS.busy) -> None:
        self._settings = settings
        self._root = root_of(settings)
        self._clock = clock or time.monotonic
        self._wall = clock or time.time  # the persisted wait after wrong passphrases outlives the process
        self._tokens = tokens
        self._on_lock = on_lock
        self._busy = busy
        self._guard = threading.Lock()
        self._locked = has_passphrase(settings)
        if self._locked:
            vault.lock(self._root)  # a start begins locked, with no key held
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
        """Lock now if a passphrase is set and the idle time has run out (or the vault's key
        went); say whether locked. Vault work running counts as use.

        Also keeps the media registry in step (another data folder in the same
        process, as in tests, may have left it the other way).
        """
        with self._guard:
            if not has_passphrase(self._settings):
                self._locked = False
            elif self._busy():
                self._last_used = self._clock()
            elif not self._locked and (self.idle_seconds() >= lock_minutes(self._settings) * 60
                                       or (is_vault(self._settings) and not vault.is_unlocked(self._root))):
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
        vault.lock(self._root)  # the key goes first: nothing of a family can be read after this
        if self._on_lock:
            try:
                self._on_lock()
            except Exception:
                log.exception("forgetting what was served before the lock failed")

    def unlock(self, passphrase: str) -> None:
        """Unlock with the right passphrase (a vault's key is then held), or raise
        :class:`LockError` saying why not. An older installation (:func:`is_legacy`) is
        unlocked by its hash; the app then makes its vault with the same passphrase."""
        with self._guard:
            if is_vault(self._settings):
                _counted(self._settings, lambda: self._open(passphrase), now=self._wall(),
                         wrong="That passphrase is not right. Please try again.")
            else:
                self._check(passphrase)
            self._unlocked()

    def _open(self, passphrase: str) -> bool:
        if not isinstance(passphrase, str) or len(passphrase) > MAX_LENGTH:
            return False
        try:
            vault.unlock(self._root, passphrase)  # one Argon2id: the wrap's tag is the check
        except WrongPassphrase:
            return False
        return True

    def recover(self, code: str, new: str, repeat: str) -> None:
        """Forgotten passphrase: open the vault with its recovery code and set ``new`` at once
        (a mistyped or wrong code says which, in plain words); the workbook is then unlocked."""
        check_new_passphrase(new, repeat)
        with self._guard:
            vault.unlock_with_recovery(self._root, code)
            try:
                vault.change_passphrase(self._root, new)
            except Exception:
                vault.lock(self._root)
                raise
            self._settings.set(FAILURES, 0)
            self._settings.set(WAIT_UNTIL, 0)
            self._unlocked()

    def _unlocked(self) -> None:
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
