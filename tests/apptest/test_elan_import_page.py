"""Bringing coding back from ELAN on the Exports page: the file is read in the background with progress and a
Cancel button; what it would add is shown, and added only on confirmation; Cancel stops it with nothing added."""

from __future__ import annotations

import threading

import pytest

from apptest.helpers import messages, open_app, unescaped
from vig_core.case.film import Recording
from vig_core.exports import elan_import, elan_read
from vig_core.exports.elan import recording_eaf
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS
from vig_core.vocab.principles import load_principles


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


@pytest.fixture
def coding_file(store, demo) -> bytes:
    """The demo film's coding as ELAN has it; the case's moments are then taken away."""
    case = store.load(demo)
    data = recording_eaf(case, case.recordings[0].id, load_principles(store.root)[0], None)
    store.update(demo, lambda c: setattr(c, "moments", []))
    return data


@pytest.fixture
def held(monkeypatch) -> threading.Event:
    """Reading any ELAN file reports some progress, then waits until the test lets it go on."""
    gate, real = threading.Event(), elan_import.read_and_plan

    def slow(case, recording_id, data, principles, report):
        report(0.25)
        gate.wait(10)
        return real(case, recording_id, data, principles, report)

    monkeypatch.setattr(elan_import, "read_and_plan", slow)
    yield gate
    gate.set()


def upload(at, data: bytes, round_: int = 0):
    return at.file_uploader(key=f"elan-file-{round_}").set_value(("coding.eaf", data, "application/xml")).run()


def the_job(at):
    [job] = JOBS.of(at.session_state["elan-work"])
    return job


def test_the_file_is_read_in_the_background_with_progress_then_added_on_confirmation(store, demo, coding_file,
                                                                                     held):
    at = upload(open_app(demo, "pages/exports.py"), coding_file)
    job = the_job(at)  # the page's run ended while the file is still being read
    assert [unescaped(p.proto.text) for p in at.get("progress")] == ["Reading “coding.eaf”: 25%"]
    assert at.button(key=f"cancel-{job.id}").label == "Cancel"
    assert not [b for b in at.button if b.key == "elan-apply"]  # nothing to confirm yet
    held.set()
    JOBS.wait(job)
    at.run()
    assert "5 new moments." in messages(at, "info") and store.load(demo).moments == []
    at.button(key="elan-apply").click().run()
    assert "Added from ELAN: 5 new moments." in messages(at, "success")
    assert len(store.load(demo).moments) == 5
    assert at.file_uploader(key="elan-file-1").value is None  # the uploader is empty again


def test_cancel_stops_the_reading_and_nothing_is_added(store, demo, coding_file, held):
    at = upload(open_app(demo, "pages/exports.py"), coding_file)
    job = the_job(at)
    at.button(key=f"cancel-{job.id}").click().run()
    assert at.button(key=f"cancel-{job.id}").disabled  # pressed once: it is stopping
    held.set()
    JOBS.wait(job)
    at.run()
    assert job.state == "cancelled" and job.result is None
    assert "Stopped reading the ELAN file; nothing was added." in messages(at, "info")
    assert not [b for b in at.button if b.key == "elan-apply"] and not at.get("progress")
    assert at.file_uploader(key="elan-file-1").value is None and JOBS.of(at.session_state["elan-work"] or "") == []
    assert store.load(demo).moments == []
    at.run()  # and it is not read again
    assert not at.get("progress") and store.load(demo).moments == []


def test_a_file_that_cannot_be_read_is_said_plainly_once_read(demo, coding_file):
    at = upload(open_app(demo, "pages/exports.py"), b"<not-elan/>")
    for job in JOBS.of(at.session_state["elan-work"]):
        JOBS.wait(job)
    at.run()
    assert messages(at) == [elan_read.NOT_ELAN] and not at.exception


def test_choosing_another_recording_while_reading_stops_the_first_reading(store, demo, coding_file, held):
    first = store.load(demo).recordings[0]
    store.update(demo, lambda c: c.add_recording(Recording(**{**vars(first), "id": "second", "title": "Lunch"})))
    at = upload(open_app(demo, "pages/exports.py"), coding_file)
    job = the_job(at)
    at.selectbox(key="elan-recording").set_value("second").run()
    assert job.stopping and job not in JOBS.of(job.owner)  # stopped and forgotten
    assert the_job(at) is not job and at.session_state["elan-work"].startswith(f"elan-{demo}-second-")
