"""Background jobs: progress, plain failures, and being shown once."""

from __future__ import annotations

import threading

import pytest

from vig_core.errors import ValidationError
from vig_core.services.jobs import CANCELLED, DONE, FAILED, UNEXPECTED, Job, JobBusy, Jobs


def test_a_job_reports_progress_and_its_result():
    jobs, gate = Jobs(), threading.Event()

    def work(report):
        report(0.5)
        gate.wait(5)
        return "made"

    job = jobs.start("case-1", "Preparing film", work)
    while job.fraction < 0.5:
        pass
    assert jobs.of("case-1") == [job] and jobs.of("case-2") == []
    assert job.status_text().startswith("Preparing film: 50%")
    gate.set()
    jobs.wait(job)
    assert (job.state, job.result, job.fraction) == (DONE, "made", 1.0)
    jobs.forget(job)
    assert jobs.of("case-1") == []


def test_failures_become_plain_sentences():
    jobs = Jobs()

    def refuse(_report):
        raise ValidationError("No filming consent.")

    def crash(_report):
        raise KeyError("internal detail")

    plain, odd = jobs.wait(jobs.start("c", "a", refuse)), jobs.wait(jobs.start("c", "b", crash))
    assert (plain.state, plain.message) == (FAILED, "No filming consent.")
    assert (odd.state, odd.message) == (FAILED, UNEXPECTED) and "internal" not in odd.message


def test_time_left_is_estimated_from_the_rate_so_far():
    job = Job(id="j", owner="c", label="x", started=100.0)
    assert job.seconds_left(now=110) is None  # nothing done yet
    job.report(0.25)
    job.report(0.1)  # progress never goes backwards
    assert job.fraction == 0.25 and job.seconds_left(now=110) == 30


def test_a_second_job_on_the_same_thing_is_refused_while_the_first_runs():
    jobs, gate = Jobs(), threading.Event()
    first = jobs.start("case-1", "Importing “a.mp4”", lambda _report: gate.wait(5), key="import a")
    try:
        with pytest.raises(JobBusy):
            jobs.start("case-1", "Importing “a.mp4”", lambda _report: None, key="import a")
        assert jobs.running("import a") is first and jobs.running("import b") is None
        other = jobs.start("case-1", "Importing “b.mp4”", lambda _report: None, key="import b")  # another file
    finally:
        gate.set()
    jobs.wait(first), jobs.wait(other)
    assert jobs.running("import a") is None
    jobs.wait(jobs.start("case-1", "Importing “a.mp4”", lambda _report: None, key="import a"))  # again, once done


def stoppable(gate: threading.Event, after: list[str]):
    def work(report):
        report(0.1)
        gate.wait(5)
        report(0.2)  # the first report after the request to stop: the work ends here
        after.append("went on")
        return "made"
    return work


def test_a_cancellable_job_stops_at_its_next_report_and_says_so():
    jobs, gate, after = Jobs(), threading.Event(), []
    job = jobs.start("c", "Reading “coding.eaf”", stoppable(gate, after), cancellable=True)
    while job.fraction < 0.1:
        pass
    job.cancel()
    gate.set()
    jobs.wait(job)
    assert (job.state, job.result, after, job.message) == (CANCELLED, None, [], "")
    job.cancel()  # too late: nothing changes
    assert job.state == CANCELLED


def test_a_job_not_made_to_stop_midway_goes_on_when_asked_to():
    jobs, gate, after = Jobs(), threading.Event(), []
    job = jobs.start("c", "Importing “a.mp4”", stoppable(gate, after))
    job.cancel()
    gate.set()
    jobs.wait(job)
    assert (job.state, job.result, after) == (DONE, "made", ["went on"])
