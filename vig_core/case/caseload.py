"""The caseload table: one plain row per case, filtering and flags (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from vig_core.case.consent import CONSENT_LABELS
from vig_core.case.cycles import Stage
from vig_core.case.record import Case

# Status filter labels -> the stages they cover.
STATUS_FILTERS: dict[str, Stage] = {
    "initial conversation": Stage.INITIAL,
    "in cycles": Stage.CYCLES,
    "ending": Stage.ENDING,
    "closed": Stage.CLOSED,
}


@dataclass(frozen=True)
class CaseloadRow:
    case_id: str
    code: str
    child: str
    step: str
    cycle: str
    next_date: str
    retention: str
    consent: str
    consent_withdrawn: bool
    past_retention: bool


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else "—"


def caseload_row(case: Case, today: date) -> CaseloadRow:
    withdrawn = case.consent.withdrawn
    retention = case.retention_date()
    current = case.current_cycle
    cycle_number = current.number if current else case.cycles_done
    age = case.age_text(today)
    if withdrawn:
        consent = "Withdrawn: " + "; ".join(CONSENT_LABELS[k].lower() for k in withdrawn)
    elif case.consent.filming.active:
        consent = "Filming agreed"
    else:
        consent = "No filming consent yet"
    return CaseloadRow(
        case_id=case.id,
        code=case.code,
        child=f"{case.child_first_name} ({age})" if age else case.child_first_name,
        step=case.step + (" (archived)" if case.archived else ""),
        cycle=f"{cycle_number} of {case.planned_cycles}",
        next_date=_day(case.next_date()),
        retention=_day(retention) if retention else "2 months after the end",
        consent=consent,
        consent_withdrawn=bool(withdrawn),
        past_retention=bool(retention and retention < today),
    )


def past_retention(cases: Iterable[Case], today: date) -> list[Case]:
    """Every case whose retention date has passed, archived or not, by code: none may be hidden by a filter."""
    due = [c for c in cases if (r := c.retention_date()) is not None and r < today]
    return sorted(due, key=lambda c: c.code.casefold())


def matches(case: Case, query: str) -> bool:
    needle = query.strip().casefold()
    return not needle or any(needle in text.casefold() for text in (case.code, case.child_first_name, case.carer_name))


def caseload_rows(
    cases: Iterable[Case],
    today: date,
    *,
    query: str = "",
    statuses: Iterable[str] = (),
    include_archived: bool = False,
) -> list[CaseloadRow]:
    """Rows to show, most urgent first: withdrawn consent, past retention, then by code."""
    stages = {STATUS_FILTERS[s] for s in statuses}
    chosen = [
        c for c in cases
        if (include_archived or not c.archived) and (not stages or c.stage in stages) and matches(c, query)
    ]
    rows = [caseload_row(c, today) for c in chosen]
    return sorted(rows, key=lambda r: (not r.consent_withdrawn, not r.past_retention, r.code.casefold()))


PAGE_SIZE = 10  # rows drawn at once: each row costs the browser about 20 ms to draw on this 2-core laptop


def page_of(count: int, page: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """The 1-based ``page`` brought within range for ``count`` rows, with its [start, end) row span."""
    pages = max(1, -(-count // size))
    page = min(max(1, page), pages)
    return page, (page - 1) * size, min(count, page * size)
