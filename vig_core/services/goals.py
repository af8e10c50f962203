"""Adding a parent's goal to a stored case, once for one press."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from vig_core.case.goals import Goal
from vig_core.storage.store import CaseStore


def add_goal(store: CaseStore, case_id: str, text: str, score: int | None, today: date, *,
             admit: Callable[[], bool]) -> Goal | None:
    """Add the goal, first rated ``score``; None when ``admit`` says no (a repeat press).

    ``admit`` is asked under the case's lock, right before the goal is added, with nothing
    between the two: a double click's second press, waiting on the lock, is then asked only
    once the first one's goal is written, and is told so.
    """
    with store.edit(case_id) as case:
        goal = case.add_goal(text, score, today) if admit() else None
    return goal
