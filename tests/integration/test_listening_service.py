"""Listening to a real film with a known conversation: the background job, the listening started
after an import, and the ``suggest`` command (ffmpeg, espeak-ng and sox; a subprocess for the CLI)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from conversation_films import make_film, score, tools_missing
from media_fixtures import make
from vig_core.services import listening as service
from vig_core.services.jobs import DONE, JOBS, RUNNING
from vig_core.services.recordings import file_fingerprint, import_recording, start_import

RECALL_FLOOR = 0.7  # of the answered episodes, on a one-minute film (the engine's own test holds the benchmark's)


@pytest.fixture(scope="module")
def conversation(tmp_path_factory):
    if tools_missing():
        pytest.skip(f"the conversation films need Debian's {' and '.join(tools_missing())} (python3 dev.py test "
                    "installs them)")
    return make_film(tmp_path_factory.mktemp("conversation"), "mother", minutes=1.0, seed=2)


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "vig_core", *args], check=False, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=240)


def test_the_job_hears_the_film_once_and_its_suggestions_find_the_conversation(store, case_id, conversation):
    recording = import_recording(store, case_id, 1, conversation.path)
    job = service.start_listening(store, case_id, recording.id)
    assert job is not None and job.key == service.listening_job_key(case_id, recording.id) and job.cancellable
    assert service.start_listening(store, case_id, recording.id) in (job, None)  # the same job while it runs
    JOBS.wait(job, timeout=240)
    assert job.state == DONE, job.message
    JOBS.forget(job)
    assert service.start_listening(store, case_id, recording.id) is None  # heard already

    found = service.open_suggestions(store, case_id, recording.id)
    recall, _, unanswered_suggested = score([(s.start, s.end) for s in found], conversation)
    assert recall >= RECALL_FLOOR and unanswered_suggested == 0, (found, conversation.episodes)
    figures = service.figures(store, case_id, recording.id)
    assert figures.child_initiatives >= len(conversation.episodes) and figures.answered >= 1

    moment = service.accept_suggestion(store, case_id, recording.id, found[0].key)
    case = store.load(case_id)
    assert [m.id for m in case.moments] == [moment.id] and case.clips[0].moment_id == moment.id
    assert abs(moment.time - found[0].start) <= recording.frame
    assert len(service.open_suggestions(store, case_id, recording.id)) == len(found) - 1


def test_a_film_with_sound_is_heard_after_its_import_in_a_job_of_its_own(store, case_id, conversation):
    source = conversation.path
    importing = start_import(store, case_id, 1, source, name=source.name, fingerprint=file_fingerprint(source),
                             owner="import-test")
    JOBS.wait(importing, timeout=120)
    assert importing.state == DONE, importing.message
    recording = importing.result
    JOBS.forget(importing)
    deadline = time.monotonic() + 240
    while service.heard(store, case_id, recording.id) is None and time.monotonic() < deadline:
        running = JOBS.running(service.listening_job_key(case_id, recording.id))
        assert running is not None or service.heard(store, case_id, recording.id) is not None
        time.sleep(0.2)
    assert service.open_suggestions(store, case_id, recording.id)
    for job in JOBS.of(service.listening_owner(case_id)):
        JOBS.forget(job)


def test_a_film_without_sound_is_not_listened_to_after_its_import(store, case_id, films):
    source = make("no_audio.mp4", films)
    importing = start_import(store, case_id, 1, source, name=source.name, fingerprint=file_fingerprint(source),
                             owner="import-test")
    JOBS.wait(importing, timeout=120)
    assert importing.state == DONE, importing.message
    JOBS.forget(importing)
    assert not [j for j in JOBS.of(service.listening_owner(case_id)) if j.state == RUNNING]


def test_a_cancelled_listening_keeps_nothing(store, case_id, conversation):
    recording = import_recording(store, case_id, 1, conversation.path)
    job = service.start_listening(store, case_id, recording.id)
    job.cancel()
    JOBS.wait(job, timeout=240)
    assert job.state in ("cancelled", DONE)  # a very quick machine may finish before the first report
    if job.state == "cancelled":
        assert service.heard(store, case_id, recording.id) is None
    JOBS.forget(job)


def test_the_command_line_prints_the_suggestions_and_reuses_what_it_heard(data_dir, store, case_id, conversation):
    recording = import_recording(store, case_id, 1, conversation.path)
    plain = run_cli("suggest", "--case", case_id, "--recording", recording.id, data_dir=data_dir)
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert lines and all(re.fullmatch(r"\d+\.\d\d \d+\.\d\d \d+", line) for line in lines), lines
    assert service.heard(store, case_id, recording.id) is not None  # kept for the page and the next run

    started = time.monotonic()
    as_json = run_cli("suggest", "--case", case_id, "--recording", recording.id, "--json", data_dir=data_dir)
    assert as_json.returncode == 0, as_json.stderr
    assert time.monotonic() - started < 30  # not heard again
    found = json.loads(as_json.stdout)
    assert [f"{s['start']:.2f} {s['end']:.2f} {s['turns']}" for s in found] == lines
    assert {"start", "end", "turns", "clip_start", "clip_end", "reason"} <= set(found[0])


def test_the_command_line_says_plainly_when_there_is_nothing_to_hear(data_dir, store, case_id, films):
    silent = import_recording(store, case_id, 1, make("no_audio.mp4", films))
    result = run_cli("suggest", "--case", case_id, "--recording", silent.id, data_dir=data_dir)
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "no sound" in result.stderr
    for args in (("--case", "nobody", "--recording", silent.id), ("--case", case_id, "--recording", "nothing")):
        result = run_cli("suggest", *args, data_dir=data_dir)
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_the_command_line_lists_suggest_in_its_help(data_dir):
    result = run_cli("--help", data_dir=data_dir)
    assert result.returncode == 0 and "suggest" in result.stdout
