"""Exports of the demo case for other tools: names replaced, CSV and Excel tables, WebVTT
captions, the supervision pack, and the ``export`` command. (ELAN files have their own tests in test_elan.py.)"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import av
import openpyxl
import pandas as pd
import pytest

from conftest import make_case
from unit.test_exports import HOSTILE, parsed
from vig_core import cli
from vig_core.case.consent import ConsentKind
from vig_core.errors import StoreError, ValidationError
from vig_core.exports import save
from vig_core.exports.names import pseudonymised
from vig_core.exports.save import Format, export
from vig_core.exports.supervision import write_supervision_pack
from vig_core.exports.tables import TABLES, table_frames
from vig_core.exports.webvtt import CaptionSource, captioned_by_title, clip_webvtt, title_note
from vig_core.storage.codec import to_record
from vig_core.vocab.instruments import load_instruments
from vig_core.vocab.principles import load_principles

DAY = date(2026, 11, 29)
CHILD, CARER = "Zephyrine", "Quillon Marchbanks"  # names that appear nowhere by chance, not even in a film's bytes


def name_the_family(store, case_id: str = "demo") -> None:
    """Give the demo family distinctive names and write them into every kind of text the exports carry."""
    def change(case):
        case.child_first_name, case.carer_name = CHILD, CARER
        case.recordings[0].title = f"{CHILD} and the tower"
        for clip in case.clips:
            clip.title = f"{clip.title} with {CHILD}"
            clip.naming = f"You waited, {CARER.split()[0]}, and {CHILD.upper()} showed you."
            clip.private_note = f"Note on {CARER}"
        for moment in case.moments:
            moment.note = f"{moment.note} ({CHILD.lower()})"
        case.cycle(1).review_notes = f"{CARER.split()[1]} was moved."
        case.cycle(1).own_reflection = f"I could have waited longer for {CHILD}."
        case.conversation.about_child = f"{CHILD} loves bricks."
    store.update(case_id, change)


def contains_a_name(data: bytes) -> bool:
    words = [CHILD, *CARER.split()]
    return any(re.search(name.encode(), data, re.IGNORECASE) for name in words)


def test_every_text_of_the_demo_loses_the_names_but_ids_paths_and_codes_stay(demo):
    name_the_family(demo)
    case = demo.load("demo")
    twin = pseudonymised(case)
    assert contains_a_name(repr(to_record(case)).encode()) and not contains_a_name(repr(to_record(twin)).encode())
    assert [(r.id, r.playable) for r in twin.recordings] == [(r.id, r.playable) for r in case.recordings]
    assert [(m.id, m.principles, m.time, m.turn) for m in twin.moments] == [
        (m.id, m.principles, m.time, m.turn) for m in case.moments]


# --- tables ----------------------------------------------------------------------------------
def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_writes_one_documented_file_per_table_without_the_names(demo, out):
    name_the_family(demo, "demo-ending")
    case = demo.load("demo-ending")
    paths = export(demo, "demo-ending", "csv", out, today=DAY)
    assert sorted(p.name for p in paths) == sorted([f"DEMO-2-fictional-{name}-2026-11-29.csv" for name in TABLES]
                                                   + ["DEMO-2-fictional-columns-2026-11-29.txt"])
    for name, columns in TABLES.items():
        with (out / f"DEMO-2-fictional-{name}-2026-11-29.csv").open(encoding="utf-8-sig", newline="") as handle:
            assert next(csv.reader(handle)) == list(columns)
    moments = read_csv(out / "DEMO-2-fictional-moments-2026-11-29.csv")
    assert len(moments) == len(case.moments) and float(moments[0]["time_seconds"]) == case.moments_of(
        case.recordings[0].id)[0].time
    words = read_csv(out / "DEMO-2-fictional-reflections-2026-11-29.csv")
    assert [w["words"] for w in words] == [r.words for r in case.reflections]
    assert not any(contains_a_name(p.read_bytes()) for p in paths)
    columns = (out / "DEMO-2-fictional-columns-2026-11-29.txt").read_text()
    assert "note: the practitioner's note on the moment" in columns
    assert "the tables as CSV (6 files)" in demo.activity("demo-ending")[-1]["what"]


def test_keep_names_keeps_them(demo, out):
    name_the_family(demo)
    paths = export(demo, "demo", Format.CSV, out, keep_names=True)
    assert any(CHILD.encode() in p.read_bytes() for p in paths)


def test_the_excel_workbook_reads_back_as_the_same_tables_with_text_kept_as_text(demo, out):
    demo.update("demo", lambda c: setattr(c.moments[0], "note", HOSTILE))
    [path] = export(demo, "demo", "xlsx", out)
    case = pseudonymised(demo.load("demo"))
    expected = table_frames(case, load_principles(demo.root)[0], load_instruments(demo.root)[0])
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, keep_default_na=False)
    assert list(sheets) == [*TABLES, "columns"]
    for name, frame in expected.items():
        read = sheets[name]
        assert list(read.columns) == list(TABLES[name]) and len(read) == len(frame), name
        for column in ("note", "principles", "title", "words", "goal"):
            if column in frame:
                assert [str(v) for v in read[column]] == [str(v) for v in frame[column]], (name, column)
    cell = next(c for c in openpyxl.load_workbook(path)["moments"]["I"] if c.value == HOSTILE)
    assert cell.data_type == "s"  # text, not a formula Excel would run
    assert len(sheets["columns"]) == sum(len(c) for c in TABLES.values())


# --- captions ----------------------------------------------------------------------------------
def test_a_clip_caption_parses_and_reads_back_as_the_naming_within_the_clip(demo, out):
    paths = export(demo, "demo", "vtt", out, today=DAY)
    case = pseudonymised(demo.load("demo"))
    assert [p.name for p in paths] == [
        "DEMO-1-fictional-cycle-1-clip-1-you-waited-and-demo-1-fictional-child-sh-2026-11-29.vtt",
        "DEMO-1-fictional-cycle-1-clip-2-taking-turns-with-the-bricks-2026-11-29.vtt",
        "DEMO-1-fictional-cycle-1-clip-3-laughing-together-2026-11-29.vtt"]
    for path, clip in zip(paths, case.chosen_clips(1)):
        captions = parsed(path.read_text(encoding="utf-8"))
        assert " ".join(html.unescape(c.text).replace("\n", " ") for c in captions) == clip.naming
        assert captions[0].start_in_seconds == 0 and captions[-1].end_in_seconds == pytest.approx(clip.duration, 1e-3)
    assert "[DEMO-1 (fictional) child]" in case.chosen_clips(1)[0].naming  # the caption names no one


def test_captions_from_the_parents_words_follow_their_answers(demo):
    case = demo.load("demo-ending")
    clip = next(c for c in case.clips if case.reflections_of(c.id))
    captions = parsed(clip_webvtt(case, clip, CaptionSource.WORDS))
    assert " ".join(html.unescape(c.text).replace("\n", " ") for c in captions) == " ".join(
        " ".join(r.words.split()) for r in case.reflections_of(clip.id))
    case.reflections = [r for r in case.reflections if r.clip_id != clip.id]
    assert html.unescape(parsed(clip_webvtt(case, clip, CaptionSource.WORDS))[0].text) == clip.title


def caption_text(path: Path) -> str:
    return " ".join(html.unescape(c.text).replace("\n", " ") for c in parsed(path.read_text(encoding="utf-8")))


def test_captions_are_one_file_per_clip_with_the_title_where_the_chosen_text_is_missing(demo, out):
    """Five clips, two of them with a positive naming: five caption files, and the others say their title."""
    def change(case):
        recording = case.recordings[0]
        case.chosen_clips(1)[1].naming = ""
        case.add_clip(recording.id, 20.0, 24.0, title="Tidying up")
        case.add_clip(recording.id, 30.0, 33.0)
    demo.update("demo", change)
    case = demo.load("demo")
    assert len(case.clips) == 5 and len([c for c in case.clips if c.naming]) == 2
    paths = export(demo, "demo", "vtt", out, today=DAY)
    assert len(paths) == 5 == len(list(out.iterdir()))
    read = {path.name.split("-clip-")[1][0]: caption_text(path) for path in paths}  # by clip number
    assert read["2"] == "Taking turns with the bricks" and read["4"] == "Tidying up"
    assert read["5"] == "Untitled clip at 0:30.00"
    assert [c.title or "Untitled clip at 0:30.00" for c in captioned_by_title(case, CaptionSource.NAMING)] == [
        "Taking turns with the bricks", "Tidying up", "Untitled clip at 0:30.00"]
    note = title_note(case, CaptionSource.NAMING)
    assert note == ("3 clips have no positive naming yet, so their captions show the clip's title: "
                    "“Taking turns with the bricks”, “Tidying up”, “Untitled clip at 0:30.00”.")
    assert title_note(case, CaptionSource.WORDS).startswith("No clip has the parent's words yet, so every caption")
    demo.update("demo", lambda c: [setattr(clip, "naming", "Seen") for clip in c.clips])
    assert title_note(demo.load("demo"), CaptionSource.NAMING) is None


def test_captions_from_the_parents_words_are_made_for_every_clip_even_without_words(demo, out):
    paths = export(demo, "demo", "vtt", out, captions="words", today=DAY)
    case = pseudonymised(demo.load("demo"))
    assert [caption_text(p) for p in paths] == [c.title for c in case.chosen_clips(1)]


# --- supervision pack ------------------------------------------------------------------------------
class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [value for name, value in attrs if name == "src"]

    def handle_data(self, data):
        self.text.append(data)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_supervision_pack_holds_the_chosen_clips_and_their_analysis_and_no_family_name(demo, out):
    name_the_family(demo)
    demo.update("demo", lambda c: (setattr(c.moments[1], "note", HOSTILE),
                                   setattr(c.chosen_clips(1)[2], "naming", "")))
    case = demo.load("demo")
    [path] = export(demo, "demo", "supervision", out)
    files = members(path)
    clips = sorted(n for n in files if n.endswith(".mp4"))
    assert len(clips) == len(case.chosen_clips(1)) == 3
    assert sorted(n for n in files if n.endswith(".vtt")) == [n.replace(".mp4", ".vtt") for n in clips]  # each clip
    assert "Laughing together" in files[clips[2].replace(".mp4", ".vtt")].decode()  # no naming: its title
    for name, data in files.items():
        assert not contains_a_name(data), f"a family name in {name}"
    page = Page()
    page.feed(files["index.html"].decode())
    shown = "".join(page.text)
    assert "script" not in page.tags and "Content-Security-Policy" in files["index.html"].decode()
    assert sorted(s for s in page.sources if s.endswith(".mp4")) == clips
    assert HOSTILE in shown  # escaped on the page, read back as typed
    assert "I could have waited longer for [DEMO-1 (fictional) child]." in shown
    assert "[DEMO-1 (fictional) parent] was moved." in shown
    assert "Encouraging initiatives" in shown and "child: initiative" in shown  # the coded moment inside clip 1
    assert "supervision pack with 3 clips" in demo.activity("demo")[-1]["what"]
    for name in clips:
        target = out / Path(name).name
        target.write_bytes(files[name])
        with av.open(str(target)) as film:
            assert not {k: v for k, v in film.metadata.items() if k not in ("major_brand", "minor_version",
                                                                          "compatible_brands", "encoder")}
            assert 5.5 < film.duration / 1_000_000 < 6.5  # the demo's clips are 6 s


def test_the_pack_is_refused_without_supervisor_consent_and_leaves_nothing(demo, out):
    demo.update("demo", lambda c: c.consent.withdraw(ConsentKind.SUPERVISOR, date.today()))
    with pytest.raises(ValidationError, match="supervisor"):
        export(demo, "demo", "supervision", out)
    assert list(out.iterdir()) == []
    assert not list((demo.case_folder("demo") / "exports").glob(".supervision-*"))


def test_the_pack_is_refused_for_a_case_code_that_holds_a_name_and_for_no_chosen_clips(demo, store, out):
    demo.update("demo", lambda c: setattr(c, "code", "Mia-K"))
    with pytest.raises(ValidationError, match="holds the family's name"):
        export(demo, "demo", "supervision", out)
    case = make_case(store, code="FAM-09")
    store.update(case.id, lambda c: c.consent.give(ConsentKind.SUPERVISOR, c.created_on))
    with pytest.raises(ValidationError, match="No clips are chosen"):
        write_supervision_pack(store, case.id, out / "pack.zip")


# --- writing files -----------------------------------------------------------------------------------
def test_an_export_never_overwrites_and_never_goes_into_the_data_folder(demo, out):
    (out / "DEMO-1-fictional-tables-2026-11-29.xlsx").write_bytes(b"earlier")
    with pytest.raises(ValidationError, match="already a file called DEMO-1-fictional-tables-2026-11-29.xlsx"):
        export(demo, "demo", "xlsx", out, today=DAY)
    assert (out / "DEMO-1-fictional-tables-2026-11-29.xlsx").read_bytes() == b"earlier"
    with pytest.raises(ValidationError, match="inside the workbook's data folder"):
        export(demo, "demo", "csv", demo.root)
    with pytest.raises(ValidationError, match="There is no folder"):
        export(demo, "demo", "csv", out / "missing")


def test_a_failure_half_way_takes_back_the_files_already_written(demo, out, monkeypatch):
    real, calls = save.atomic_file, []

    def failing(path, doing, **options):
        calls.append(path)
        if len(calls) == 3:
            raise StoreError("The disk is full, so saving the export did not happen.")
        return real(path, doing, **options)

    monkeypatch.setattr(save, "atomic_file", failing)
    with pytest.raises(StoreError, match="disk is full"):
        export(demo, "demo", "csv", out)
    assert list(out.iterdir()) == []


# --- the command line ------------------------------------------------------------------------------------
def test_the_command_exports_the_demo_to_every_format(demo, out, capsys):
    for fmt in Format:
        folder = out / fmt.value
        folder.mkdir()
        assert cli.main(["export", "--case", "demo", "--format", fmt.value, "--out", str(folder)]) == 0
        printed = capsys.readouterr().out.split()
        assert printed and sorted(printed) == sorted(str(p) for p in folder.iterdir()), fmt


def test_the_command_says_why_consent_stops_a_pack(demo, out, capsys):
    demo.update("demo", lambda c: c.consent.withdraw(ConsentKind.SUPERVISOR, date.today()))
    assert cli.main(["export", "--case", "demo", "--format", "supervision", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and "supervisor" in error and "Traceback" not in error
    assert cli.main(["export", "--case", "demo", "--format", "supervision", "--keep-names",
                     "--out", str(out)]) == 2
    assert list(out.iterdir()) == []


def test_coding_done_in_elan_on_an_anonymised_export_comes_back_with_the_names(demo, out):
    from vig_core.exports.elan_import import apply_import, plan_import, read_eaf

    before = demo.load("demo")
    [eaf] = export(demo, "demo", "eaf", out)  # names replaced by the case code
    assert b"Mia" not in eaf.read_bytes() and b"[DEMO-1 (fictional) child]" in eaf.read_bytes()
    demo.update("demo", lambda c: setattr(c, "moments", []))
    case = demo.load("demo")
    plan = plan_import(case, case.recordings[0].id, read_eaf(eaf.read_bytes()), load_principles(demo.root)[0])
    demo.update("demo", lambda c: apply_import(c, plan))
    assert [m.note for m in demo.load("demo").moments_of(case.recordings[0].id)] == [
        m.note for m in before.moments_of(case.recordings[0].id)]
    assert any("Mia" in m.note for m in before.moments)
