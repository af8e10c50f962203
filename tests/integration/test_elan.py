"""ELAN (.eaf) export and import with the demo case's film (made with ffmpeg); the rest of
ELAN export and import is in tests/unit/test_elan.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import unquote, urlparse

from pympi import Elan

from unit.test_elan import PRINCIPLES, annotations, coding, reimport, without_moments
from vig_core.case.film import Turn
from vig_core.exports.elan import (
    CLIPS_TIER,
    FIXED_TIERS,
    NOTES_TIER,
    RECORDING_PROPERTY,
    TURN_TIER,
    WORKING_POINT_TIER,
    recording_eaf,
)
from vig_core.exports.elan_import import apply_import, plan_import, read_eaf
from vig_core.storage.codec import to_record

# --- export ---------------------------------------------------------------------------------------------


def test_export_of_the_demo_film_reads_back_in_pympi(demo, tmp_path: Path):
    case = demo.load("demo")
    recording = case.recordings[0]
    media = demo.media_path("demo", recording.playable)
    path = tmp_path / "demo.eaf"
    path.write_bytes(recording_eaf(case, recording.id, PRINCIPLES, media))
    eaf = Elan.Eaf(str(path))

    titles = [h.title for h in PRINCIPLES.headings]
    assert list(eaf.get_tier_names()) == [*titles, *FIXED_TIERS]  # every heading's tier, even those no moment uses
    moments = sorted(case.moments_of(recording.id), key=lambda m: m.time)
    assert len(moments) == 5
    for heading in PRINCIPLES.headings:
        expected = []
        for m in (m for m in moments if heading.id in m.principles):
            own = [b for b in m.behaviours if b in heading.behaviours]
            expected.append((round(m.time * 1000), round(m.time * 1000) + 1000, "; ".join(own) or heading.title))
        assert annotations(eaf, heading.title) == expected
    assert annotations(eaf, "Being attentive") == [(4000, 5000, "Looking interested with a friendly posture; "
                                                                "Giving time and space for the other")]
    assert annotations(eaf, TURN_TIER) == [(round(m.time * 1000), round(m.time * 1000) + 1000, m.turn.value)
                                           for m in moments]
    assert annotations(eaf, NOTES_TIER) == [(round(m.time * 1000), round(m.time * 1000) + 1000, m.note)
                                            for m in moments]
    assert annotations(eaf, WORKING_POINT_TIER) == [(26000, 27000, "working point")]
    assert annotations(eaf, CLIPS_TIER) == [(8000, 14000, "You waited, and Mia showed you"),
                                            (15000, 21000, "Taking turns with the bricks"),
                                            (31000, 37000, "Laughing together")]
    (linked,) = eaf.get_linked_files()
    linked_path = Path(unquote(urlparse(linked["MEDIA_URL"]).path))
    assert linked_path == media.resolve() and linked_path.is_file()
    assert linked["RELATIVE_MEDIA_URL"] == "film.mp4" and linked["MIME_TYPE"] == "video/mp4"
    assert (RECORDING_PROPERTY, recording.id) in eaf.get_properties()


# --- round trip -----------------------------------------------------------------------------------------


def test_round_trip_of_the_demo_film_and_reimport_adds_nothing(demo):
    case = demo.load("demo")
    rid = case.recordings[0].id
    empty = case.mark_moment(rid, 1.0)  # and an uncoded moment, and one on the last frame
    end = case.mark_moment(rid, 99)
    end.principles, end.turn = ["guiding"], Turn.CHILD_RESPONSE
    data = recording_eaf(case, rid, PRINCIPLES, None)
    expected = coding(case, rid)
    assert empty.time == 1.0 and len(expected) == 7

    plan = reimport(without_moments(case, rid), data, rid)
    assert (plan.new, plan.merged, plan.already_there, plan.after_end) == (7, 0, 0, 0)
    assert plan.ignored_tiers == (CLIPS_TIER,) and plan.warnings == ()
    assert coding(case, rid) == expected

    before = to_record(case)
    plan = reimport(case, data, rid)
    assert (plan.new, plan.merged, plan.already_there) == (0, 0, 7)
    assert plan.summary() == "7 already here."
    assert to_record(case) == before


# --- with the store -------------------------------------------------------------------------------------


def test_import_through_the_store_saves_a_valid_case(demo):
    case = demo.load("demo")
    rid = case.recordings[0].id
    data = recording_eaf(case, rid, PRINCIPLES, None)
    expected = coding(case, rid)
    demo.update("demo", lambda c: without_moments(c, rid))
    cleared = demo.load("demo")
    plan = plan_import(cleared, rid, read_eaf(data), PRINCIPLES)
    assert plan.new == 5
    saved = demo.update("demo", lambda c: apply_import(c, plan))
    assert coding(saved, rid) == coding(demo.load("demo"), rid) == expected
    assert dataclasses.asdict(demo.load("demo")) == dataclasses.asdict(saved)
