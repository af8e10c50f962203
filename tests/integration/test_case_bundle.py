"""The per-case bundle of the demo case, film and all: complete, readable, only theirs, never half
(the demo film is made with ffmpeg; the parts that need no film are in tests/unit/test_case_bundle.py)."""

from __future__ import annotations

import errno
import json
import os
import threading
import zipfile
from contextlib import contextmanager
from datetime import date

import pytest

from unit.test_case_bundle import members, table
from vig_core.case.record import Case
from vig_core.errors import StoreError
from vig_core.exports.bundle import default_bundle_name, export_case_bundle
from vig_core.exports.score_table import COLUMNS as SCORE_COLUMNS
from vig_core.exports.score_table import scores_csv, scores_frame
from vig_core.exports.tables import TABLES
from vig_core.storage import locked_pack
from vig_core.storage.codec import from_record, to_record
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import load_instruments

HEADERS = {  # spelled out: these names are a promise to whoever reads the files
    "moments.csv": ["recording", "cycle", "time_seconds", "time", "principles", "behaviours", "turn",
                    "working_point", "note"],
    "clips.csv": ["recording", "cycle", "in_seconds", "out_seconds", "in", "out", "length_seconds", "title",
                  "chosen", "naming", "practitioner_note", "caption", "file"],
    "reflections.csv": ["clip", "cycle", "prompt", "words", "date"],
    "goals.csv": ["goal_number", "goal", "set_on", "retired_on", "first_rating", "date", "rating", "cycle",
                  "given_at"],
    "scores.csv": ["case_code", "measure_id", "measure", "time_point", "date", "score", "band", "how", "goal",
                   "cycle"],
}
WORK_FILES = [".case.json.1234abcd.tmp", "recordings/r9/.film.mp4.partial", "exports/.cycle-2-x/clip.mp4",
              "exports/cycle-1/.clip-2.mp4.5678.tmp", "uploads/abc.mov"]


def case_files(store: CaseStore, case_id: str) -> dict[str, bytes]:
    """Every file of the case but case.json and work files, named as the bundle should hold it:
    films, clips and stills (in subfolders) under media/, other records beside case.json as they are."""
    folder = store.case_folder(case_id)
    files = {}
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if (path.is_file() and not path.is_symlink() and parts != ("case.json",)
                and not any(part.startswith(".") or part.endswith(".partial") or part == "uploads" for part in parts)):
            files["/".join(parts) if len(parts) == 1 else "media/" + "/".join(parts)] = path.read_bytes()
    return files


def add_file(store: CaseStore, case_id: str, relative: str, data: bytes) -> None:
    path = store.case_folder(case_id) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# --- what is in it --------------------------------------------------------------------------------------------
def test_the_bundle_holds_every_record_as_readable_json_that_reads_back_equal(demo, tmp_path):
    case = demo.load("demo-ending")
    out = tmp_path / default_bundle_name(case, date(2026, 11, 21))
    summary = export_case_bundle(demo, "demo-ending", out)

    files = members(out)
    raw = files["case.json"]
    assert raw.startswith(b'{\n  "id": "demo-ending"')  # indented, readable
    assert "“" in raw.decode("utf-8")  # not \u-escaped
    assert json.loads(raw) == to_record(case)
    assert from_record(Case, json.loads(raw)) == case
    assert summary.path == out and summary.media is True
    assert summary.files == len(files) and summary.bytes == sum(len(data) for data in files.values())
    assert {"case.json", "README.txt", *(f"tables/{name}" for name in HEADERS)} <= files.keys()
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as archive:
        for info in archive.infolist():
            expected = zipfile.ZIP_STORED if info.filename.startswith("media/") else zipfile.ZIP_DEFLATED
            assert info.compress_type == expected, info.filename
    readme = files["README.txt"].decode("utf-8")
    assert "DEMO-2 (fictional)" in readme and all(column in readme for cols in HEADERS.values() for column in cols)


def test_each_table_has_its_documented_header_and_a_row_per_item(demo, tmp_path):
    demo.update("demo-ending", lambda c: c.add_goal("I read with Leo at bedtime", None, c.created_on))
    case = demo.load("demo-ending")
    export_case_bundle(demo, "demo-ending", tmp_path / "bundle.zip")
    files = members(tmp_path / "bundle.zip")

    tables = {name: table(files[f"tables/{name}"]) for name in HEADERS}
    for name, rows in tables.items():
        assert rows[0] == HEADERS[name] == list(TABLES[name.removesuffix('.csv')]), name
    assert HEADERS["scores.csv"] == SCORE_COLUMNS
    instruments, _ = load_instruments(demo.root)
    counts = {"moments.csv": len(case.moments), "clips.csv": len(case.clips), "reflections.csv": len(case.reflections),
              "goals.csv": sum(max(1, len(g.ratings)) for g in case.goals),
              "scores.csv": len(scores_frame(case, instruments))}
    assert all(counts.values())
    assert {name: len(rows) - 1 for name, rows in tables.items()} == counts
    assert files["tables/scores.csv"] == scores_csv(case, instruments)  # the score table's own file

    moments = [dict(zip(HEADERS["moments.csv"], row)) for row in tables["moments.csv"][1:]]
    first = min(case.moments, key=lambda m: m.time)
    assert moments[0]["time_seconds"] == str(first.time) and moments[0]["note"] == first.note
    assert moments[0]["time"].count(":") == 1 and moments[0]["recording"] == case.recordings[0].title
    assert "Being attentive" in {m["principles"].split("; ")[0] for m in moments}  # titles, not ids
    words = {row[3] for row in tables["reflections.csv"][1:]}
    assert words == {r.words for r in case.reflections}
    unrated = tables["goals.csv"][-1]
    assert unrated[1] == "I read with Leo at bedtime" and unrated[4:7] == ["", "", ""]


def test_media_and_other_records_are_copied_byte_for_byte_without_work_files_or_links(demo, tmp_path):
    add_file(demo, "demo", "exports/cycle-1/clip-1-you-waited.mp4", os.urandom(50_000))
    add_file(demo, "demo", "exports/cycle-1/stills/clip-1-start.jpg", b"\xff\xd8 still")
    add_file(demo, "demo", "activity.jsonl", b'{"at":"2026-01-05T10:00:00","action":"created","what":"the case"}\n')
    add_file(demo, "demo", "README.txt", b"a record that happens to share the bundle's own name")
    for relative in WORK_FILES:
        add_file(demo, "demo", relative, b"work in progress")
    other_film = next((demo.case_folder("demo-ending") / "recordings").rglob("film.mp4"))
    (demo.case_folder("demo") / "exports" / "linked.mp4").symlink_to(other_film)
    expected = case_files(demo, "demo")
    assert len([name for name in expected if name.startswith("media/")]) == 3
    assert not any("linked" in name for name in expected)
    expected["case-README.txt"] = expected.pop("README.txt")

    export_case_bundle(demo, "demo", tmp_path / "bundle.zip")
    files = members(tmp_path / "bundle.zip")
    own = {"case.json", "README.txt", *(f"tables/{name}" for name in HEADERS)}
    assert {name: data for name, data in files.items() if name not in own} == expected
    assert "activity.jsonl" in files["README.txt"].decode()
    assert not [name for name in files if "lock" in name or "tmp" in name or "partial" in name or "upload" in name]


def test_without_media_no_film_clip_or_still_is_included(demo, tmp_path):
    add_file(demo, "demo", "exports/cycle-1/clip-1.mp4", b"clip")
    add_file(demo, "demo", "activity.jsonl", b'{"at":"2026-01-05T10:00:00","action":"created","what":"the case"}\n')
    summary = export_case_bundle(demo, "demo", tmp_path / "bundle.zip", media=False)
    files = members(tmp_path / "bundle.zip")
    assert summary.media is False and summary.files == len(files) == 8
    assert not [name for name in files if name.startswith("media/")]
    after = (demo.case_folder("demo") / "activity.jsonl").read_bytes()
    assert after.startswith(files["activity.jsonl"])  # a record: kept, as it was when the bundle was made
    assert after[len(files["activity.jsonl"]):].count(b'"action":"exported"') == 1  # and the export noted in it
    assert "left out" in files["README.txt"].decode()
    assert len(table(files["tables/clips.csv"])) == 4  # the records of the clips stay


def test_nothing_of_another_case_gets_in(demo, tmp_path):
    secret = "OTHER-FAMILY-SECRET-42"
    demo.update("demo-ending", lambda c: setattr(c, "practitioner_notes", secret))
    add_file(demo, "demo-ending", "exports/cycle-1/clip.mp4", secret.encode() * 100)
    other = demo.load("demo-ending")
    marks = [secret, other.code, other.child_first_name, other.carer_name, "demo-ending",
             *(r.id for r in other.recordings), *(g.text for g in other.goals)]

    export_case_bundle(demo, "demo", tmp_path / "bundle.zip")
    files = members(tmp_path / "bundle.zip")
    assert any(name.startswith("media/") for name in files)
    for name, data in files.items():
        assert not [mark for mark in marks if mark in name], name
        # a film's bytes may hold any short word by chance ("Leo"): only the long marker is looked for there
        for mark in [secret] if name.startswith("media/") else marks:
            assert mark.encode() not in data, (name, mark)


def test_the_record_is_taken_between_two_changes(demo, tmp_path):
    """An export started while a change is under way waits for it, so it never holds half a change."""
    editing, done = threading.Event(), threading.Event()

    def slow_change() -> None:
        with demo.edit("demo") as case:
            editing.set()
            done.wait(0.3)
            case.practitioner_notes = "after the change"

    worker = threading.Thread(target=slow_change)
    worker.start()
    editing.wait(5)
    export_case_bundle(demo, "demo", tmp_path / "bundle.zip", media=False)
    worker.join(5)
    assert json.loads(members(tmp_path / "bundle.zip")["case.json"])["practitioner_notes"] == "after the change"


def test_a_full_disk_leaves_no_zip_and_says_so_plainly(demo, tmp_path, monkeypatch):
    real = locked_pack.atomic_file

    class FillingDisk:
        """The zip file's handle, on a disk that fills after 1 MB (in the middle of the film)."""

        def __init__(self, handle) -> None:
            self.handle, self.written = handle, 0

        def write(self, data) -> int:
            self.written += len(data)
            if self.written > 2**20:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    @contextmanager
    def filling(path, doing, **options):
        with real(path, doing, **options) as handle:
            yield FillingDisk(handle)

    monkeypatch.setattr(locked_pack, "atomic_file", filling)
    (tmp_path / "stick").mkdir()
    with pytest.raises(StoreError, match="disk is full"):
        export_case_bundle(demo, "demo", tmp_path / "stick" / "bundle.zip")
    assert list((tmp_path / "stick").iterdir()) == []  # neither the zip nor its temp file


# --- progress and name ----------------------------------------------------------------------------------------
def test_progress_grows_by_bytes_and_ends_at_one(demo, tmp_path):
    fractions: list[float] = []
    export_case_bundle(demo, "demo", tmp_path / "bundle.zip", on_progress=fractions.append)
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    assert fractions[-1] == 1.0 and fractions.count(1.0) == 1
    assert len([f for f in fractions if 0.1 < f < 0.99]) >= 2  # the film reports as it is copied, not only at its end
