"""Erasing a case on request or at the end of its retention: what goes, said first.

The confirmation names what will be erased in counts (films, moments, clips,
the parent's words, questionnaires, goals), the same words go into the
anonymous deletion log, and the store checks afterwards that the case's
folder is gone (see :meth:`~vig_core.store.CaseStore.erase`).
"""

from __future__ import annotations

from datetime import date

from .models import Case
from .store import CaseStore


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def what_goes(case: Case) -> str:
    """The whole case in counts, e.g. "the whole case: 1 film, 5 moments, 3 clips, ...", without names."""
    parts = [_count(len(case.recordings), "film"), _count(len(case.moments), "moment"),
             _count(len(case.clips), "clip"), _count(len(case.reflections), "answer", "answers") + " of the parent's",
             _count(len(case.administrations), "questionnaire"), _count(len(case.goals), "goal"),
             "the conversation, consent record and notes"]
    return "the whole case: " + ", ".join(parts)


def erase_case(store: CaseStore, case_id: str, today: date) -> str:
    """Erase every record and file of the case; return the (anonymous) description logged."""
    what = what_goes(store.load(case_id))
    store.erase(case_id, what, today.isoformat())
    return what
