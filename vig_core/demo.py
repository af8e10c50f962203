"""The clearly fictional demo case a new practitioner opens on first start.

Its content lives in ``data/demo/case.json`` (dates as days relative to
today) so that it reads as a real workbook on whatever day it is created.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from .models import ConsentKind, CycleStatus, Stage, new_case
from .store import CaseStore

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo" / "case.json"


def ensure_demo_case(store: CaseStore, today: date | None = None) -> str:
    """Create the demo case unless it exists already; return its id (idempotent)."""
    spec = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    if store.exists(spec["id"]):
        return spec["id"]
    today = today or date.today()

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    opened = day(-spec["opened_days_ago"])
    case = new_case(
        spec["code"],
        spec["child_first_name"],
        opened,
        carer_name=spec["carer_name"],
        child_birth_date=day(-spec["child_age_days"]),
        planned_cycles=spec["planned_cycles"],
        case_id=spec["id"],
    )
    case.is_demo = True
    case.stage = Stage(spec["stage"])
    for kind in (ConsentKind.FILMING, ConsentKind.SUPERVISOR):
        case.consent.give(kind, day(-spec["consent"][kind.value]))
    case.consent.notes = spec["consent"]["notes"]
    for name, text in spec["conversation"].items():
        setattr(case.conversation, name, text)
    case.practitioner_notes = spec["practitioner_notes"]
    for goal_spec in spec["goals"]:
        goal = case.add_goal(goal_spec["text"], None, opened)
        for days_ago, score in goal_spec["ratings"]:
            goal.rate(score, day(-days_ago))
    for cycle_spec in spec["cycles"]:
        cycle = case.cycle(cycle_spec["number"])
        cycle.filming_date = day(cycle_spec["filming"])
        cycle.review_date = day(cycle_spec["review"])
        cycle.status = CycleStatus(cycle_spec["status"])
    store.create(case)
    return case.id
