"""Encrypting a data folder in place (setting a passphrase) and decrypting it (removing it),
killed by SIGKILL again and again at random file-system steps and random moments (inside a
film), then resumed as the app and the command line do (``services.vault.finish_unfinished``
after the unlock).

After every kill the next start opens the store on the still locked vault without failing,
and, unlocked, every case loads and every file reads back exactly as it was (films to the
byte). At the end every file is encrypted (or plain again), nothing is duplicated or lost,
and the next opening of the store leaves no temp file behind. ``VIG_CRASH_STEPS`` asks for
more kills (see tests/integration/crash_harness.py).
"""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from integration.crash_harness import DEFAULT_STEPS, crash, hidden_leftovers
from vig_core.services import vault
from vig_core.services.demo import ensure_demo_cases
from vig_core.storage import vault_migration, vaulting
from vig_core.storage.logs import append_line
from vig_core.storage.media_source import open_plaintext
from vig_core.storage.store import CaseStore
from vig_core.vault import chunks, records

PASSPHRASE = "a long walk by the river"
SKIPPED = (*vaulting.PLAIN_NAMES, vault_migration.MIGRATING)  # plain by design
BIG = 12 * 2**20 + 123  # a film of several MiB, so that random moments land inside it


def kills() -> int:
    wanted = os.environ.get("VIG_CRASH_STEPS", str(DEFAULT_STEPS)).strip().lower()
    return 4 * DEFAULT_STEPS if wanted == "all" else max(DEFAULT_STEPS, int(wanted))


def files_of(root: Path) -> dict[str, bytes]:
    """Every file of the folder (not locks, the key file or the settings) and its plaintext bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if not path.is_file() or path.name.endswith(".lock") or name in SKIPPED:
            continue
        if path.suffix == ".jsonl":
            found[name] = b"".join(vaulting.log_line_read(path, line) + b"\n"
                                   for line in path.read_bytes().splitlines())
        elif path.suffix == ".json":
            found[name] = vaulting.record_bytes_read(path, path.read_bytes())
        else:
            with open_plaintext(path) as handle:
                found[name] = hashlib.sha256(handle.read()).digest()
    return found


def encrypted(path: Path) -> bool:
    raw = path.read_bytes()
    if path.suffix == ".jsonl":
        return all(line.startswith(vaulting.LOG_LINE_MARK) for line in raw.splitlines())
    if path.suffix == ".json":
        return records.is_sealed(raw)
    return raw.startswith(chunks.MAGIC)


@pytest.fixture
def data(tmp_path) -> Path:
    root = tmp_path / "data"
    store = CaseStore(root)
    ensure_demo_cases(store)
    case_id = store.case_ids()[0]
    recording = store.load(case_id).recordings[0]
    folder = store.case_folder(case_id) / "recordings" / recording.id
    (folder / "original.mov").write_bytes(random.Random(7).randbytes(BIG))  # a kept original, say
    (root / "principles.json").write_text('{"headings": []}')
    (root / "instruments").mkdir()
    (root / "instruments" / "own.json").write_text('{"id": "own"}')
    for n in range(3):
        append_line(root / "deletion-log.jsonl", {"date": "2026-03-02", "case_code": f"OLD-{n}"}, "noting")
    (root / "settings.json").write_text("{}")  # plain by design
    return root


def next_start(root: Path) -> CaseStore:
    """What the next start does: the store opens on the locked vault, then the key is given."""
    vaulting.forget_root(root)
    vault.lock(root)
    store = CaseStore(root)  # must not fail while locked
    if vaulting.is_vault(root):
        vault.unlock(root, PASSPHRASE)
        store.after_unlock()
    return store


def check_whole(root: Path, before: dict[str, bytes], cases: set[str]) -> None:
    store = next_start(root)
    assert {c.id for c in store.caseload().cases} == cases
    assert store.caseload().unreadable == []
    assert files_of(root) == before  # nothing lost, added or changed, films to the byte


def kill_again_and_again(root: Path, start, resume, done, before, cases, seed: int) -> int:
    """Run ``start`` (then ``resume`` while a change is unfinished) in a child killed at a random
    step or moment each time, checking the folder after each kill, then once more to its end.
    Return how many kills landed."""
    rng = random.Random(seed)
    seconds, landed = {}, 0  # how long each work ran to its end (or its kill), at most
    for n in range(3 * kills()):
        work = resume if vault_migration.unfinished(root) else start
        if n % 2 == 0 or work not in seconds:
            when = {"at_step": rng.randint(1, 30)}
        else:  # anywhere, inside a film too
            when = {"after": rng.uniform(0, 0.8 * seconds[work])}
        run = crash(work, **when)
        seconds[work] = max(seconds.get(work, 0.0), run.seconds)
        landed += run.killed
        check_whole(root, before, cases)
        if done() or landed >= kills():
            break
    next_start(root)
    if not done():
        assert not crash(resume if vault_migration.unfinished(root) else start).killed
    assert done()
    return landed


def test_encrypting_and_decrypting_killed_again_and_again(data):
    root = data
    before = files_of(root)
    cases = set(CaseStore(root).case_ids())
    assert len(cases) == 2 and len(before) >= 8

    def making() -> None:
        vault.create_vault(root, PASSPHRASE)

    def removing() -> None:
        vault.remove_vault(root, PASSPHRASE)

    def resuming() -> None:
        vault.finish_unfinished(root)

    def encrypted_all() -> bool:
        return vaulting.is_vault(root) and vault_migration.unfinished(root) is None

    def decrypted_all() -> bool:
        return not vaulting.is_vault(root) and vault_migration.unfinished(root) is None

    assert kill_again_and_again(root, making, resuming, encrypted_all, before, cases, seed=23) > 0
    next_start(root)
    assert not (root / vault_migration.MIGRATING).exists()
    assert hidden_leftovers(root) == []
    for name in before:
        assert encrypted(root / name), f"{name} is still plain"
    assert (root / "settings.json").read_text() == "{}"
    check_whole(root, before, cases)

    assert kill_again_and_again(root, removing, resuming, decrypted_all, before, cases, seed=29) > 0
    next_start(root)
    assert not (root / vault_migration.MIGRATING).exists()
    assert hidden_leftovers(root) == []
    for name in before:
        assert not encrypted(root / name), f"{name} is still encrypted"
    assert files_of(root) == before


def test_progress_is_told_for_each_mib_of_a_big_film(data):
    big = next(data.rglob("original.mov")).relative_to(data).as_posix()
    told: list[tuple[float, str]] = []
    vault.create_vault(data, PASSPHRASE, lambda fraction, name: told.append((fraction, name)))
    within = [fraction for fraction, name in told if name == big]
    assert len(within) >= BIG // 2**20  # not only once per file: a page's bar moves
    assert within == sorted(within) and told[-1] == (1.0, "")
    told.clear()
    vault.remove_vault(data, PASSPHRASE, lambda fraction, name: told.append((fraction, name)))
    assert len([name for _, name in told if name == big]) >= BIG // 2**20
