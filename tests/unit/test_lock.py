"""The passphrase lock: hashing, idle time, the media registry, slow guessing."""

from __future__ import annotations

import json

import pytest

from vig_core.errors import ValidationError
from vig_core.services import lock
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


def test_only_an_argon2id_hash_is_stored(settings, data_dir):
    lock.set_passphrase(settings, PASS, PASS)
    text = (data_dir / "settings.json").read_text()
    assert PASS not in text and "river" not in text
    assert settings.get(lock.PASSPHRASE_HASH).startswith("$argon2id$")
    assert lock.matches(settings, PASS)
    assert not lock.matches(settings, PASS.upper())
    assert not lock.matches(settings, "")
    assert settings.get(lock.OFFERED) is True


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
