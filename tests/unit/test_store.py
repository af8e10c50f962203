import errno
import json
import os
from datetime import date

import pytest

from conftest import make_case
from vig_core.case.consent import ConsentKind
from vig_core.case.film import ME, RecordingKind
from vig_core.errors import NotFoundError, StoreError, ValidationError
from vig_core.storage import schema
from vig_core.storage.codec import from_record, to_record
from vig_core.storage.files import locked_new_file
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore


def test_case_round_trips_through_disk(store):
    case = make_case(store, carer_name="Bo", child_birth_date=date(2023, 5, 1))
    with store.edit(case.id) as c:
        c.consent.give(ConsentKind.FILMING, date(2026, 1, 6))
        c.add_goal("I will wait.", 4, date(2026, 1, 6))
        # (half a character, a lone surrogate, is refused: see test_poisoned_files)
        c.conversation.helping_question = "How can I help Ada?\n<script>alert(1)</script> \U0001f600 e\u0301"
    loaded = store.load(case.id)
    assert loaded == c
    assert to_record(from_record(type(loaded), to_record(loaded))) == to_record(loaded)


def test_file_is_a_tinydb_database_with_a_schema_version(store):
    case = make_case(store)
    raw = json.loads((store.cases_dir / case.id / "case.json").read_text())
    assert raw["_meta"] == {"1": {"schema": schema.SCHEMA_VERSION}}
    assert set(raw) >= {"case", "goals", "cycles"}


def test_records_ignore_unknown_keys_and_default_missing_ones(store):
    case = make_case(store)
    path = store.cases_dir / case.id / "case.json"
    raw = json.loads(path.read_text())
    raw["case"]["1"]["added_by_a_newer_version"] = 1
    del raw["case"]["1"]["practitioner_notes"]
    path.write_text(json.dumps(raw))
    assert store.load(case.id).practitioner_notes == ""


def test_duplicate_code_is_refused_on_create_and_rename(store):
    make_case(store, code="FAM-01")
    with pytest.raises(ValidationError, match="already used"):
        make_case(store, code=" fam-01 ")
    other = make_case(store, code="FAM-02")
    with pytest.raises(ValidationError, match="already used"):
        store.update(other.id, lambda c: setattr(c, "code", "Fam-01"))
    store.update(other.id, lambda c: setattr(c, "code", "fam-02"))  # its own code, recased
    assert store.load(other.id).code == "fam-02"


def test_failed_change_writes_nothing(store):
    case = make_case(store)
    before = (store.cases_dir / case.id / "case.json").read_bytes()
    with pytest.raises(ValidationError):
        store.update(case.id, lambda c: setattr(c, "code", ""))
    with pytest.raises(ValidationError), store.edit(case.id) as c:
        c.practitioner_notes = "kept?"
        raise ValidationError("stop")
    assert (store.cases_dir / case.id / "case.json").read_bytes() == before


def test_unknown_or_malicious_ids_are_not_found(store):
    for case_id in ["nope", "../etc", "", "a/b"]:
        assert not store.exists(case_id)
        with pytest.raises(NotFoundError):
            store.load(case_id)


def test_migration_runs_step_by_step_and_newer_files_are_refused(store, monkeypatch):
    case = make_case(store)
    path = store.cases_dir / case.id / "case.json"

    def rename_code(tables):
        tables["case"]["1"]["code"] = tables["case"]["1"]["code"] + " (migrated)"
        return tables

    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {current: rename_code})
    assert store.load(case.id).code == "FAM-01 (migrated)"
    store.update(case.id, lambda c: None)  # no change: nothing is written
    assert json.loads(path.read_text())["_meta"]["1"]["schema"] == current
    store.update(case.id, lambda c: setattr(c, "practitioner_notes", "seen"))  # a change writes it back
    assert json.loads(path.read_text())["_meta"]["1"]["schema"] == current + 1

    monkeypatch.setattr(schema, "SCHEMA_VERSION", current)
    with pytest.raises(StoreError, match="newer version"):
        store.load(case.id)


def test_a_version_1_case_gains_empty_film_tables(store):
    case = make_case(store)
    path = store.cases_dir / case.id / "case.json"
    raw = json.loads(path.read_text())
    for name in schema.FILM_TABLES:
        del raw[name]
    raw["_meta"]["1"]["schema"] = 1
    path.write_text(json.dumps(raw))
    loaded = store.load(case.id)
    assert (loaded.recordings, loaded.moments, loaded.clips) == ([], [], [])
    assert loaded.code == case.code


def test_damaged_file_is_reported_and_the_rest_still_load(store):
    good, bad = make_case(store, "A"), make_case(store, "B")
    (store.cases_dir / bad.id / "case.json").write_text('{"case": {"1": {"co')
    with pytest.raises(StoreError, match="damaged"):
        store.load(bad.id)
    caseload = store.caseload()
    assert [c.id for c in caseload.cases] == [good.id]
    assert len(caseload.unreadable) == 1 and "damaged" in caseload.unreadable[0]


def test_caseload_reuses_an_unchanged_case_and_sees_every_change(store):
    first, second = make_case(store, "A"), make_case(store, "B")
    before = {c.id: c for c in store.caseload().cases}
    again = {c.id: c for c in store.caseload().cases}
    assert again[first.id] is before[first.id]  # not read again
    with store.edit(second.id) as case:
        case.practitioner_notes = "changed"
    after = {c.id: c for c in store.caseload().cases}
    assert after[first.id] is before[first.id]
    assert after[second.id].practitioner_notes == "changed"
    store.erase(first.id, "the case", "2026-11-22")
    assert set(store._snapshots) == {second.id}  # the erased case's words leave memory at once
    assert [c.id for c in store.caseload().cases] == [second.id]


def test_caseload_sees_a_file_replaced_from_outside(store):
    """A restore or another process replaces the file; same size and mtime must not fool it."""
    case = make_case(store, "A")
    store.caseload()
    path = store.cases_dir / case.id / "case.json"
    raw = json.loads(path.read_text())
    raw["case"]["1"]["code"] = "Z"  # same length as "A"
    stat = path.stat()
    replacement = path.with_name("new.json")
    replacement.write_text(json.dumps(raw))
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, path)
    assert [c.code for c in store.caseload().cases] == ["Z"]


def test_temp_files_go_at_start_as_soon_as_no_writer_holds_them(data_dir):
    store = CaseStore(data_dir)
    case = make_case(store)
    folder = store.cases_dir / case.id
    dead, live = folder / ".case.json.dead.tmp", folder / ".case.json.live.tmp"
    dead.write_text("half")  # a moment ago, by a process that is gone
    held = locked_new_file(live)  # a writer at work
    try:
        CaseStore(data_dir)
        assert not dead.exists() and live.exists()
    finally:
        os.close(held)
    CaseStore(data_dir)
    assert not live.exists()


def test_half_made_films_and_forgotten_uploads_go_at_start_however_recent(data_dir):
    store = CaseStore(data_dir)
    case = make_case(store)
    folder = store.cases_dir / case.id
    crashed = store.new_folder(case.id, "recordings", "r1") / ".film.mp4.partial"
    working = store.new_folder(case.id, "recordings", "r2") / ".film.mp4.partial"
    kept = store.new_folder(case.id, "recordings", "r3") / "film.mp4"
    upload = store.new_folder(case.id, "uploads") / "x.mov"
    export = store.new_folder(case.id, "exports", ".cycle-1-abc")
    for path in (crashed, kept, upload):
        path.write_bytes(b"film")
    held = locked_new_file(working)
    try:
        CaseStore(data_dir)
    finally:
        os.close(held)
    assert not crashed.exists() and not upload.exists() and not export.exists()
    assert working.exists() and kept.exists(), "live work and finished films stay"
    assert not (folder / "recordings" / "r1").exists()


def test_data_is_private_to_the_user(store):
    case = make_case(store)
    assert os.stat(store.root).st_mode & 0o777 == 0o700
    assert os.stat(store.cases_dir / case.id).st_mode & 0o777 == 0o700
    assert os.stat(store.cases_dir / case.id / "case.json").st_mode & 0o777 == 0o600


def test_full_disk_gives_a_plain_error_and_keeps_the_old_file(store, monkeypatch):
    case = make_case(store)
    path = store.cases_dir / case.id / "case.json"
    before = path.read_bytes()

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StoreError, match="disk is full"):
        store.update(case.id, lambda c: setattr(c, "practitioner_notes", "x" * 10_000))
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.tmp"))


def test_settings_persist(data_dir):
    SettingsStore(data_dir).set("client_view_case", "abc")
    SettingsStore(data_dir).set("other", 1)
    assert SettingsStore(data_dir).get("client_view_case") == "abc"
    assert SettingsStore(data_dir).get("missing", "d") == "d"


def test_a_version_4_case_gives_every_moment_to_the_practitioner_and_every_film_to_the_family(store):
    """Schema 5 (supervision): moments have a coder, recordings a kind; what came before is the
    practitioner's own coding of the family's film."""
    case = make_case(store)
    path = store.cases_dir / case.id / "case.json"
    raw = json.loads(path.read_text())
    raw["recordings"] = {"1": {"id": "r1", "cycle": 1, "title": "Play", "original_name": "play.mp4",
                               "imported_at": "2026-11-01T10:00:00", "playable": "recordings/r1/film.mp4",
                               "duration": 30.0, "fps": 25.0, "width": 320, "height": 240, "has_audio": True,
                               "position": 1}}
    raw["moments"] = {"1": {"id": "m1", "recording_id": "r1", "time": 4.0, "position": 1}}
    raw["_meta"]["1"]["schema"] = 4
    path.write_text(json.dumps(raw))
    loaded = store.load(case.id)
    (moment,), (recording,) = loaded.moments, loaded.recordings
    assert moment.coder == ME and loaded.moments_of("r1") == [moment] and loaded.moments_of("r1", "Sam") == []
    assert recording.kind is RecordingKind.FAMILY
    store.update(case.id, lambda c: c.moments[0].set_working_point(True))  # written back as version 5
    assert json.loads(path.read_text())["_meta"]["1"]["schema"] == schema.SCHEMA_VERSION == 5
    assert store.load(case.id).moments[0].coder == ME
