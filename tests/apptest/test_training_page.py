"""My VIG training, headless: the demo's reviewed cycles counted, a supervision session added (once
per press, with its errors beside the button), removed only after a confirmation, the stage set,
the record downloaded as CSV and as a page with case codes and no family's names, an own
requirements file checked, and the page out of client view's reach."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from apptest.helpers import messages, open_app, screen_text
from conftest import make_case
from vig_core.case.cycles import CycleStatus
from vig_core.storage.training import load_training
from vig_core.ui import session
from vig_core.vocab.training_requirements import OWN_REQUIREMENTS

PAGE = "pages/training.py"
TODAY = date.today()


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The downloads the page offers, by file name, with their bytes."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, data, mimetype, kind, filename=None):
        if filename:
            files[filename] = data if isinstance(data, bytes) else data.encode()
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return files


def progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def add_session(at, supervisor="Dr Ann Lee", minutes=90, codes="DEMO-2", notes="", on=None):
    if on is not None:
        at.date_input(key="sup-date").set_value(on)
    at.text_input(key="sup-supervisor").input(supervisor)
    at.number_input(key="sup-minutes").set_value(minutes)
    at.text_input(key="sup-codes").input(codes)
    at.text_area(key="sup-notes").input(notes)
    return at.button(key="add-supervision").click().run()


def test_the_demo_reviewed_cycles_are_counted_and_a_session_adds_supervision(data_dir, demo, downloads):
    at = open_app(None, PAGE)
    assert [t.value for t in at.title] == ["My VIG training"]
    # DEMO-2 (the ending family) has three complete cycles; DEMO-1 none yet. No start date: all count.
    assert progress_texts(at) == ["Cycles with a shared review: 3 of 6", "New clients: 1 of 2",
                                  "Supervision: 0 h of 7 h"]
    assert "DEMO-2 (fictional)" in screen_text(at)

    at = add_session(at, supervisor="Dr Ann Lee", notes="We looked at Mia's turn-taking with Sam.")
    assert not at.exception and "The session is added." in messages(at, "success")
    (kept,) = load_training(data_dir).sessions
    assert (kept.supervisor, kept.minutes, kept.case_codes) == ("Dr Ann Lee", 90, ("DEMO-2",))
    assert progress_texts(at)[2] == "Supervision: 1.5 h of 7 h"
    assert at.text_input(key="sup-supervisor").value == ""  # the form is ready for the next one

    # The downloads: case codes, the counts, and no family's name even where the notes typed one.
    csv = downloads[f"vig-training-record-{TODAY.isoformat()}.csv"].decode("utf-8-sig")
    page = downloads[f"vig-training-record-{TODAY.isoformat()}.html"].decode()
    for text in (csv, page):
        assert "DEMO-2" in text and "Dr Ann Lee" in text
        for name in ("Mia", "Sam", "Leo", "Alex"):  # the demo families' names
            assert name not in text, name
    assert "Cycles with a shared review,,3,6" in csv and "Supervision (hours),,1.5,7" in csv
    assert "[DEMO-1 (fictional) child]" in csv  # Mia is DEMO-1's child
    assert "<script" not in page and "Cycles with a shared review" in page


def test_a_double_press_adds_one_session_and_a_refused_one_says_why_beside_the_button(data_dir):
    session.forget_presses()
    at = open_app(None, PAGE)
    for _ in range(2):  # the second click of a double click still carries the same words
        at = add_session(at, codes="FAM-01")
    assert len(load_training(data_dir).sessions) == 1
    session.forget_presses()  # as if a few seconds had passed: the same words again are a second session
    at = add_session(at, codes="FAM-01")
    assert len(load_training(data_dir).sessions) == 2

    at = add_session(open_app(None, PAGE), supervisor="   ", codes="FAM-02")
    assert any("supervisor's name cannot be empty" in m for m in messages(at))
    at = add_session(open_app(None, PAGE), supervisor="Ann", minutes=30, codes="FAM\u200b-03")
    assert any("invisible" in m for m in messages(at))
    assert len(load_training(data_dir).sessions) == 2


def test_a_session_is_removed_only_after_a_confirmation(data_dir):
    at = add_session(open_app(None, PAGE), codes="FAM-01")
    (kept,) = load_training(data_dir).sessions
    at.button(key=f"remove-sup-{kept.id}").click().run()
    assert len(load_training(data_dir).sessions) == 1  # asking is not removing
    assert any("cannot be undone" in m for m in messages(at, "warning"))
    at.button(key=f"remove-sup-{kept.id}-yes").click().run()
    assert load_training(data_dir).sessions == []


def test_the_stage_start_decides_what_counts(store, data_dir):
    case = make_case(store, "FAM-01", today=TODAY - timedelta(days=200))

    def review(c, number, days_ago):
        cycle = c.cycle(number)
        cycle.status, cycle.review_date = CycleStatus.REVIEWED, TODAY - timedelta(days=days_ago)
        cycle.filming_date = cycle.review_date

    store.update(case.id, lambda c: (review(c, 1, 100), review(c, 2, 10)))
    at = open_app(None, PAGE)
    assert progress_texts(at)[:2] == ["Cycles with a shared review: 2 of 6", "New clients: 1 of 2"]
    at.selectbox(key="training-stage").set_value(2)
    at.date_input(key="training-started").set_value(TODAY - timedelta(days=30))
    at.button(key="training-stage-save").click().run()
    assert not at.exception
    assert (load_training(data_dir).stage, load_training(data_dir).stage_started) == (2, TODAY - timedelta(days=30))
    # FAM-01's first review was before stage 2 began: one cycle counts, no new client.
    assert progress_texts(at)[:2] == ["Cycles with a shared review: 1 of 9", "New clients: 0 of 3"]


def test_the_reflection_is_kept_per_stage(data_dir):
    at = open_app(None, PAGE)
    at.text_area(key="training-reflection-1").input("Waiting longer before naming.")
    at.button(key="save-reflection").click().run()
    assert load_training(data_dir).reflections == {1: "Waiting longer before naming."}
    at.selectbox(key="training-stage").set_value(2)
    at.button(key="training-stage-save").click().run()
    assert at.text_area(key="training-reflection-2").value == ""  # stage 1's words stay with stage 1
    at.text_area(key="training-reflection-2").input("Deepening the discussion.")
    at.button(key="save-reflection").click().run()
    assert load_training(data_dir).reflections == {1: "Waiting longer before naming.", 2: "Deepening the discussion."}


def test_an_own_requirements_file_is_checked_and_a_malformed_one_changes_nothing(data_dir):
    at = open_app(None, PAGE)
    bad = json.dumps({"stages": [{"stage": 1, "cycles": 0, "new_clients": 1, "supervision_hours": 4}]}).encode()
    at.file_uploader(key="requirements-upload").set_value(("mine.json", bad, "application/json")).run()
    at.button(key="use-requirements").click().run()
    assert any("“cycles” must be between 1 and" in m for m in messages(at))
    assert not (data_dir / OWN_REQUIREMENTS).exists()
    assert progress_texts(at)[0] == "Cycles with a shared review: 0 of 6"

    good = json.dumps({"stages": [{"stage": 1, "cycles": 4, "new_clients": 1, "supervision_hours": 4}]}).encode()
    at.file_uploader(key="requirements-upload").set_value(("mine.json", good, "application/json")).run()
    at.button(key="use-requirements").click().run()
    assert (data_dir / OWN_REQUIREMENTS).is_file()
    assert progress_texts(at)[0] == "Cycles with a shared review: 0 of 4"


def test_the_page_is_in_the_practitioner_sidebar_and_out_of_client_views_reach(store, data_dir):
    case = make_case(store)
    at = open_app(case.id)
    assert "My VIG training" in screen_text(at)
    at.sidebar.button[0].click().run()  # "Client view"
    assert "My VIG training" not in screen_text(open_app())
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app().switch_page(PAGE)


def test_a_damaged_record_is_one_plain_sentence_on_the_page(data_dir):
    open_app()  # makes the data folder
    (data_dir / "training.json").write_text('{"stage": "two"}', encoding="utf-8")
    at = open_app(None, PAGE)
    assert any("Your training record cannot be read" in m and "restore it from a backup" in m for m in messages(at))
    assert "Traceback" not in screen_text(at)
