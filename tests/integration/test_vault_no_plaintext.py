"""The vault's promise, checked on the disk: after real work with a passphrase set, no file of the data
folder holds any text the practitioner typed, any name of the family, or a readable media signature
(issue 23). Also after an existing folder is encrypted in place, and for a tampered record or chunk.

What stays plain by design (docs/vault.md): the key file, the installation settings, the access keys,
lock files (empty). Those are checked too: none of them may hold a typed text or a name either.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import make_case
from media_fixtures import make
from vig_core.case.consent import ConsentKind
from vig_core.services import vault
from vig_core.services.clips import export_cycle, prepare_review_clips
from vig_core.services.demo import ensure_demo_cases
from vig_core.services.recordings import import_recording
from vig_core.storage.paths import safe_name
from vig_core.storage.schema import case_to_tables
from vig_core.storage.store import CaseStore
from vig_core.vault.errors import DamagedMedia, DamagedRecord

PASSPHRASE = "a passphrase for the test"
# Long enough that random ciphertext does not hold one by chance: an MP4 box with its size's high bytes,
# PNG's whole 8-byte magic, a JPEG or WAV file's start.
MEDIA_SIGNATURES = re.compile(rb"\x00\x00..(?:ftyp|moov|mdat)|\x89PNG\r\n\x1a\n|\A\xff\xd8\xff[\xdb\xe0\xe1]|\ARIFF",
                              re.DOTALL)
FAMILY = ("Zebedee", "Quartermaine", "Persephone")
TYPED = ("He waits for his mother to look up before he speaks",
         "Persephone wants Zebedee to feel heard at bedtime",
         "She leans in and names his idea",
         "I never noticed how he watches my face")


def typed_texts(store: CaseStore) -> set[str]:
    """Every text a practitioner or parent typed into the cases (from the records themselves): the
    strings of the case tables with a space in them, and the codes and names."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            if (" " in value.strip() and len(value.strip()) >= 8) or value in FAMILY:
                found.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for case in store.caseload().cases:
        walk(case_to_tables(case))
        found.update({case.code, case.child_first_name, case.carer_name} - {""})
    return found


def leaks(root: Path, texts: set[str]) -> list[str]:
    """``file: what`` for each file of ``root`` holding one of ``texts`` or a media signature."""
    needles = [(t, t.encode("utf-8")) for t in texts] + [(t, json.dumps(t)[1:-1].encode()) for t in texts]
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = path.relative_to(root).as_posix()
        # A name of 3-5 letters turns up in megabytes of random ciphertext by chance: looked for in records only.
        record = path.suffix in (".json", ".jsonl")
        found += [f"{name}: “{text}”" for text, needle in needles
                  if needle and (len(needle) >= 6 or record) and needle in data]
        found += [f"{name}: its name holds “{text}”" for text in texts
                  if len(text) >= 4 and safe_name(text, "").lower() in name.lower()]
        if name not in ("vault.json", "settings.json") and not name.startswith("access/"):
            found += [f"{name}: {sig.group()!r}" for sig in MEDIA_SIGNATURES.finditer(data)][:1]
    return sorted(set(found))


def test_a_whole_workflow_on_a_vault_leaves_no_plaintext_in_the_data_folder(store: CaseStore, films: Path) -> None:
    vault.create_vault(store.root, PASSPHRASE)
    case = make_case(store, code="ZQ-07", child=FAMILY[0])
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    store.update(case.id, lambda c: setattr(c, "carer_name", f"{FAMILY[2]} {FAMILY[1]}"))
    recording = import_recording(store, case.id, 1, make("moov_at_end.mp4", films), keep_original=True)

    def work(c) -> None:
        c.add_goal(TYPED[1], 3, date(2026, 1, 6))
        c.practitioner_notes = TYPED[3]
        moment = c.mark_moment(recording.id, 1.0)
        moment.note = TYPED[0]
        c.add_clip(recording.id, 0.5, 2.5, title=TYPED[2])

    store.update(case.id, work)
    export_cycle(store, case.id, 1)
    prepare_review_clips(store, case.id, 1)
    texts = typed_texts(store) | set(FAMILY)
    assert set(TYPED) <= texts  # the check below looks for what was really typed
    assert leaks(store.root, texts) == []
    media = [p for p in store.case_folder(case.id).rglob("*") if p.is_file() and p.suffix in (".mp4", ".png", ".mov")]
    assert len(media) >= 3 and all(p.read_bytes()[:4] == b"VIGM" for p in media)


def test_an_existing_folder_encrypted_in_place_holds_no_plaintext(demo: CaseStore) -> None:
    ensure_demo_cases(demo)
    texts = typed_texts(demo)
    assert len(texts) > 30 and leaks(demo.root, texts)  # plain before: the check can fail
    vault.create_vault(demo.root, PASSPHRASE)
    assert leaks(demo.root, texts) == []
    assert typed_texts(demo) == texts  # and every word reads back


def test_a_locked_vault_reads_nothing_and_the_passphrase_or_recovery_code_opens_it(demo: CaseStore) -> None:
    code = vault.create_vault(demo.root, PASSPHRASE)
    vault.lock(demo.root)
    with pytest.raises(Exception, match="locked"):
        demo.load("demo")
    with pytest.raises(Exception, match="not right"):
        vault.unlock(demo.root, "a wrong passphrase")
    vault.unlock_with_recovery(demo.root, code.lower().replace("-", " "))
    assert demo.load("demo").code


def test_a_tampered_record_and_a_tampered_film_are_refused_in_plain_words(demo: CaseStore) -> None:
    vault.create_vault(demo.root, PASSPHRASE)
    record = demo.case_folder("demo") / "case.json"
    data = bytearray(record.read_bytes())
    data[40] ^= 1
    record.write_bytes(bytes(data))
    with pytest.raises(DamagedRecord, match="fails its check"):
        demo.load("demo")
    film = next(demo.case_folder("demo-ending").rglob("film.mp4"))
    data = bytearray(film.read_bytes())
    data[200_000] ^= 1
    film.write_bytes(bytes(data))
    from vig_core.storage.vaulting import media_reader
    with media_reader(film) as reader, pytest.raises(DamagedMedia, match="part"):
        reader.read(0, reader.size)


def test_the_launch_keys_and_cookie_secret_work_on_a_locked_vault(demo: CaseStore) -> None:
    """`dev.py run` writes a launch key from another process, and every request checks its cookie,
    before anyone unlocks: that folder stays plain (it holds nothing about a family)."""
    from vig_core.web import access

    vault.create_vault(demo.root, PASSPHRASE)
    vault.lock(demo.root)
    key = access.new_launch_key(demo.root)
    assert access.secret(demo.root) and access.use_launch_key(demo.root, key)


def test_the_practitioners_own_definitions_are_encrypted_and_still_used(store: CaseStore) -> None:
    """Own principles (a file the practitioner put in the data folder) are encrypted with the rest, and
    the workbook still reads them, not the shipped ones with a warning."""
    from vig_core.vocab.principles import SHIPPED, load_principles

    own = json.loads(SHIPPED.read_text(encoding="utf-8"))
    own["version"] = "Our own wording, May 2026"
    (store.root / "principles.json").write_text(json.dumps(own), encoding="utf-8")
    before, warning = load_principles(store.root)
    assert warning is None
    vault.create_vault(store.root, PASSPHRASE)
    assert (store.root / "principles.json").read_bytes()[:4] == b"VIGS"
    after, warning = load_principles(store.root)
    assert warning is None and after == before
