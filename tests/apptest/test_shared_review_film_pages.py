"""A film of a shared review on the pages: its consent on the Consent page, importing one on
Recordings, and the guider's and the parent's turns on Micro-analysis (issue 22)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from apptest.helpers import messages, open_app
from apptest.test_film_pages import finish_jobs
from conftest import make_case
from media_fixtures import make
from vig_core.case.consent import ConsentKind
from vig_core.case.film import RecordingKind, Turn
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS

LABEL = "The shared review may be filmed for my practitioner's supervision"
KIND = ConsentKind.SHARED_REVIEW_FILMING


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def test_the_consent_page_shows_and_records_the_shared_review_choice(store):
    case = make_case(store)
    at = open_app(case.id, "pages/consent.py")
    assert f"**{LABEL}**" in [m.value for m in at.markdown]
    at.button(key=f"give-{KIND}").click().run()
    assert not at.exception
    assert store.load(case.id).consent.choice(KIND).active
    assert not store.load(case.id).consent.filming.active  # only the choice pressed
    assert at.button(key=f"withdraw-{KIND}")


def test_recordings_imports_a_shared_review_film_only_with_its_consent(store, tmp_path):
    case = make_case(store)
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    film = make("h264_aac.mp4", tmp_path)
    at = open_app(case.id, "pages/recordings.py")
    kind = at.radio(key=f"rec-kind-{case.id}")
    assert kind.value is RecordingKind.FAMILY and kind.options == [
        "The family (parent and child)", "A shared review (me and the parent)"]
    kind.set_value(RecordingKind.SHARED_REVIEW).run()
    at.text_input(key=f"local-path-{case.id}").input(str(film)).run()
    at.button(key=f"import-local-{case.id}").click().run()
    assert any(f"needs the consent “{LABEL}”, which is not on record" in m for m in messages(at))
    assert JOBS.of(f"import-local-{case.id}") == [] and store.load(case.id).recordings == []

    store.update(case.id, lambda c: c.consent.give(KIND, date(2026, 1, 6)))
    at = open_app(case.id, "pages/recordings.py")
    at.radio(key=f"rec-kind-{case.id}").set_value(RecordingKind.SHARED_REVIEW).run()
    at.text_input(key=f"local-path-{case.id}").input(str(film)).run()
    at.button(key=f"import-local-{case.id}").click().run()
    assert any("done" in m for m in finish_jobs(at, f"import-local-{case.id}", "success"))
    (recording,) = store.load(case.id).recordings
    assert recording.kind is RecordingKind.SHARED_REVIEW
    assert "**Cycle 1** · film of a shared review" in [m.value for m in at.markdown]


def test_with_only_the_shared_review_consent_the_form_offers_that_kind_first(store):
    case = make_case(store)
    store.update(case.id, lambda c: c.consent.give(KIND, date(2026, 1, 6)))
    at = open_app(case.id, "pages/recordings.py")
    assert at.radio(key=f"rec-kind-{case.id}").value is RecordingKind.SHARED_REVIEW
    assert not messages(at, "warning")


def turn_options(store, case_id: str):
    moment = next(m for m in store.load(case_id).moments if m.turn is Turn.CHILD_INITIATIVE)
    at = open_app(case_id, "pages/analysis.py")
    at.button(key=f"moment-{moment.id}").click().run()
    assert not at.exception
    box = at.selectbox(key=f"turn-{moment.id}")
    assert box.value == Turn.CHILD_INITIATIVE.value  # stored as it always was
    return box.options, at


def test_micro_analysis_names_the_turns_by_the_films_kind(store, demo):
    options, at = turn_options(store, demo)
    assert options == ["—", "child: initiative", "adult: reception", "adult: response", "child: reception",
                       "child: response", "adult: initiative"]
    assert not any("the voices are the parent's" in c.value for c in at.caption)
    film = store.load(demo).recordings[0]
    store.update(demo, lambda c: c.recordings.__setitem__(0, replace(film, kind=RecordingKind.SHARED_REVIEW)))
    options, at = turn_options(store, demo)
    assert options == ["—", "parent: initiative", "guider: reception", "guider: response", "parent: reception",
                       "parent: response", "guider: initiative"]
    assert any("the voices are the parent's and yours" in c.value for c in at.caption)
    assert "listen" not in [b.key for b in at.button]  # no suggestions from a child's voice that is not there


def test_a_shared_review_films_clips_are_never_offered_for_the_parents_review(store, demo):
    at = open_app(demo, "pages/clips.py")
    clips = store.load(demo).clips
    assert all(at.checkbox(key=f"chosen-{c.id}") for c in clips)
    film = store.load(demo).recordings[0]
    store.update(demo, lambda c: c.recordings.__setitem__(0, replace(film, kind=RecordingKind.SHARED_REVIEW)))
    at = open_app(demo, "pages/clips.py")
    assert not at.exception
    assert not [b for b in at.checkbox if str(b.key).startswith("chosen-")]
    assert sum("for supervision, not for the parent" in c.value for c in at.caption) == len(clips)
    assert any("No clip is chosen yet" in m for m in messages(at, "warning"))
    at = open_app(demo, "pages/review.py")
    assert not at.exception and "No clips are chosen for a shared review yet." in [m.value for m in at.info]
