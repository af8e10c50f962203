"""The planned cycles of filming and shared review, and where a case stands in the work."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vig_core.errors import ValidationError
from vig_core.text import MAX_NOTE_TEXT, check_text

MIN_CYCLES, MAX_CYCLES, DEFAULT_CYCLES = 1, 10, 3
RETENTION_MONTHS = 2  # recordings are usually erased about two months after the work ends


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Stage(StrEnum):
    """Where a case stands in the VIG cycle; cycles refine ``CYCLES`` further."""

    INITIAL = "initial conversation"
    CYCLES = "cycles"
    ENDING = "ending"
    CLOSED = "closed"


class CycleStatus(StrEnum):
    PLANNED = "planned"  # filming still to happen
    FILMED = "filmed"  # shared review still to happen
    REVIEWED = "reviewed"  # the cycle is complete


@dataclass
class Cycle:
    number: int
    filming_date: date | None = None
    review_date: date | None = None
    status: CycleStatus = CycleStatus.PLANNED
    film_next: str = ""  # agreed at the shared review: what to film next time (the parent may see it)
    review_notes: str = ""  # the practitioner's notes on the review: never shown in client view
    own_reflection: str = ""  # the practitioner's reflection on their own guiding, for supervision: never shown

    # Setters for what the practitioner changes on the case page. Like every change they are
    # checked as a whole when the store saves the case (a review before its filming is refused
    # there, with the dates in the sentence), so a half-set pair of dates is never written.
    def set_filming_date(self, day: date | None) -> None:
        self.filming_date = day

    def set_review_date(self, day: date | None) -> None:
        self.review_date = day

    def set_status(self, status: CycleStatus) -> None:
        self.status = CycleStatus(status)

    def validate(self) -> None:
        check_text(self.film_next, "What to film next time", MAX_NOTE_TEXT)
        check_text(self.review_notes, "The review notes", MAX_NOTE_TEXT)
        check_text(self.own_reflection, "Your own reflection", MAX_NOTE_TEXT)
        if self.filming_date and self.review_date and self.review_date < self.filming_date:
            raise ValidationError(
                f"In cycle {self.number} the shared review ({self.review_date:%d %b %Y}) "
                f"is before the filming ({self.filming_date:%d %b %Y}); please check the dates."
            )

    @property
    def has_content(self) -> bool:
        return bool(self.filming_date or self.review_date or self.status != CycleStatus.PLANNED
                    or self.film_next or self.review_notes or self.own_reflection)
