"""Before and after with the films' turn-taking, headless: the practitioner sees it cycle by cycle,
the family in client view never does, and a case with nothing heard says so in a sentence."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from apptest.helpers import messages, open_app, screen_text
from apptest.test_review_pages import client_view
from conftest import make_case
from vig_core.case.film import Recording
from vig_core.case.voices import LISTENING_VERSION, Listening, Stretch, voice_boundary
from vig_core.printables.outcome_chart import ANSWERED_TRACE, TURNS_TRACE
from vig_core.storage.listening import ListeningRecord, listening_path, save_listening
from vig_core.ui.outcomes import NOT_HEARD_YET

CHILD, MOTHER = 320.0, 215.0


def said(start: float, end: float, pitch: float) -> Stretch:
    return Stretch(start, end, pitch, voiced=0.9)


def recording(rid: str, cycle: int) -> Recording:
    return Recording(id=rid, cycle=cycle, title=f"Play {rid}", original_name="play.mov",
                     imported_at=datetime(2026, 1, 6), playable=f"recordings/{rid}/film.mp4", duration=120.0,
                     fps=25, width=640, height=360, has_audio=True)


def hear(store, case_id: str, rid: str, stretches: list[Stretch], duration: float) -> None:
    listening = Listening(version=LISTENING_VERSION, duration=duration, stretches=stretches,
                          boundary_hz=voice_boundary(stretches))
    save_listening(store, case_id, rid, ListeningRecord(listening))


@pytest.fixture
def family(store):
    """Two films in cycle 1 (one heard), one in cycle 2 (heard), none heard in cycle 3's film."""
    case_id = make_case(store, "FAM-20", "Ada").id
    for rid, cycle in [("one", 1), ("two", 1), ("three", 2), ("four", 3)]:
        store.update(case_id, lambda c, rid=rid, cycle=cycle: c.add_recording(recording(rid, cycle)))
        store.new_folder(case_id, "recordings", rid)
    return case_id


def turn_taking_chart(at) -> dict | None:
    found = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    charts = [f for f in found if f["layout"].get("meta", {}).get("figure") == "turn-taking"]
    assert len(charts) <= 1
    return charts[0] if charts else None


def test_the_practitioner_sees_turn_taking_by_cycle_and_the_family_never_does(store, data_dir, family):
    # cycle 1: one child initiative answered, one not, in one minute; cycle 2: both answered, with more turns
    hear(store, family, "one", [said(10.0, 10.5, CHILD), said(11.0, 12.0, MOTHER), said(30.0, 30.5, CHILD)], 60.0)
    hear(store, family, "three", [said(5.0, 5.5, CHILD), said(6.0, 7.0, MOTHER), said(7.5, 8.0, CHILD),
                                  said(20.0, 20.5, CHILD), said(21.0, 22.0, MOTHER)], 60.0)
    at = open_app(family, "pages/outcomes.py")
    chart = turn_taking_chart(at)
    assert chart is not None
    traces = {t["name"]: t for t in chart["data"]}
    assert traces[TURNS_TRACE]["x"] == ["Cycle 1", "Cycle 2"]  # cycle 3's film not heard: no point
    assert traces[TURNS_TRACE]["y"] == [1, 3]
    assert traces[ANSWERED_TRACE]["y"] == [50, 100]
    text = screen_text(at)
    assert "Turn-taking in the films" in text
    assert "process indicator" in text and "not a validated measure" in text
    assert NOT_HEARD_YET not in text

    client_view(data_dir, family)
    at = open_app(family, "pages/outcomes.py")
    assert turn_taking_chart(at) is None
    text = screen_text(at)
    for private in ("Turn-taking", "process indicator", "listened to", "Micro-analysis"):
        assert private not in text


def test_a_case_with_no_film_heard_says_so_plainly(store, family):
    at = open_app(family, "pages/outcomes.py")
    assert turn_taking_chart(at) is None
    assert NOT_HEARD_YET in screen_text(at)


def test_a_damaged_result_is_named_and_the_others_still_drawn(store, family):
    hear(store, family, "three", [said(5.0, 5.5, CHILD), said(6.0, 7.0, MOTHER)], 60.0)
    listening_path(store, family, "one").write_text('{"listening": 3}')
    at = open_app(family, "pages/outcomes.py")
    assert "“Play one”: The file listening.json of a film is damaged" in " ".join(messages(at, "warning"))
    chart = turn_taking_chart(at)
    assert [t["x"] for t in chart["data"]] == [["Cycle 2"], ["Cycle 2"]]
