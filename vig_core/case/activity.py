"""A case's activity log: what was created, changed, exported or erased, and when.

The store adds a line to ``cases/<id>/activity.jsonl`` with every change it
writes, so nothing can change a case without a trace (the app, the command
line, a future script). The line says *which parts* changed in fixed words
("goals", "consent: to be filmed withdrawn"), never the text itself: the log
is for the practitioner's accountability, not a second copy of the notes. It
lives in the case's folder, so erasing the case erases it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vig_core.case.consent import CONSENT_LABELS, ConsentKind

CREATED, CHANGED, EXPORTED, ERASED = "created", "changed", "exported", "erased"

TABLE_LABELS = {
    "goals": "goals", "cycles": "cycles", "recordings": "films", "moments": "moments", "clips": "clips",
    "reflections": "the parent's words", "administrations": "questionnaires",
}
FIELD_LABELS = {
    "code": "case details", "child_first_name": "case details", "carer_name": "case details",
    "child_birth_date": "case details", "stage": "stage", "closed_on": "stage", "planned_cycles": "planned cycles",
    "conversation": "initial conversation", "practitioner_notes": "practitioner notes", "ending": "ending",
    "archived": "archive", "retention_override": "retention date", "is_demo": "case details",
}

Tables = dict[str, dict[str, dict[str, Any]]]


def changed_parts(before: Tables, after: Tables) -> list[str]:
    """The parts of a case that differ between two table layouts, in fixed words (pure)."""
    parts: list[str] = []
    old, new = before.get("case", {}).get("1", {}), after.get("case", {}).get("1", {})
    for key in [*new, *(k for k in old if k not in new)]:
        if old.get(key) == new.get(key):
            continue
        if key == "consent":
            parts += _consent_changes(old.get(key) or {}, new.get(key) or {})
        else:
            parts.append(FIELD_LABELS.get(key, key.replace("_", " ")))
    for table, label in TABLE_LABELS.items():
        if before.get(table, {}) != after.get(table, {}):
            parts.append(label)
    return list(dict.fromkeys(parts))  # once each, in order


def _consent_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    events = (new.get("history") or [])[len(old.get("history") or []):]
    words = []
    for event in events:
        try:
            label = CONSENT_LABELS[ConsentKind(event["kind"])].lower()
        except (KeyError, ValueError):
            label = "a consent"
        words.append(f"consent: {label} {event.get('action', 'changed')}")
    if not words:  # the notes or a date changed without a new decision
        words.append("consent record")
    return words


def entry(action: str, what: str, at: datetime | None = None) -> dict[str, str]:
    """One line of the log: local time to the second, the action and what it touched."""
    return {"at": (at or datetime.now()).isoformat(timespec="seconds"), "action": action, "what": what}
