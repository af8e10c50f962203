"""Coding files and second coders' layers (pure: bytes in, bytes out, the case in memory)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from vig_core.case.coding import (
    MAX_CODED_MOMENTS,
    MAX_CODING_BYTES,
    check_coder,
    check_recording,
    put_layer,
    read_coding,
    write_coding,
)
from vig_core.case.film import ME, Recording, Turn
from vig_core.case.record import Case, new_case
from vig_core.errors import ValidationError
from vig_core.exports.tables import table_frames
from vig_core.storage.codec import from_record, to_record
from vig_core.vocab.principles import SHIPPED, read_principles

PRINCIPLES = read_principles(SHIPPED)
FINGERPRINT = "1234567-0123456789abcdef0123456789abcdef"


def recording(rid: str = "r1", fingerprint: str = FINGERPRINT, duration: float = 40.0) -> Recording:
    return Recording(id=rid, cycle=1, title="Tower", original_name="mia.mov", imported_at=datetime(2026, 1, 5),
                     playable=f"recordings/{rid}/film.mp4", duration=duration, fps=25, width=640, height=360,
                     has_audio=True, fingerprint=fingerprint)


@pytest.fixture
def case():
    case = new_case("FAM-Mia", "Mia", date(2026, 1, 5), carer_name="Jo Smith")
    case.add_recording(recording())
    for seconds, principle in ((4.0, "attentive"), (9.6, "encouraging")):
        moment = case.mark_moment("r1", seconds)
        moment.principles, moment.behaviours = [principle], ["Waiting", "Mia's own word"]
        moment.turn, moment.note, moment.working_point = Turn.CHILD_INITIATIVE, "Mia smiles at Jo", True
    return case


def document(**changes) -> dict:
    base = {"format": "vig-workbook-coding", "version": 1,
            "recording": {"fingerprint": FINGERPRINT, "duration": 40.0, "fps": 25.0},
            "moments": [{"time": 4.0, "principles": ["attentive"], "behaviours": ["Waiting"],
                         "turn": "adult: reception", "working_point": False}]}
    base.update(changes)
    return base


def raw(doc: dict) -> bytes:
    return json.dumps(doc).encode()


def test_round_trip_carries_the_coding_and_nothing_that_names_anyone(case):
    data = write_coding(case.recording("r1"), case.moments_of("r1"), PRINCIPLES)
    text = data.decode()
    for private in ("Mia", "Jo", "Smith", "FAM", "Tower", "mia.mov", "smiles", case.id, "r1"):
        assert private not in text
    coding = read_coding(data, PRINCIPLES)
    assert coding.fingerprint == FINGERPRINT and coding.duration == 40.0 and coding.fps == 25
    assert [(m.time, m.principles, m.behaviours, m.turn, m.working_point) for m in coding.moments] == [
        (4.0, ("attentive",), ("Waiting",), Turn.CHILD_INITIATIVE, True),
        (9.6, ("encouraging",), ("Waiting",), Turn.CHILD_INITIATIVE, True)]


def test_a_recording_without_fingerprint_makes_no_coding_file(case):
    with pytest.raises(ValidationError, match="fingerprint"):
        write_coding(recording(fingerprint=""), [], PRINCIPLES)


def test_a_file_of_another_recording_is_refused_in_one_sentence(case):
    coding = read_coding(raw(document(recording={"fingerprint": "99-ff", "duration": 40.0, "fps": 25})), PRINCIPLES)
    with pytest.raises(ValidationError, match="another film, not of “Tower”"):
        check_recording(coding, case.recording("r1"))
    longer = read_coding(raw(document(recording={"fingerprint": FINGERPRINT, "duration": 80.0, "fps": 25})),
                         PRINCIPLES)
    with pytest.raises(ValidationError, match="another film"):
        check_recording(longer, case.recording("r1"))
    check_recording(read_coding(raw(document()), PRINCIPLES), case.recording("r1"))


@pytest.mark.parametrize(("data", "words"), [
    (b"", "not a coding file"),
    (b"\xff\xfe\x00garbage", "not a coding file"),
    (b"[1, 2]", "not a coding file"),
    (b"{\"format\": \"something else\"}", "not a coding file"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b" " * (MAX_CODING_BYTES + 1), "too large"),
    (raw(document(version=2)), "another version"),
    (raw(document(version=True)), "another version"),
    (raw(document(recording="x")), "which film"),
    (raw(document(recording={"fingerprint": 5, "duration": 40, "fps": 25})), "which film"),
    (raw(document(recording={"fingerprint": "a", "duration": "40", "fps": 25})), "not a number"),
    (raw(document(recording={"fingerprint": "a", "duration": 0, "fps": 25})), "no length"),
    (raw(document(moments={"a": 1})), "no list of moments"),
    (raw(document(moments=[{"time": 1.0}] * (MAX_CODED_MOMENTS + 1))), "more than the 2,000"),
    (raw(document(moments=["moment"])), "is not a moment"),
    (raw(document(moments=[{"time": True}])), "not a number"),
    (b'{"format": "vig-workbook-coding", "version": 1, "recording": {"fingerprint": "a", "duration": NaN, '
     b'"fps": 25}, "moments": []}', "not a number"),
    (raw(document(moments=[{"time": 41.0}])), "outside its film"),
    (raw(document(moments=[{"time": -1}])), "outside its film"),
    (raw(document(moments=[{"time": 1, "principles": "attentive"}])), "short list of texts"),
    (raw(document(moments=[{"time": 1, "principles": [1]}])), "short list of texts"),
    (raw(document(moments=[{"time": 1, "behaviours": ["x" * 301]}])), "short list of texts"),
    (raw(document(moments=[{"time": 1, "turn": "parent: shouting"}])), "not a turn"),
    (raw(document(moments=[{"time": 1, "working_point": "yes"}])), "true or false"),
    (raw(document(moments=[{"time": 1, "note": "Mia cried"}])), "field “note”"),
    (raw(document(case="FAM-Mia")), "field “case”"),
    (raw(document(recording={"fingerprint": "a", "duration": 40, "fps": 25, "title": "Mia"})), "field “title”"),
])
def test_a_malformed_or_hostile_file_gives_a_plain_sentence(data, words):
    with pytest.raises(ValidationError, match=words) as raised:
        read_coding(data, PRINCIPLES)
    assert "\n" not in str(raised.value) and "Traceback" not in str(raised.value)


def test_an_unknown_principle_is_refused_by_its_id_and_unknown_behaviours_are_left_out():
    with pytest.raises(ValidationError, match="principle “kindness”"):
        read_coding(raw(document(moments=[{"time": 1, "principles": ["attentive", "kindness"]}])), PRINCIPLES)
    coding = read_coding(raw(document(moments=[{"time": 1, "behaviours": ["Waiting", "Mia grins"]}])), PRINCIPLES)
    assert coding.moments[0].behaviours == ("Waiting",) and coding.left_out == 1


def test_a_layer_never_touches_the_practitioners_moments(case):
    before = [to_record(m) for m in case.moments_of("r1")]
    coding = read_coding(raw(document(moments=[{"time": 4.0, "principles": ["guiding"]}, {"time": 30.0}])),
                         PRINCIPLES)
    assert put_layer(case, "r1", "Supervisor", coding.moments) == (2, 0)
    assert [to_record(m) for m in case.moments_of("r1")] == before
    assert [m.principles for m in case.moments_of("r1", "Supervisor")] == [["guiding"], []]
    assert case.coders_of("r1") == [ME, "Supervisor"]
    again = read_coding(raw(document()), PRINCIPLES)
    assert put_layer(case, "r1", "Supervisor", again.moments) == (1, 2)  # importing again replaces the layer
    assert [to_record(m) for m in case.moments_of("r1")] == before
    case.validate()
    assert from_record(Case, to_record(case)).moments_of("r1", "Supervisor")[0].coder == "Supervisor"
    with pytest.raises(ValidationError):
        put_layer(case, "r1", ME, again.moments)


def test_two_moments_on_one_frame_are_refused(case):
    coding = read_coding(raw(document(moments=[{"time": 4.0}, {"time": 4.01}])), PRINCIPLES)
    with pytest.raises(ValidationError, match="two moments at 0:04.00"):
        put_layer(case, "r1", "Supervisor", coding.moments)


def test_removing_a_layer_leaves_the_practitioners_moments_and_forgets_only_that_coder(case):
    put_layer(case, "r1", "Supervisor", read_coding(raw(document()), PRINCIPLES).moments)
    put_layer(case, "r1", "Ann", read_coding(raw(document()), PRINCIPLES).moments)
    assert case.coders_of("r1") == [ME, "Ann", "Supervisor"]
    assert case.remove_layer("r1", "Supervisor") == 1
    assert case.coders_of("r1") == [ME, "Ann"] and len(case.moments_of("r1")) == 2
    with pytest.raises(ValidationError):
        case.remove_layer("r1", ME)


@pytest.mark.parametrize(("name", "words"), [
    ("", "Type the second coder"), ("   ", "Type the second coder"), (None, "Type the second coder"),
    ("me", "your own coding"), ("ME ", "your own coding"), ("Sam", "your own coding"),
    ("x" * 41, "too long"), ("Super\u202evisor", "invisible"), ("Ann\nBo", "invisible"),
])
def test_a_second_coders_name_is_checked(name, words):
    with pytest.raises(ValidationError, match=words):
        check_coder(name, "Sam")


def test_a_second_coders_name_is_kept_trimmed():
    assert check_coder("  Supervisor ", "Me") == "Supervisor"


def test_the_family_tables_hold_only_the_practitioners_moments(case):
    put_layer(case, "r1", "Supervisor", read_coding(raw(document(moments=[{"time": 20.0}])), PRINCIPLES).moments)
    frames = table_frames(case, PRINCIPLES, {})
    assert list(frames["moments"]["time_seconds"]) == [4.0, 9.6]
