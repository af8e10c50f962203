"""The case's activity log: every change noted by which parts changed, never the text itself."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import make_case
from vig_core.case import activity
from vig_core.case.consent import ConsentKind
from vig_core.errors import ValidationError
from vig_core.storage.layout import ACTIVITY_LOG
from vig_core.storage.schema import case_to_tables


def actions(store, case_id) -> list[tuple[str, str]]:
    return [(e["action"], e["what"]) for e in store.activity(case_id)]


def test_creating_and_changing_a_case_is_noted_by_part(store):
    case = make_case(store)
    store.update(case.id, lambda c: c.add_goal("I stay calm at bedtime", 3, c.created_on))
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 6)))
    store.update(case.id, lambda c: c.consent.withdraw(ConsentKind.FILMING, date(2026, 1, 8)))
    store.update(case.id, lambda c: (setattr(c, "practitioner_notes", "SECRET-NOTE"),
                                     setattr(c.conversation, "about_child", "Loves trains")))
    assert actions(store, case.id) == [
        ("created", "the case"), ("changed", "goals"), ("changed", "consent: to be filmed given"),
        ("changed", "consent: to be filmed withdrawn"), ("changed", "initial conversation; practitioner notes"),
    ]
    text = (store.case_folder(case.id) / ACTIVITY_LOG).read_text()
    for private in ("SECRET-NOTE", "Loves trains", "bedtime", "Ada"):
        assert private not in text
    assert (store.case_folder(case.id) / ACTIVITY_LOG).stat().st_mode & 0o077 == 0
    assert all(e["at"][:4].isdigit() and "T" in e["at"] for e in store.activity(case.id))


def test_no_change_and_a_refused_change_write_nothing(store):
    case = make_case(store)
    record = store.case_folder(case.id) / "case.json"
    before = record.stat().st_mtime_ns, record.read_bytes()
    store.update(case.id, lambda c: setattr(c, "code", c.code))
    with pytest.raises(ValidationError):
        store.update(case.id, lambda c: setattr(c, "code", ""))
    assert (record.stat().st_mtime_ns, record.read_bytes()) == before
    assert actions(store, case.id) == [("created", "the case")]


def test_a_torn_last_line_is_skipped_and_the_rest_still_read(store):
    case = make_case(store)
    with open(store.case_folder(case.id) / ACTIVITY_LOG, "a") as log:
        log.write('{"at":"2026-01-0')
    store.update(case.id, lambda c: setattr(c, "archived", True))
    assert actions(store, case.id) == [("created", "the case"), ("changed", "archive")]  # the torn line is skipped


def test_changed_parts_names_tables_and_fields_in_fixed_words(store):
    case = make_case(store)
    before = case_to_tables(case)
    case.archived = True
    case.retention_override = date(2027, 1, 1)
    case.consent.notes = "spoke to dad"
    after = case_to_tables(case)
    assert activity.changed_parts(before, after) == ["consent record", "archive", "retention date"]
    assert activity.changed_parts(after, after) == []


def test_typing_saved_every_few_seconds_is_one_line_a_minute(store, monkeypatch):
    """A box saves itself while typing; the log says the part changed, not each save."""
    case = make_case(store)
    now = [100.0]
    monkeypatch.setattr("vig_core.storage.store.time.monotonic", lambda: now[0])
    for step in range(10):
        store.update(case.id, lambda c, s=step: setattr(c.conversation, "going_well", f"draft {s}"))
        now[0] += 5
    store.update(case.id, lambda c: c.add_goal("I would like to wait", 4, date(2026, 1, 5)))
    now[0] += 61
    store.update(case.id, lambda c: setattr(c.conversation, "going_well", "later"))
    changes = [e["what"] for e in store.activity(case.id) if e["action"] == activity.CHANGED]
    assert changes == ["initial conversation", "goals", "initial conversation"]
