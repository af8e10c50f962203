"""Backup and restore: a byte-identical round trip, and every untrusted backup refused without changing anything."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from conftest import make_case
from vig_core.errors import StoreError, ValidationError
from vig_core.storage import restore as restore_module
from vig_core.storage.backup import MANIFEST, backup, safe_member_name
from vig_core.storage.restore import restore
from vig_core.storage.schema import SCHEMA_VERSION
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import SHIPPED_DIR as SHIPPED_INSTRUMENTS
from vig_core.vocab.principles import SHIPPED as SHIPPED_PRINCIPLES
from vig_core.vocab.prompts import SHIPPED_DIR as SHIPPED_PROMPTS

FILM = os.urandom(300_000)


def is_work_file(relative: str) -> bool:
    return any(part.startswith(".") or part.endswith(".partial") for part in relative.split("/"))


def tree(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under ``root`` but temp and lock files."""
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not is_work_file(relative):
            files[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def everything(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (work files too) with its bytes: to prove nothing changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def fill(store: CaseStore) -> list[str]:
    """Two cases, settings, a film, an export, own definitions, a deletion log, and work files to leave out."""
    root = store.root
    ids = [make_case(store).id, make_case(store, code="FAM-02", child="Bo").id]
    store.update(ids[0], lambda c: setattr(c, "practitioner_notes", "Notes é ✓"))
    SettingsStore(root).set("keep_originals", True)
    case = store.cases_dir / ids[0]
    write(case / "recordings" / "r1" / "film.mp4", FILM)
    write(case / "exports" / "cycle-1" / "clip-1-wait.mp4", FILM[:1000])
    write(case / "uploads" / "abc.mov", b"upload")
    write(root / "instruments" / "my-scale.json", own_definition(SHIPPED_INSTRUMENTS / "parent-check-in.json",
                                                                  "my-scale"))
    write(root / "prompts" / "my-prompts.json", own_definition(SHIPPED_PROMPTS / "shared-review.json",
                                                                "my-prompts"))
    write(root / "principles.json", SHIPPED_PRINCIPLES.read_bytes())
    write(root / "deletion-log.jsonl", b'{"erased": "FAM-09"}\n')
    write(case / ".case.json.1234abcd.tmp", b"half")  # a crashed write
    write(case / "recordings" / "r2" / ".film.mp4.partial", b"growing")
    write(case / "exports" / ".cycle-2-x" / "clip.mp4", b"work")
    write(root / ".settings.json.99.tmp", b"half")
    return ids


def own_definition(shipped: Path, new_id: str) -> bytes:
    """A valid definition file of the practitioner's own: a shipped one under another id."""
    return json.dumps({**json.loads(shipped.read_text(encoding="utf-8")), "id": new_id}).encode()


def members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_for(files: dict[str, bytes], **changes) -> dict:
    listed = [{"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in files.items()]
    return {"format": "vig-workbook-backup", "format_version": 1, "created": "2026-01-05T10:00:00+00:00",
            "schema_version": SCHEMA_VERSION, "media": True, "files": listed, **changes}


def make_zip(path: Path, files: dict[str, bytes], manifest: dict | None,
             infos: dict[str, zipfile.ZipInfo] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr((infos or {}).get(name, zipfile.ZipInfo(name)), data)
        if manifest is not None:
            archive.writestr(MANIFEST, json.dumps(manifest))
    return path


@pytest.fixture
def filled(store: CaseStore, tmp_path: Path) -> tuple[CaseStore, Path]:
    """A filled data root and its backup (with media)."""
    fill(store)
    return store, tmp_path / "out" / "backup.zip"


def make_backup(store: CaseStore, out: Path, **kwargs):
    out.parent.mkdir(exist_ok=True)
    return backup(store.root, out, **kwargs)


# --- round trip ------------------------------------------------------------------
def test_round_trip_restores_every_file_byte_for_byte(filled, tmp_path):
    store, out = filled
    progress: list[float] = []
    summary = make_backup(store, out, on_progress=progress.append)
    original = tree(store.root)
    assert {"settings.json", "deletion-log.jsonl", "instruments/my-scale.json", "prompts/my-prompts.json",
            f"cases/{store.case_ids()[0]}/case.json"} <= set(original)
    assert summary.files == len(original) and summary.media and summary.path == out
    assert summary.bytes == sum(len(d) for n, d in members(out).items() if n != MANIFEST)
    assert set(members(out)) == set(original) | {MANIFEST}  # no temp, lock or work file went in
    assert progress[-1] == 1.0 and progress == sorted(progress)

    target = tmp_path / "restored"
    result = restore(out, target)
    assert tree(target) == original
    assert [p.read_bytes() for p in target.glob("cases/*/recordings/r1/film.mp4")] == [FILM]
    assert (result.cases, result.files, result.media) == (2, len(original), True)
    restored = CaseStore(target)
    assert restored.case_ids() == store.case_ids()
    assert [restored.load(i) for i in store.case_ids()] == [store.load(i) for i in store.case_ids()]
    assert SettingsStore(target).get("keep_originals") is True


def test_manifest_lists_every_file_with_size_and_fingerprint(filled):
    store, out = filled
    make_backup(store, out)
    files = members(out)
    manifest = json.loads(files.pop(MANIFEST))
    assert manifest["format"] == "vig-workbook-backup" and manifest["format_version"] == 1
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["media"] is True
    assert manifest["created"].endswith("+00:00")
    assert {e["path"]: (e["size"], e["sha256"]) for e in manifest["files"]} == {
        n: (len(d), hashlib.sha256(d).hexdigest()) for n, d in files.items()}


def test_without_media_keeps_the_records_only(filled, tmp_path):
    store, out = filled
    summary = make_backup(store, out, media=False)
    names = set(members(out))
    assert not summary.media and not json.loads(members(out)[MANIFEST])["media"]
    assert not [n for n in names if any(f"/{m}/" in n for m in ("recordings", "exports", "uploads"))]
    assert {f"cases/{i}/case.json" for i in store.case_ids()} | {"settings.json", "instruments/my-scale.json"} <= names
    result = restore(out, tmp_path / "restored")
    assert result.cases == 2 and not result.media
    assert [CaseStore(tmp_path / "restored").load(i) for i in store.case_ids()] == [
        store.load(i) for i in store.case_ids()]


# --- what is refused --------------------------------------------------------------
def test_non_empty_root_is_refused_without_force_and_replaced_with_force(filled, tmp_path):
    store, out = filled
    make_backup(store, out)
    target = tmp_path / "other"
    write(target / "cases" / "x" / "notes.txt", b"someone else's data")
    before = everything(target)
    with pytest.raises(ValidationError, match="not empty"):
        restore(out, target)
    assert everything(target) == before
    restore(out, target, force=True)
    assert tree(target) == tree(store.root)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "out", "vig-data"]  # no temp or old folder left


def test_an_existing_empty_folder_is_restored_into(filled, tmp_path):
    store, out = filled
    make_backup(store, out)
    (tmp_path / "empty").mkdir()
    assert restore(out, tmp_path / "empty").cases == 2


@pytest.mark.parametrize("name", ["../evil", "ABS", "a/../../evil", "cases/x/../../../evil", "..\\evil",
                                  "C:/evil", "cases//evil", "./cases/x"])
def test_zip_slip_entries_are_refused_and_nothing_is_written(tmp_path, name):
    box = tmp_path / "box"
    box.mkdir()
    name = str(tmp_path / "evil") if name == "ABS" else name
    files = {"cases/a/case.json": b"{}", name: b"owned"}
    zip_path = make_zip(tmp_path / "slip.zip", files, manifest_for(files))
    assert name in zipfile.ZipFile(zip_path).namelist()
    with pytest.raises(ValidationError, match="outside"):
        restore(zip_path, box / "root")
    assert list(box.iterdir()) == [] and not (tmp_path / "evil").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["box", "slip.zip"]


def test_a_symlink_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("cases/a/film.mp4")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    files = {"cases/a/film.mp4": b"../../../../etc/passwd"}
    zip_path = make_zip(tmp_path / "link.zip", files, manifest_for(files), {"cases/a/film.mp4": link})
    with pytest.raises(ValidationError, match="unsafe entry"):
        restore(zip_path, tmp_path / "root")
    assert not (tmp_path / "root").exists()


def test_a_file_outside_the_known_layout_is_refused(tmp_path):
    files = {".bashrc": b"rm -rf ~"}
    with pytest.raises(ValidationError, match="outside"):
        restore(make_zip(tmp_path / "b.zip", files, manifest_for(files)), tmp_path / "root")


@pytest.mark.parametrize("name, expected", [
    ("settings.json", True), ("cases/abc/recordings/r1/film.mp4", True), ("cases/é ✓/clip.mp4", True),
    ("", False), ("/etc/passwd", False), ("../x", False), ("a/../b", False), ("a/./b", False), ("a//b", False),
    ("a/", False), ("a\\b", False), ("C:x", False), ("a/b\x00c", False), ("a\nb", False), ("x" * 2000, False),
])
def test_safe_member_name(name, expected):
    assert safe_member_name(name) is expected


def test_missing_manifest_is_refused(filled, tmp_path):
    store, out = filled
    make_backup(store, out)
    files = members(out)
    del files[MANIFEST]
    with pytest.raises(ValidationError, match="not a workbook backup"):
        restore(make_zip(tmp_path / "b.zip", files, None), tmp_path / "root")
    assert not (tmp_path / "root").exists()


@pytest.mark.parametrize("change, message", [
    ({"format": "someone-elses-backup"}, "not a workbook backup"),
    ({"format_version": "1"}, "not a workbook backup"),
    ({"format_version": 2}, "newer version"),
    ({"schema_version": SCHEMA_VERSION + 1}, "newer version"),
])
def test_a_manifest_not_ours_or_newer_is_refused(filled, tmp_path, change, message):
    store, out = filled
    make_backup(store, out)
    files = members(out)
    manifest = {**json.loads(files.pop(MANIFEST)), **change}
    with pytest.raises(ValidationError, match=message):
        restore(make_zip(tmp_path / "b.zip", files, manifest), tmp_path / "root")
    assert not (tmp_path / "root").exists()


def test_a_case_from_a_newer_workbook_is_refused(store, tmp_path):
    case_id = make_case(store).id
    path = store.cases_dir / case_id / "case.json"
    raw = json.loads(path.read_text())
    raw["_meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(raw))
    out = tmp_path / "b.zip"
    backup(store.root, out)
    with pytest.raises(ValidationError, match="cannot be opened.*newer version"):
        restore(out, tmp_path / "root")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip", "vig-data"]


@pytest.mark.parametrize("how", ["unlisted member", "listed file missing", "size differs"])
def test_members_must_match_the_manifest(filled, tmp_path, how):
    store, out = filled
    make_backup(store, out)
    files = members(out)
    manifest = json.loads(files.pop(MANIFEST))
    if how == "unlisted member":
        files["cases/extra.txt"] = b"x"
    elif how == "listed file missing":
        del files["settings.json"]
    else:
        files["settings.json"] += b" "
    with pytest.raises(ValidationError, match="does not name|incomplete|damaged"):
        restore(make_zip(tmp_path / "b.zip", files, manifest), tmp_path / "root")
    assert not (tmp_path / "root").exists()


def flip_byte_of(zip_path: Path, data: bytes) -> None:
    raw = bytearray(zip_path.read_bytes())
    at = raw.index(data[100:200]) + 50
    raw[at] ^= 0xFF
    zip_path.write_bytes(bytes(raw))


@pytest.mark.parametrize("how", ["hash", "crc"])
def test_a_corrupted_member_is_refused_and_the_old_root_is_untouched(filled, tmp_path, how):
    store, out = filled
    make_backup(store, out)
    if how == "hash":  # the same length, a valid zip: only the manifest fingerprint tells
        files = members(out)
        manifest = json.loads(files.pop(MANIFEST))
        film = next(n for n in files if n.endswith("r1/film.mp4"))
        files[film] = bytes([files[film][0] ^ 0xFF]) + files[film][1:]
        out = make_zip(tmp_path / "b.zip", files, manifest)
    else:  # a byte flipped on disk inside the stored film
        flip_byte_of(out, FILM)
    before = everything(store.root)
    with pytest.raises(ValidationError, match="damaged"):
        restore(out, store.root, force=True)
    assert everything(store.root) == before
    assert not [p for p in store.root.parent.iterdir() if p.name.startswith(".")]  # temp folder removed


def test_a_case_that_cannot_be_opened_is_refused(tmp_path):
    files = {"cases/abc/case.json": b'{"_meta": {"1": {"schema": 4}}, "case": {"1": {"id": 5}}}'}
    with pytest.raises(ValidationError, match="cannot be opened"):
        restore(make_zip(tmp_path / "b.zip", files, manifest_for(files)), tmp_path / "root")
    assert not (tmp_path / "root").exists()


def test_not_a_zip_is_refused_with_a_plain_message(filled, tmp_path):
    store, out = filled
    fake = tmp_path / "photo.zip"
    fake.write_bytes(b"\x89PNG not a zip at all")
    with pytest.raises(ValidationError, match=r"^This file is not a workbook backup \(it is not a zip file"):
        restore(fake, tmp_path / "root")
    make_backup(store, out)
    half = tmp_path / "half.zip"
    half.write_bytes(out.read_bytes()[: out.stat().st_size // 2])  # a copy cut short
    with pytest.raises(ValidationError, match="not a workbook backup"):
        restore(half, tmp_path / "root")
    with pytest.raises(ValidationError, match="no backup file"):
        restore(tmp_path / "nothing.zip", tmp_path / "root")
    assert not (tmp_path / "root").exists()


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    files = {"cases/a/film.mp4": bytes(2_000_000)}  # deflates about 1000 to 1
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("cases/a/film.mp4", files["cases/a/film.mp4"])
        archive.writestr(MANIFEST, json.dumps(manifest_for(files)))
    monkeypatch.setattr(restore_module, "MAX_RATIO", 100)
    with pytest.raises(ValidationError, match="far more"):
        restore(bomb, tmp_path / "root")
    monkeypatch.setattr(restore_module, "MAX_RATIO", 1000)
    monkeypatch.setattr(restore_module, "MAX_TOTAL_BYTES", 1_000_000)
    with pytest.raises(ValidationError, match="far more"):
        restore(bomb, tmp_path / "root")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.zip"]


def test_a_backup_inside_the_data_root_is_refused(filled):
    store, _ = filled
    for out in (store.root / "backup.zip", store.cases_dir / "backup.zip", store.root):
        with pytest.raises(ValidationError, match="inside the data folder"):
            backup(store.root, out)
    assert not list(store.root.rglob("*.zip"))


def test_a_backup_file_inside_the_target_is_refused(filled):
    store, out = filled
    make_backup(store, out)
    inside = store.root / "b.zip"
    inside.write_bytes(out.read_bytes())
    with pytest.raises(ValidationError, match="inside the folder it would replace"):
        restore(inside, store.root, force=True)


class FullDisk(io.FileIO):
    """A file on a disk that fills up after a few kilobytes."""

    def write(self, data) -> int:
        if self.tell() + len(data) > 4096:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_a_full_disk_during_backup_leaves_no_file(filled, monkeypatch):
    store, out = filled
    out.parent.mkdir()
    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(fd, "wb"))
    with pytest.raises(StoreError, match="disk is full"):
        backup(store.root, out)
    assert list(out.parent.iterdir()) == []


def test_a_full_disk_during_restore_leaves_the_old_root(filled, tmp_path, monkeypatch):
    store, out = filled
    make_backup(store, out)
    before = everything(store.root)
    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(fd, "wb"))
    with pytest.raises(StoreError, match="disk is full"):
        restore(out, store.root, force=True)
    monkeypatch.undo()
    assert everything(store.root) == before
    assert not [p for p in store.root.parent.iterdir() if p.name.startswith(".")]


def test_when_the_new_root_cannot_be_moved_in_the_old_one_is_put_back(filled, monkeypatch):
    store, out = filled
    make_backup(store, out)
    before = everything(store.root)
    real_rename = os.rename

    def failing_rename(source, target):
        if ".restore-" in str(source):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(StoreError, match="restore did not happen"):
        restore(out, store.root, force=True)
    monkeypatch.undo()
    assert everything(store.root) == before
    assert not [p for p in store.root.parent.iterdir() if p.name.startswith(".")]


def test_backup_and_restored_files_are_private(filled, tmp_path):
    store, out = filled
    make_backup(store, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    target = tmp_path / "restored"
    restore(out, target)
    paths = [target, *target.rglob("*")]
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths if p.is_dir()} == {0o700}
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths if p.is_file()} == {0o600}


# --- what a restore brings in must be usable by every page ------------------------------------
def _case_file(store: CaseStore, case_id: str, change) -> bytes:
    """The case's record as the store writes it, with ``change`` made to its raw tables."""
    tables = json.loads((store.cases_dir / case_id / "case.json").read_text())
    change(tables)
    return json.dumps(tables, ensure_ascii=True).encode()


def _poisoned_definition(shipped: Path, new_id: str, raw_change) -> bytes:
    return raw_change(own_definition(shipped, new_id).decode()).encode()


def _nan_total(tables) -> None:
    tables["administrations"] = {"1": {"id": "a1", "instrument_id": "wemwbs", "time_point": "baseline",
                                       "started_on": "2026-01-05", "completed_on": "2026-01-05",
                                       "position": 1, "total": "TOTAL"}}


POISON = {
    "a case with a broken character in a note": (
        "cases/{id}/case.json",
        lambda store, case_id: _case_file(store, case_id, lambda t: t["case"]["1"]["conversation"].update(
            about_parent="words \ud800 more"))),
    "a case with a NaN score": (
        "cases/{id}/case.json",
        lambda store, case_id: _case_file(store, case_id, _nan_total).replace(b'"TOTAL"', b"NaN")),
    "a case nested ten thousand deep": (
        "cases/{id}/case.json",
        lambda store, case_id: _case_file(store, case_id, lambda t: t["case"]["1"].update(
            practitioner_notes="DEEP")).replace(b'"DEEP"', b"[" * 10_000 + b"]" * 10_000)),
    "an activity log line with a broken character": (
        "cases/{id}/activity.jsonl", lambda store, case_id: b'{"at": "x", "what": "\\udc80"}\n'),
    "a questionnaire with max 1e400": (
        "instruments/huge.json", lambda store, case_id: _poisoned_definition(
            SHIPPED_INSTRUMENTS / "wemwbs.json", "huge", lambda t: t.replace('"max": 70', '"max": 1e400'))),
    "a questionnaire with sd 5e-324": (
        "instruments/tiny.json", lambda store, case_id: _poisoned_definition(
            SHIPPED_INSTRUMENTS / "wemwbs.json", "tiny", lambda t: t.replace('"sd": 8.96', '"sd": 5e-324'))),
    "a questionnaire with a broken character in its title": (
        "instruments/broken.json", lambda store, case_id: _poisoned_definition(
            SHIPPED_INSTRUMENTS / "wemwbs.json", "broken", lambda t: t.replace('"title": "', '"title": "\\ud800'))),
    "a prompt set with a broken character": (
        "prompts/shared-review.json", lambda store, case_id: _poisoned_definition(
            SHIPPED_PROMPTS / "shared-review.json", "shared-review",
            lambda t: t.replace('"text": "', '"text": "\\udfff', 1))),
    "principles nested too deep": (
        "principles.json", lambda store, case_id: b'{"headings": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
    "settings with Infinity": (
        "settings.json", lambda store, case_id: b'{"settings": {"1": {"lock_minutes": Infinity}}}'),
    "a deletion log line with a broken character": (
        "deletion-log.jsonl", lambda store, case_id: b'{"date": "2026-01-05", "case_code": "\\ud83d"}\n'),
}


@pytest.mark.parametrize("what", list(POISON))
def test_a_backup_holding_a_file_that_would_break_a_page_is_refused_naming_it(filled, tmp_path, what):
    """Each of these passed every earlier restore check and then broke Questionnaires, Before and
    after, Ending or the caseload; now the restore names the file and changes nothing."""
    store, _ = filled
    case_id = store.case_ids()[0]
    name, make = POISON[what]
    name = name.format(id=case_id)
    files = {p.relative_to(store.root).as_posix(): p.read_bytes() for p in sorted(store.root.rglob("*"))
             if p.is_file() and not is_work_file(p.relative_to(store.root).as_posix())
             and p.relative_to(store.root).parts[0] in ("cases", "instruments", "prompts", "settings.json",
                                                        "deletion-log.jsonl", "principles.json")}
    files[name] = make(store, case_id)
    zip_path = make_zip(tmp_path / "poisoned.zip", files, manifest_for(files))
    target = tmp_path / "target"
    with pytest.raises(ValidationError) as refused:
        restore(zip_path, target)
    message = str(refused.value)
    assert "nothing was restored" in message and len(message) < 400, message
    assert name in message or (name.endswith("case.json") and "cannot be opened" in message), message
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work folder left


def test_the_same_backup_without_the_poison_restores(filled, tmp_path):
    """(The files the poison test starts from are a good backup: it is the poison that is refused.)"""
    store, out = filled
    make_backup(store, out)
    summary = restore(out, tmp_path / "target")
    assert summary.cases == 2 and (tmp_path / "target" / "principles.json").is_file()
