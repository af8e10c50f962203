"""Erasing a case: every record and file goes, the count of what goes, the anonymous log.
Erasing films (the demo film) and the command line are in tests/integration/test_erasure.py."""

from __future__ import annotations

import os
from datetime import date

import pytest

from conftest import make_case
from vig_core.errors import NotFoundError
from vig_core.services.erasure import erase_case, what_goes


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
