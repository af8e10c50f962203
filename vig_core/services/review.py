"""Closing a cycle's shared review on a stored case."""

from __future__ import annotations

from datetime import date

from vig_core.case.review import close_cycle
from vig_core.storage.store import CaseStore


def close_review(store: CaseStore, case_id: str, number: int, today: date) -> str:
    """Mark cycle ``number`` reviewed and move the work on; return what comes next, in words
    (see :func:`~vig_core.case.review.close_cycle`, which never fails over where the case stands)."""
    with store.edit(case_id) as case:
        said = close_cycle(case, number, today)
    return said
