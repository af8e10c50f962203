"""Erasing a case, or only its films, on request, when consent is withdrawn or
at the end of its retention: what goes, said first.

The confirmation names what will be erased in counts (films, moments, clips,
the parent's words, questionnaires, goals), the same words go into the
anonymous deletion log, and the store checks afterwards that the files are
gone (see :meth:`~vig_core.storage.erasing.CaseErasure.erase` and ``erase_media``). An
erasure is marked before anything goes, so one a crash cut short is finished,
and logged, when the workbook next starts.

Erasing the films also forgets what exists only because of them: the moments
marked in them, the clips cut from them and the parent's words about those
clips. The conversation, goals, questionnaires and ending stay.
"""

from __future__ import annotations

from datetime import date

from vig_core.case.record import Case
from vig_core.services.uploads import TICKETS
from vig_core.storage.store import CaseStore


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def what_goes(case: Case) -> str:
    """The whole case in counts, e.g. "the whole case: 1 film, 5 moments, 3 clips, ...", without names."""
    parts = [_count(len(case.recordings), "film"), _count(len(case.moments), "moment"),
             _count(len(case.clips), "clip"), _count(len(case.reflections), "answer", "answers") + " of the parent's",
             _count(len(case.administrations), "questionnaire"), _count(len(case.goals), "goal"),
             "the conversation, consent record and notes"]
    return "the whole case: " + ", ".join(parts)


def what_goes_with_films(case: Case) -> str:
    """The films and what hangs on them, in counts, without names."""
    parts = [_count(len(case.recordings), "film"), _count(len(case.moments), "moment"),
             _count(len(case.clips), "clip"),
             _count(len(case.reflections), "answer", "answers") + " of the parent's about the clips",
             "every exported clip, film and still"]
    return "the films: " + ", ".join(parts)


def erase_films(store: CaseStore, case_id: str, today: date) -> str:
    """Erase the case's films, clips and stills and the records made from them; return what was logged."""
    what = what_goes_with_films(store.load(case_id))
    TICKETS.forget_case(case_id)  # a film still arriving goes too, and no piece can follow
    store.erase_media(case_id, what, today.isoformat())
    return what


def erase_case(store: CaseStore, case_id: str, today: date) -> str:
    """Erase every record and file of the case; return the (anonymous) description logged."""
    what = what_goes(store.load(case_id))
    TICKETS.forget_case(case_id)
    store.erase(case_id, what, today.isoformat())
    return what
