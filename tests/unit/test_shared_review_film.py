"""A film of a shared review (the practitioner and the parent): its own consent, guider/parent turn
labels, never shown to the parent, and its clips in the supervision pack under its consent (issue 22)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from vig_core.case.consent import CONSENT_LABELS, Consent, ConsentKind
from vig_core.case.consent_rules import (
    Use,
    may_import,
    may_supervise,
    require_import,
    require_supervision,
    withdrawals,
)
from vig_core.case.film import Recording, RecordingKind, Turn
from vig_core.case.record import Case, new_case
from vig_core.case.timeline import timeline
from vig_core.case.turns import turn_from_label, turn_label, turn_labels
from vig_core.errors import ValidationError
from vig_core.exports.elan import TURN_TIER, build_eaf, recording_eaf
from vig_core.exports.elan_import import apply_import, plan_import, read_eaf
from vig_core.exports.supervision import pack_clips, pack_html
from vig_core.exports.tables import table_frames
from vig_core.storage.codec import from_record, to_record
from vig_core.vocab.principles import SHIPPED, read_principles

PRINCIPLES = read_principles(SHIPPED)
GIVEN, WITHDRAWN = date(2026, 1, 6), date(2026, 2, 1)
FAMILY, REVIEW = RecordingKind.FAMILY, RecordingKind.SHARED_REVIEW


def film(rid: str, kind: RecordingKind) -> Recording:
    return Recording(id=rid, cycle=1, title=f"Film {rid}", original_name="f.mov", imported_at=datetime(2026, 1, 6),
                     playable=f"recordings/{rid}/film.mp4", duration=40.0, fps=25.0, width=640, height=360,
                     has_audio=True, kind=kind)


def two_films(*consents: ConsentKind) -> Case:
    """A case with a film of the family ("fam") and one of its shared review ("rev"), each with a clip
    and a moment coded "child: initiative" at 2 s."""
    case = new_case("FAM-01", "Ada", date(2026, 1, 5))
    for kind in consents:
        case.consent.give(kind, GIVEN, in_writing=True)
    for rid, kind in (("fam", FAMILY), ("rev", REVIEW)):
        case.add_recording(film(rid, kind))
        case.mark_moment(rid, 2.0).set_turn(Turn.CHILD_INITIATIVE)
        case.add_clip(rid, 1.0, 5.0)
    return case


def test_turn_labels_keep_the_stored_turn_and_name_the_guider_and_the_parent_in_a_shared_review():
    assert turn_labels(FAMILY) == {t: t.value for t in Turn}
    assert turn_labels(REVIEW) == {
        Turn.CHILD_INITIATIVE: "parent: initiative", Turn.ADULT_RECEPTION: "guider: reception",
        Turn.ADULT_RESPONSE: "guider: response", Turn.CHILD_RECEPTION: "parent: reception",
        Turn.CHILD_RESPONSE: "parent: response", Turn.ADULT_INITIATIVE: "guider: initiative"}
    assert turn_label(None, REVIEW) == "" and turn_label("adult: response", "shared_review") == "guider: response"
    assert turn_from_label(" Guider:  Reception ", REVIEW) is Turn.ADULT_RECEPTION
    assert turn_from_label("adult: reception", REVIEW) is Turn.ADULT_RECEPTION  # a file in stored words
    assert turn_from_label("guider: reception", FAMILY) is None  # no guider in a film of the family
    assert turn_from_label("parent: initiative", FAMILY) is None


def test_a_shared_review_film_needs_its_own_consent_and_a_family_film_still_needs_filming():
    case = two_films(ConsentKind.FILMING)
    assert may_import(case, FAMILY) and not may_import(case, REVIEW)
    with pytest.raises(ValidationError, match="“The shared review may be filmed for my practitioner's supervision”, "
                                              "which is not on record"):
        require_import(case, REVIEW)
    case = two_films(ConsentKind.SHARED_REVIEW_FILMING)
    assert may_import(case, REVIEW) and not may_import(case, FAMILY)
    with pytest.raises(ValidationError, match="“To be filmed”"):
        require_import(case, FAMILY)
    case.consent.withdraw(ConsentKind.SHARED_REVIEW_FILMING, WITHDRAWN)
    with pytest.raises(ValidationError, match="withdrawn on 01 Feb 2026"):
        require_import(case, REVIEW)
    assert withdrawals(case) == [(ConsentKind.SHARED_REVIEW_FILMING, "No film of a shared review can be added, "
                                  "and no clip of one goes to the VIG supervisor from now on.")]


def test_an_older_case_loads_without_the_new_choice_given():
    record = to_record(Consent())
    del record["shared_review_filming"]  # as written before the choice existed
    consent = from_record(Consent, record)
    assert not consent.choice(ConsentKind.SHARED_REVIEW_FILMING).active
    assert consent.choice(ConsentKind.SHARED_REVIEW_FILMING).state == "not given"
    assert CONSENT_LABELS[ConsentKind.SHARED_REVIEW_FILMING] == (
        "The shared review may be filmed for my practitioner's supervision")


def test_a_shared_review_film_is_never_chosen_for_the_parent_nor_listed_in_looking_back():
    case = two_films(ConsentKind.FILMING, ConsentKind.SHARED_REVIEW_FILMING)
    review_clip = next(c for c in case.clips if c.recording_id == "rev")
    assert review_clip.chosen is None
    assert [c.recording_id for c in case.chosen_clips(1)] == ["fam"]
    with pytest.raises(ValidationError, match="for supervision"):
        case.choose_clip(review_clip.id, True)
    review_clip.chosen = 2  # even a record that says so is not shown to the parent
    assert [c.recording_id for c in case.chosen_clips(1)] == ["fam"]
    films = [line for entry in timeline(case) for line in entry.lines if line.startswith("Film:")]
    assert films == ["Film: Film fam"]


def test_the_supervision_pack_brings_a_shared_review_films_clips_only_under_its_consent():
    case = two_films(ConsentKind.FILMING, ConsentKind.SUPERVISOR, ConsentKind.SHARED_REVIEW_FILMING)
    family, review = (next(c for c in case.clips if c.recording_id == rid) for rid in ("fam", "rev"))
    assert may_supervise(case, case.recording("rev"))
    assert [c.id for c in pack_clips(case)] == [family.id, review.id]
    case.consent.withdraw(ConsentKind.SHARED_REVIEW_FILMING, WITHDRAWN)
    assert may_supervise(case, case.recording("fam")) and not may_supervise(case, case.recording("rev"))
    assert [c.id for c in pack_clips(case)] == [family.id]
    with pytest.raises(ValidationError, match="withdrawn on 01 Feb 2026"):
        pack_clips(case, [review.id])
    case = two_films(ConsentKind.FILMING, ConsentKind.SHARED_REVIEW_FILMING)  # no supervisor consent
    with pytest.raises(ValidationError, match="“The VIG supervisor may watch clips”"):
        require_supervision(case, case.recording("rev"))
    assert Use.SHARED_REVIEW_FILM in Use


def test_exports_name_the_turns_of_a_shared_review_film_as_guider_and_parent():
    case = two_films(ConsentKind.FILMING, ConsentKind.SUPERVISOR, ConsentKind.SHARED_REVIEW_FILMING)
    moments = table_frames(case, PRINCIPLES, {})["moments"]
    assert list(moments["turn"]) == ["child: initiative", "parent: initiative"]
    page = pack_html(case, pack_clips(case), PRINCIPLES, {c.id: c.id for c in case.clips}, GIVEN)
    assert page.count("parent: initiative") == 1 and page.count("child: initiative") == 1
    assert "a film of the shared review: the parent and the guider" in page
    eaf = build_eaf(case, "rev", PRINCIPLES, None)
    assert [value for *_, value in eaf.get_annotation_data_for_tier(TURN_TIER)] == ["parent: initiative"]
    assert [value for *_, value in build_eaf(case, "fam", PRINCIPLES, None).get_annotation_data_for_tier(
        TURN_TIER)] == ["child: initiative"]


def test_elan_coding_of_a_shared_review_film_reads_its_guider_and_parent_turns_back():
    case = two_films(ConsentKind.SHARED_REVIEW_FILMING)
    case.moments_of("rev")[0].set_turn(Turn.ADULT_RESPONSE)
    data = recording_eaf(case, "rev", PRINCIPLES, None)
    assert b"guider: response" in data
    for moment in case.moments_of("rev"):
        case.remove_moment(moment.id)
    apply_import(case, plan_import(case, "rev", read_eaf(data), PRINCIPLES))
    assert [m.turn for m in case.moments_of("rev")] == [Turn.ADULT_RESPONSE]
