"""Erasing a case or its films: every record and file goes, the check afterwards, the anonymous log, the CLI."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from conftest import make_case

from unit.test_cli_and_config import run_cli
from vig_core.errors import NotFoundError
from vig_core.services import lock
from vig_core.services.demo import ENDING_DEMO_FILE, ensure_demo_case
from vig_core.services.erasure import erase_case, erase_films, what_goes
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore


def every_file(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_erasing_removes_every_record_and_file_and_logs_nothing_identifying(store, data_dir):
    kept = make_case(store, "FAM-01", "Ada", carer_name="Jo")
    gone = make_case(store, "FAM-02", "Zed", carer_name="Quentin")
    store.update(gone.id, lambda c: (setattr(c, "practitioner_notes", "SECRET-NOTE"),
                                     c.add_goal("I wait for Zed", 3, c.created_on)))
    films = store.new_folder(gone.id, "recordings", "r1")
    (films / "film.mp4").write_bytes(os.urandom(2048))
    store.new_folder(gone.id, "exports", "review")
    before = every_file(data_dir)

    what = erase_case(store, gone.id, date(2026, 3, 1))
    assert what.startswith("the whole case:") and "1 goal" in what
    assert not store.exists(gone.id) and store.case_ids() == [kept.id]
    left = every_file(data_dir)
    assert not [p for p in left if gone.id in p]  # no folder, record, film or lock file of it
    assert before - left >= {f"cases/{gone.id}/case.json", f"cases/{gone.id}/recordings/r1/film.mp4"}
    with pytest.raises(NotFoundError):
        store.load(gone.id)

    (entry,) = store.deletion_log()
    assert entry == {"date": "2026-03-01", "case_code": "FAM-02", "erased": what}
    log_text = store.deletion_log_path.read_text()
    for identifying in ("Zed", "Quentin", "SECRET-NOTE", "I wait", gone.id):
        assert identifying not in log_text
    assert store.deletion_log_path.stat().st_mode & 0o077 == 0
    assert every_file(data_dir) >= {f"cases/{kept.id}/case.json"}


def test_what_goes_is_counted_without_names(store):
    case = make_case(store, "FAM-03", "Ada", carer_name="Jo")
    assert what_goes(case) == ("the whole case: 0 films, 0 moments, 0 clips, 0 answers of the parent's, "
                               "0 questionnaires, 0 goals, the conversation, consent record and notes")


def test_the_command_line_asks_for_yes_and_refuses_unknown_cases(store, data_dir):
    case = make_case(store, "FAM-04", "Ada")
    asked = run_cli("erase", "--case", case.id, data_dir=data_dir)
    assert asked.returncode == 2 and "add --yes" in asked.stderr and store.exists(case.id)
    unknown = run_cli("erase", "--case", "../cases", "--yes", data_dir=data_dir)
    assert unknown.returncode == 1 and "no case" in unknown.stderr and store.exists(case.id)
    done = run_cli("erase", "--case", case.id, "--yes", data_dir=data_dir)
    assert done.returncode == 0 and done.stdout.startswith("Erased the whole case:") and not store.exists(case.id)
    assert json.loads(store.deletion_log_path.read_text().splitlines()[-1])["case_code"] == "FAM-04"


def test_backup_and_restore_from_the_command_line(store, data_dir, tmp_path):
    case = make_case(store, "FAM-05", "Ada")
    out = tmp_path / "backup.zip"
    made = run_cli("backup", "--out", str(out), "--no-media", data_dir=data_dir)
    assert made.returncode == 0 and "without media" in made.stdout and out.is_file()
    refused = run_cli("restore", str(out), data_dir=data_dir)  # the data folder is not empty
    assert refused.returncode == 1 and "not empty" in refused.stderr and "Traceback" not in refused.stderr
    empty = tmp_path / "new-root"
    restored = run_cli("restore", str(out), data_dir=empty)
    assert restored.returncode == 0 and "Restored 1 cases" in restored.stdout
    assert CaseStore(empty).load(case.id).code == "FAM-05"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    assert run_cli("restore", str(broken), "--force", data_dir=empty).returncode == 1


@pytest.fixture
def demo(store):
    return ensure_demo_case(store, spec_file=ENDING_DEMO_FILE)


def test_erasing_the_films_keeps_the_rest_and_leaves_no_film_on_disk(store, demo, data_dir):
    case = store.load(demo)
    assert case.recordings and case.clips and case.reflections and case.ending.chosen_quotes
    folder = store.case_folder(demo)
    store.new_folder(demo, "exports", "cycle-1")
    (folder / "exports" / "cycle-1" / "clip-1.mp4").write_bytes(b"clip")
    kept = (case.conversation, case.goals, case.administrations, case.ending.what_changed)

    what = erase_films(store, demo, date(2026, 3, 1))
    assert what.startswith(f"the films: {len(case.recordings)} film")
    after = store.load(demo)
    assert (after.recordings, after.moments, after.clips, after.reflections, after.ending.chosen_quotes) == (
        [], [], [], [], [])
    assert (after.conversation, after.goals, after.administrations, after.ending.what_changed) == kept
    on_disk = {p.relative_to(folder).parts[0] for p in folder.rglob("*")}
    assert not on_disk & {"recordings", "exports", "uploads"}
    assert not [p for p in folder.rglob("*") if p.suffix in (".mp4", ".png", ".jpg", ".mov")]
    assert store.deletion_log()[-1] == {"date": "2026-03-01", "case_code": case.code, "erased": what}
    assert store.activity(demo)[-1]["action"] == "erased"


def test_erasing_films_from_the_command_line_needs_yes(store, demo, data_dir):
    asked = run_cli("erase", "--case", demo, "--films-only", data_dir=data_dir)
    assert asked.returncode == 2 and "Would erase the films" in asked.stderr and store.load(demo).recordings
    done = run_cli("erase", "--case", demo, "--films-only", "--yes", data_dir=data_dir)
    assert done.returncode == 0 and done.stdout.startswith("Erased the films:")
    assert store.exists(demo) and not store.load(demo).recordings


def test_a_case_bundle_from_the_command_line(store, demo, data_dir, tmp_path):
    out = tmp_path / "family.zip"
    done = run_cli("export-case", "--case", demo, "--out", str(out), "--no-media", data_dir=data_dir)
    assert done.returncode == 0 and "without media" in done.stdout and out.is_file()
    again = run_cli("export-case", "--case", demo, "--out", str(out), data_dir=data_dir)
    assert again.returncode == 1 and "already a file" in again.stderr and "Traceback" not in again.stderr
    assert store.activity(demo)[-1]["action"] == "exported"


def test_a_forgotten_passphrase_can_be_removed_from_the_command_line(data_dir):
    settings = SettingsStore(data_dir)
    lock.set_passphrase(settings, "quiet river morning", "quiet river morning")
    assert run_cli("remove-passphrase", data_dir=data_dir).returncode == 2 and lock.has_passphrase(settings)
    assert run_cli("remove-passphrase", "--yes", data_dir=data_dir).returncode == 0
    assert not lock.has_passphrase(settings)
