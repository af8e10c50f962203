"""Erasing a case or its films through the command line, and erasing the demo case's films:
every record and file goes, the check afterwards, the anonymous log."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import make_case
from integration.test_cli import run_cli
from vig_core.services import lock
from vig_core.services.demo import ENDING_DEMO_FILE, ensure_demo_case
from vig_core.services.erasure import erase_films
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore


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


def test_an_older_installations_forgotten_passphrase_can_be_removed_from_the_command_line(data_dir):
    """Before the vault a passphrase was only a hash in the settings (a vault needs its passphrase
    or recovery code to be removed: tests/integration/test_cli_vault.py)."""
    settings = SettingsStore(data_dir)
    settings.set(lock.PASSPHRASE_HASH, lock._hasher.hash("quiet river morning"))
    assert run_cli("remove-passphrase", data_dir=data_dir).returncode == 2 and lock.has_passphrase(settings)
    assert run_cli("remove-passphrase", "--yes", data_dir=data_dir).returncode == 0
    assert not lock.has_passphrase(settings)
