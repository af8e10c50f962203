"""The passphrase lock: hashing, idle time, the media registry, slow guessing."""

from __future__ import annotations

import json

import pytest

from vig_core.errors import ValidationError, VigError
from vig_core.services import lock, vault
from vig_core.services.lock import AppLock, LockError
from vig_core.storage.settings import SettingsStore
from vig_core.web.tokens import MediaTokens

PASS = "quiet river morning"


@pytest.fixture
def settings(data_dir) -> SettingsStore:
    return SettingsStore(data_dir)


@pytest.fixture
def tokens(clock) -> MediaTokens:
    return MediaTokens(clock=clock)


def locked_app(settings, clock, tokens) -> AppLock:
    lock.set_passphrase(settings, PASS, PASS)
    return AppLock(settings, clock=clock, tokens=tokens)


@pytest.mark.parametrize("new, repeat, words", [
    ("short", "short", "at least 8"),
    ("x" * (lock.MAX_LENGTH + 1), "x" * (lock.MAX_LENGTH + 1), "at most"),
    (" padded phrase", " padded phrase", "space"),
    ("one long phrase", "one long phrasE", "not the same"),
])
def test_a_weak_or_mistyped_passphrase_is_refused_and_nothing_is_stored(settings, new, repeat, words):
    with pytest.raises(ValidationError, match=words):
        lock.set_passphrase(settings, new, repeat)
    assert not lock.has_passphrase(settings)


def test_the_passphrase_makes_a_vault_and_nothing_of_it_is_stored(settings, data_dir):
    code = lock.set_passphrase(settings, PASS, PASS)
    text = (data_dir / "settings.json").read_text() + (data_dir / "vault.json").read_text()
    assert PASS not in text and "river" not in text and code.replace("-", "") not in text.replace("-", "")
    assert lock.is_vault(settings) and not lock.is_legacy(settings) and settings.get(lock.PASSPHRASE_HASH) is None
    assert lock.matches(settings, PASS)
    assert not lock.matches(settings, PASS.upper())
    assert not lock.matches(settings, "")
    assert settings.get(lock.OFFERED) is True


def older_installation(settings) -> None:
    """A workbook from before the vault: only an Argon2id hash of the passphrase in its settings."""
    settings.set(lock.PASSPHRASE_HASH, lock._hasher.hash(PASS))


def test_an_older_installation_unlocks_by_its_hash_until_its_vault_is_made(settings, clock, tokens):
    older_installation(settings)
    app = AppLock(settings, clock=clock, tokens=tokens)
    assert lock.is_legacy(settings) and app.is_locked()
    with pytest.raises(LockError, match="not right"):
        app.unlock("a wrong guess")
    app.unlock(PASS)
    assert not app.is_locked() and lock.is_legacy(settings)
    code = lock.make_vault(settings, PASS)
    assert code and lock.is_vault(settings) and not lock.is_legacy(settings)
    assert settings.get(lock.PASSPHRASE_HASH) is None and not app.is_locked()


def test_the_lock_drops_the_vaults_key_and_the_unlock_holds_it(settings, clock, tokens, data_dir):
    app = locked_app(settings, clock, tokens)
    assert not vault.is_unlocked(data_dir)  # a start begins locked, with no key
    app.unlock(PASS)
    assert vault.is_unlocked(data_dir)
    app.lock()
    assert not vault.is_unlocked(data_dir)
    app.unlock(PASS)
    lock.set_lock_minutes(settings, 1)
    clock.now += 61
    assert app.is_locked() and not vault.is_unlocked(data_dir)  # the idle lock too
    app.unlock(PASS)
    vault.lock(data_dir)  # the key gone by another way: the screen locks with it
    assert app.is_locked()


def test_vault_work_running_holds_the_idle_lock(settings, clock, tokens):
    busy = [False]
    lock.set_passphrase(settings, PASS, PASS)
    app = AppLock(settings, clock=clock, tokens=tokens, busy=lambda: busy[0])
    app.unlock(PASS)
    lock.set_lock_minutes(settings, 1)
    busy[0] = True
    clock.now += 600
    assert not app.is_locked()
    busy[0] = False
    assert not app.is_locked()  # the time while busy counted as use
    clock.now += 61
    assert app.is_locked()


def test_the_recovery_code_opens_and_sets_a_new_passphrase(settings, clock, tokens, data_dir):
    code = lock.set_passphrase(settings, PASS, PASS)
    app = AppLock(settings, clock=clock, tokens=tokens)
    with pytest.raises(ValidationError, match="not the same"):
        app.recover(code, "a new phrase here", "a new phrase")
    with pytest.raises(VigError, match="mistyped"):
        app.recover(code[:-2] + ("00" if not code.endswith("00") else "11"), "a new phrase here", "a new phrase here")
    assert app.is_locked() and not vault.is_unlocked(data_dir)
    app.recover(code.lower().replace("-", " "), "a new phrase here", "a new phrase here")
    assert not app.is_locked() and vault.is_unlocked(data_dir)
    assert lock.matches(settings, "a new phrase here") and not lock.matches(settings, PASS)


def test_changing_or_removing_needs_the_passphrase_in_use(settings):
    lock.set_passphrase(settings, PASS, PASS)
    with pytest.raises(ValidationError, match="not right"):
        lock.set_passphrase(settings, "another phrase", "another phrase", current="guess guess")
    with pytest.raises(ValidationError, match="not right"):
        lock.remove_passphrase(settings, "guess guess")
    assert lock.matches(settings, PASS)
    lock.set_passphrase(settings, "another phrase", "another phrase", current=PASS)
    assert lock.matches(settings, "another phrase") and not lock.matches(settings, PASS)
    lock.remove_passphrase(settings, "another phrase")
    assert not lock.has_passphrase(settings)


def test_a_damaged_hash_never_unlocks(settings):
    """An older installation's hash (see test_an_older_installation_...)."""
    settings.set(lock.PASSPHRASE_HASH, "not a hash")
    assert not lock.matches(settings, "not a hash")


def test_without_a_passphrase_nothing_locks(settings, clock, tokens):
    app = AppLock(settings, clock=clock, tokens=tokens)
    app.lock()
    clock.now += 10 * 3600
    assert not app.is_locked() and not tokens.locked


def test_a_start_with_a_passphrase_begins_locked_with_media_refused(settings, clock, tokens, tmp_path):
    film = tmp_path / "film.mp4"
    film.write_bytes(b"0" * 10)
    tokens.issue(film)
    app = locked_app(settings, clock, tokens)
    assert app.is_locked()
    assert tokens.locked and len(tokens) == 0  # every URL issued before is withdrawn
    app.unlock(PASS)
    assert not app.is_locked() and not tokens.locked


def test_idle_time_locks_and_any_use_starts_it_again(settings, clock, tokens):
    app = locked_app(settings, clock, tokens)
    app.unlock(PASS)
    lock.set_lock_minutes(settings, 5)
    clock.now += 4 * 60
    app.touch()  # a page run, typing, or a film playing in a visible page
    clock.now += 4 * 60
    assert not app.is_locked()
    clock.now += 60
    assert app.is_locked() and tokens.locked
    app.touch()  # a locked workbook is not woken by a page run
    assert app.is_locked()


def test_fetching_a_film_is_not_use_and_the_route_locks_by_itself(settings, clock, tokens, tmp_path):
    """Issue 18, item 4: a program fetching a film URL kept the workbook unlocked for ever, and the
    route answered after the idle time when no page was open to notice it."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from vig_core.web.route import media_routes

    app = locked_app(settings, clock, tokens)
    app.unlock(PASS)
    lock.set_lock_minutes(settings, 2)
    film = tmp_path / "film.mp4"
    film.write_bytes(b"0123456789")
    url = tokens.issue(film)
    client = TestClient(Starlette(routes=media_routes(tokens)))
    for _ in range(4):
        clock.now += 25
        assert client.get(url, headers={"Range": "bytes=0-3"}).status_code == 206
    clock.now += 25  # 125 s without use, fetched every 25 s, and no page asked the lock meanwhile
    assert client.get(url, headers={"Range": "bytes=0-3"}).status_code == 403
    assert app.is_locked()


def test_lock_now_locks_every_tab_and_the_media(settings, clock, tokens):
    app = locked_app(settings, clock, tokens)
    app.unlock(PASS)
    app.lock()
    assert app.is_locked() and tokens.locked


def test_wrong_passphrases_are_refused_and_many_make_it_wait(settings, clock, tokens):
    app = locked_app(settings, clock, tokens)
    for _ in range(lock.MAX_FAILURES - 1):
        with pytest.raises(LockError, match="not right. Please try again"):
            app.unlock("wrong guess")
    with pytest.raises(LockError, match="waits 30 seconds"):
        app.unlock("wrong guess")
    with pytest.raises(LockError, match="Wait 30 seconds"):
        app.unlock(PASS)  # even the right one, until the wait is over
    assert app.is_locked()
    clock.now += lock.COOL_DOWN_SECONDS
    app.unlock(PASS)
    assert not app.is_locked()


def test_every_passphrase_check_counts_the_count_outlives_a_restart_and_waits_grow(settings, clock, tokens,
                                                                                    monkeypatch):
    """Issue 18, item 7: the checks in Settings had no try counter, and a restart reset the wait."""
    monkeypatch.setattr("vig_core.services.lock.time.time", clock)  # Settings' checks read the wall clock
    lock.set_passphrase(settings, PASS, PASS)
    for _ in range(lock.MAX_FAILURES - 1):
        with pytest.raises(ValidationError, match="not right"):
            lock.remove_passphrase(settings, "a guess in Settings")
    restarted = AppLock(settings, clock=clock, tokens=tokens)  # a new process: the count is in the settings
    with pytest.raises(LockError, match="waits 30 seconds"):
        restarted.unlock("the fifth guess")
    clock.now += lock.COOL_DOWN_SECONDS
    with pytest.raises(LockError, match="waits 60 seconds"):
        lock.set_passphrase(settings, "a new passphrase", "a new passphrase", current="the sixth guess")
    with pytest.raises(LockError, match="Wait 60 seconds"):
        AppLock(settings, clock=clock, tokens=tokens).check(PASS)
    clock.now += 60
    restarted.unlock(PASS)  # the right one resets the count
    for _ in range(lock.MAX_FAILURES - 1):
        with pytest.raises(LockError, match="not right. Please try again"):
            restarted.check("wrong again")
    assert lock.has_passphrase(settings)


def test_lock_minutes_are_bounded_and_a_bad_stored_value_falls_back(settings, data_dir):
    assert lock.lock_minutes(settings) == lock.DEFAULT_LOCK_MINUTES
    for bad in (0, 241):
        with pytest.raises(ValidationError):
            lock.set_lock_minutes(settings, bad)
    lock.set_lock_minutes(settings, 3)
    assert lock.lock_minutes(settings) == 3
    raw = json.loads((data_dir / "settings.json").read_text())
    raw["settings"]["1"][lock.LOCK_MINUTES] = "soon"
    (data_dir / "settings.json").write_text(json.dumps(raw))
    assert lock.lock_minutes(settings) == lock.DEFAULT_LOCK_MINUTES


def test_vault_work_waits_for_other_work_and_drops_half_sent_films(monkeypatch):
    """Making or removing the vault changes every file's format: not while an import, an export or
    a piece of a film is being written in the old one (issue 23)."""
    from vig_core.services.jobs import JOBS

    started = []
    monkeypatch.setattr(JOBS, "start", lambda *args, **kwargs: started.append(args))
    monkeypatch.setattr(JOBS, "busy", lambda: True)
    with pytest.raises(ValidationError, match="Let it finish"):
        lock.start_vault_work("Encrypting", lambda progress: None)
    monkeypatch.setattr(JOBS, "busy", lambda: False)
    monkeypatch.setattr(lock.UPLOADS, "receiving", lambda: True)
    with pytest.raises(ValidationError, match="Let it finish"):
        lock.start_vault_work("Encrypting", lambda progress: None)
    dropped = []
    monkeypatch.setattr(lock.UPLOADS, "receiving", lambda: False)
    monkeypatch.setattr(lock.UPLOADS, "discard_all", lambda: dropped.append(True) or 1)
    lock.start_vault_work("Encrypting", lambda progress: None)
    assert started and dropped == [True]


def test_work_the_practitioner_started_holds_the_idle_lock(settings, clock, tokens):
    """An import or a conversion still running when the idle time runs out: the lock waits for it,
    as a lock would drop the vault's key under it and the work would be lost."""
    import threading

    from vig_core.services.jobs import JOBS

    lock.set_passphrase(settings, PASS, PASS)
    app = AppLock(settings, clock=clock, tokens=tokens)
    app.unlock(PASS)
    lock.set_lock_minutes(settings, 1)
    release = threading.Event()
    job = JOBS.start("test-owner", "Importing a long film", lambda report: release.wait(10))
    try:
        clock.now += 600
        assert not app.is_locked()
    finally:
        release.set()
        JOBS.wait(job)
        JOBS.forget(job)
    clock.now += 61
    assert app.is_locked()
