"""The command line (``python -m vig_core``), each command run as a real process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from vig_core.case.cycles import Stage
from vig_core.storage.store import CaseStore


def run_cli(*args, data_dir):
    env = {**os.environ, "VIG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "vig_core", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def test_demo_is_created_once_and_prints_its_id(data_dir):
    first, second = run_cli("demo", data_dir=data_dir), run_cli("demo", data_dir=data_dir)
    assert first.returncode == second.returncode == 0
    case_id = first.stdout.strip()
    assert second.stdout.strip() == case_id
    store = CaseStore(data_dir)
    assert store.case_ids() == [case_id, "demo-ending"]
    demo = store.load(case_id)
    assert demo.is_demo and "fictional" in demo.code
    assert demo.consent.filming.active and demo.consent.supervisor.active
    assert not demo.consent.training.active
    assert demo.stage is Stage.CYCLES and demo.step == "cycle 1: shared review"
    assert len(demo.goals) == 2 and all(len(g.ratings) == 2 for g in demo.goals)
    assert demo.conversation.helping_question.startswith("How can I help")
    (film,) = demo.recordings
    assert film.cycle == 1 and film.duration == 40 and store.media_path(case_id, film.playable).is_file()
    assert [a.time_point.value for a in demo.administrations] == ["baseline"]
    ending = store.load("demo-ending")  # the second family: at the ending, with before and after
    assert ending.is_demo and ending.stage is Stage.ENDING and ending.cycles_done == 3
    assert sorted((a.instrument_id, a.time_point.value) for a in ending.administrations if a.done) == [
        ("parent-check-in", "baseline"), ("parent-check-in", "end"), ("wemwbs", "baseline"), ("wemwbs", "end")]
    assert all(len(g.ratings) == 4 for g in ending.goals) and len(ending.ending.chosen_quotes) == 4
    assert len(demo.moments) == 5 and all(m.principles and m.turn and m.note for m in demo.moments)
    assert [c.title for c in demo.chosen_clips(1)] == [
        "You waited, and Mia showed you", "Taking turns with the bricks", "Laughing together"]


def test_help_and_bad_usage(data_dir):
    assert run_cli("--help", data_dir=data_dir).returncode == 0
    assert "demo" in run_cli("--help", data_dir=data_dir).stdout
    bad = run_cli("frobnicate", data_dir=data_dir)
    assert bad.returncode != 0 and "invalid choice" in bad.stderr


def test_data_dir_defaults_outside_the_source_tree(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VIG_DATA_DIR"}
    out = subprocess.run([sys.executable, "-m", "vig_core", "data-dir"], capture_output=True, text=True,
                         env={**env, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}, cwd=ROOT)
    assert out.returncode == 0
    assert not out.stdout.strip().startswith(str(ROOT))


def test_unwritable_data_dir_is_a_plain_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = run_cli("demo", data_dir=blocker / "sub")
    assert out.returncode == 1 and out.stderr.startswith("Error: ") and "Traceback" not in out.stderr


def test_import_recording_prints_the_id_or_one_line_why_not(data_dir, tmp_path):
    from datetime import date

    from media_fixtures import make
    from vig_core.case.consent import ConsentKind
    from vig_core.case.record import new_case

    store = CaseStore(data_dir)
    case = new_case("CLI", "Ada", date(2026, 1, 5))
    case.consent.give(ConsentKind.FILMING, date(2026, 1, 5))
    store.create(case)
    good = run_cli("import-recording", "--case", case.id, "--cycle", "2", str(make("h264_aac.mp4", tmp_path)),
                   data_dir=data_dir)
    assert good.returncode == 0, good.stderr
    (recording,) = store.load(case.id).recordings
    assert good.stdout.strip() == recording.id and recording.cycle == 2

    bad = run_cli("import-recording", "--case", case.id, str(make("random.mp4", tmp_path)), data_dir=data_dir)
    assert bad.returncode != 0 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "random.mp4" in bad.stderr
    assert len(store.load(case.id).recordings) == 1
    assert len(list((store.case_folder(case.id) / "recordings").iterdir())) == 1


def test_export_clips_writes_the_demo_clips_and_film(data_dir):
    import av

    case_id = run_cli("demo", data_dir=data_dir).stdout.strip()
    result = run_cli("export-clips", "--case", case_id, "--cycle", "1", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    clips = [p for p in paths if p.name.startswith("clip-") and p.suffix == ".mp4"]
    film = [p for p in paths if p.name == "cycle-1-film.mp4"]
    assert len(clips) == 3 and len(film) == 1 and all(p.is_file() for p in paths)
    assert len([p for p in paths if p.suffix == ".png"]) == 6  # first and last frame of each clip
    with av.open(str(film[0])) as container:
        assert float(container.duration / av.time_base) == pytest.approx(3 * 6 + 3 * 2, abs=0.1)
    case = CaseStore(data_dir).load(case_id)
    assert [c.exported for c in case.chosen_clips(1)] == [f"exports/cycle-1/{p.name}" for p in clips]
    nothing = run_cli("export-clips", "--case", case_id, "--cycle", "2", data_dir=data_dir)
    assert nothing.returncode == 1 and "No clips are chosen for cycle 2" in nothing.stderr


def test_validate_instrument_prints_ok_or_each_problem(data_dir, tmp_path):
    from unit.test_scoring import check_in

    good = tmp_path / "mini.json"
    good.write_text(json.dumps(check_in()))
    result = run_cli("validate-instrument", str(good), data_dir=data_dir)
    assert (result.returncode, result.stdout) == (0, "OK\n")
    bad = tmp_path / "mini-bad.json"
    bad.write_text(json.dumps(check_in(id="mini-bad", kind="quiz", reliability=2)))
    result = run_cli("validate-instrument", str(bad), data_dir=data_dir)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "mini-bad.json: “kind” must be one of items, score-entry.",
        "mini-bad.json: “reliability” must be a number between 0 and 1.",
    ]
    missing = run_cli("validate-instrument", str(tmp_path / "nope.json"), data_dir=data_dir)
    assert missing.returncode == 1 and "could not be read" in missing.stdout


def test_a_shared_review_film_is_imported_only_with_its_consent_and_listed_with_its_kind(data_dir, tmp_path):
    from datetime import date

    from media_fixtures import make
    from vig_core.case.consent import ConsentKind
    from vig_core.case.film import RecordingKind
    from vig_core.case.record import new_case

    store = CaseStore(data_dir)
    case = new_case("CLI", "Ada", date(2026, 1, 5))
    case.consent.give(ConsentKind.FILMING, date(2026, 1, 5))
    store.create(case)
    source = make("h264_aac.mp4", tmp_path)
    assert run_cli("recordings", "--case", case.id, data_dir=data_dir).stdout == ""
    refused = run_cli("import-recording", "--case", case.id, "--kind", "shared-review", str(source), data_dir=data_dir)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "The shared review may be filmed" in refused.stderr
    assert store.load(case.id).recordings == []

    store.update(case.id, lambda c: c.consent.give(ConsentKind.SHARED_REVIEW_FILMING, date(2026, 1, 6)))
    family = run_cli("import-recording", "--case", case.id, "--cycle", "1", str(source), data_dir=data_dir)
    review = run_cli("import-recording", "--case", case.id, "--cycle", "1", "--kind", "shared-review", str(source),
                     data_dir=data_dir)
    assert family.returncode == review.returncode == 0, review.stderr
    kinds = {r.id: r.kind for r in store.load(case.id).recordings}
    assert kinds == {family.stdout.strip(): RecordingKind.FAMILY, review.stdout.strip(): RecordingKind.SHARED_REVIEW}

    store.update(case.id, lambda c: setattr(c.recording(review.stdout.strip()), "title", "Review\twith\nbreaks"))
    listed = run_cli("recordings", "--case", case.id, data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [f"{family.stdout.strip()}\t1\tfamily\th264_aac",
                                          f"{review.stdout.strip()}\t1\tshared-review\tReview with breaks"]
    unknown = run_cli("recordings", "--case", "no-such-case", data_dir=data_dir)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr == "Error: there is no case 'no-such-case'.\n"

    # A shared review's voices are the parent's and the practitioner's: nothing to suggest, said plainly.
    heard = run_cli("suggest", "--case", case.id, "--recording", review.stdout.strip(), data_dir=data_dir)
    assert heard.returncode == 1 and heard.stdout == "" and "Traceback" not in heard.stderr
    assert "film of a shared review" in heard.stderr and len(heard.stderr.splitlines()) == 1


def test_a_reader_that_stops_early_gets_no_traceback(data_dir):
    """``python -m vig_core data-dir | true``: the pipe closes under the command; no traceback for that."""
    env = {**os.environ, "VIG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line: every write fails
    try:
        done = subprocess.run([sys.executable, "-m", "vig_core", "data-dir"], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, env=env, cwd=ROOT, timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
