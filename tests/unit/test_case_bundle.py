"""The per-case bundle (a family's copy of everything held about them): text kept verbatim,
formulas kept as text, refusals and the default name. The bundle of the demo case with its film (and
a change made while the bundle is written) is in tests/integration/test_case_bundle.py."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import make_case
from vig_core.case.film import Recording, Reflection
from vig_core.case.record import Case
from vig_core.errors import NotFoundError, ValidationError
from vig_core.exports.bundle import default_bundle_name, export_case_bundle
from vig_core.storage.store import CaseStore

ODD_TEXT = '<script>alert("Ça va?")</script> “quoted”, comma; 🙂\nsecond line & <b>bold</b>'


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def table(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def coded_case(store: CaseStore) -> Case:
    """A case with a film record (no file needed), a moment, a clip, the parent's words and goals, typed oddly."""
    case = make_case(store, "FAM-07", "Zoë")

    def code(c: Case) -> None:
        c.add_recording(Recording(id="r1", cycle=1, title="<b>Tower</b> é", original_name="tower.mov",
                                  imported_at=datetime(2026, 1, 6, 10, 0), playable="recordings/r1/film.mp4",
                                  duration=40.0, fps=25.0, width=640, height=360, has_audio=True))
        moment = c.mark_moment("r1", 9.6)
        moment.note, moment.principles, moment.turn = '=HYPERLINK("http://evil.example","click")', ["attentive"], None
        second = c.mark_moment("r1", 4.0)
        second.note = ODD_TEXT
        clip = c.add_clip("r1", 8.0, 14.0, title="", moment_id=moment.id)
        clip.private_note = "+1 for waiting"
        c.reflections.append(Reflection(id="w1", clip_id=clip.id, prompt_id="see", prompt="What do you see?",
                                        words=ODD_TEXT, said_on=date(2026, 1, 20)))
        rated = c.add_goal("I wait for Zoë to choose", 3, date(2026, 1, 5))
        rated.rate(6, date(2026, 1, 20), cycle=1)
        c.add_goal("-I stay calm at bedtime", None, date(2026, 1, 5))

    return store.update(case.id, code)


def test_text_stays_verbatim_and_formulas_are_kept_as_text_in_the_tables(store, tmp_path):
    case = coded_case(store)
    export_case_bundle(store, case.id, tmp_path / "bundle.zip")
    files = members(tmp_path / "bundle.zip")

    record = json.loads(files["case.json"])
    assert {m["note"] for m in record["moments"]} == {ODD_TEXT, '=HYPERLINK("http://evil.example","click")'}
    assert record["reflections"][0]["words"] == ODD_TEXT and record["recordings"][0]["title"] == "<b>Tower</b> é"
    moments = table(files["tables/moments.csv"])[1:]
    assert [(row[3], row[8]) for row in moments] == [("0:04.00", ODD_TEXT),
                                                    ("0:09.60", "'=HYPERLINK(\"http://evil.example\",\"click\")")]
    assert moments[0][0] == "<b>Tower</b> é" and moments[1][4] == "Being attentive"
    (clip,) = table(files["tables/clips.csv"])[1:]
    assert clip[2:9] == ["8.0", "14.0", "0:08.00", "0:14.00", "6.0", "", "1"] and clip[10] == "'+1 for waiting"
    (words,) = table(files["tables/reflections.csv"])[1:]
    assert words == ["Clip at 0:08.00", "1", "What do you see?", ODD_TEXT, "2026-01-20"]
    assert table(files["tables/goals.csv"])[1:] == [
        ["1", "I wait for Zoë to choose", "2026-01-05", "", "3", "2026-01-05", "3", "", "the start"],
        ["1", "I wait for Zoë to choose", "2026-01-05", "", "3", "2026-01-20", "6", "1", "cycle 1 review"],
        ["2", "'-I stay calm at bedtime", "2026-01-05", "", "", "", "", "", ""],
    ]


# --- refusals and failures ------------------------------------------------------------------------------------
def test_an_existing_file_is_refused_and_left_as_it_was(store, tmp_path):
    case = make_case(store)
    out = tmp_path / "bundle.zip"
    out.write_bytes(b"the family's earlier copy")
    with pytest.raises(ValidationError, match="already a file"):
        export_case_bundle(store, case.id, out)
    assert out.read_bytes() == b"the family's earlier copy"
    (tmp_path / "folder.zip").mkdir()
    with pytest.raises(ValidationError, match="already"):
        export_case_bundle(store, case.id, tmp_path / "folder.zip")


def test_a_missing_folder_the_data_folder_and_an_unknown_case_are_refused(store, tmp_path):
    case = make_case(store)
    with pytest.raises(ValidationError, match="does not exist"):
        export_case_bundle(store, case.id, tmp_path / "nowhere" / "bundle.zip")
    with pytest.raises(ValidationError, match="data folder"):
        export_case_bundle(store, case.id, store.root / "bundle.zip")
    for unknown in ("no-such-case", "../cases"):
        with pytest.raises(NotFoundError):
            export_case_bundle(store, unknown, tmp_path / "bundle.zip")
    assert not (tmp_path / "bundle.zip").exists() and store.case_ids() == [case.id]


def test_the_default_name_carries_a_safe_case_code_and_the_date(store):
    day = date(2026, 11, 21)
    assert default_bundle_name(make_case(store, "FAM-07"), day) == "FAM-07-family-copy-2026-11-21.zip"
    assert default_bundle_name(make_case(store, " Fam 8/é*_x "), day) == "Fam-8-_x-family-copy-2026-11-21.zip"
    odd = make_case(store, "../ééé")
    assert default_bundle_name(odd, day) == f"{odd.id}-family-copy-2026-11-21.zip"
