"""A questionnaire given at one time point: the parent's answers or a typed total.

An *administration* belongs to a case and names its instrument by id (the
definition itself lives in a data file, see :mod:`instruments`). The parent
answers item by item, each answer saved as it is given, so a questionnaire
left half-way can be picked up again; or the practitioner types the total of
a licensed measure from their own copy. When it is finished its score, band
and the instrument's title are kept with it, so a later edit of a definition
file never rewrites a family's history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from vig_core.errors import ValidationError


class TimePoint(StrEnum):
    BASELINE = "baseline"
    MID = "mid"
    END = "end"


TIME_POINT_LABELS = {
    TimePoint.BASELINE: "At the start",
    TimePoint.MID: "Midway",
    TimePoint.END: "At the end",
}


@dataclass
class Administration:
    id: str
    instrument_id: str
    time_point: TimePoint
    started_on: date
    answers: dict[str, int] = field(default_factory=dict)  # item id -> chosen option value
    typed_total: float | None = None  # a total typed by the practitioner instead of answers
    completed_on: date | None = None
    total: float | None = None  # the score when it was finished
    band: str = ""  # the band label of that score, if the instrument has bands
    instrument_title: str = ""  # the title when it was finished

    @property
    def done(self) -> bool:
        return self.completed_on is not None

    def validate(self) -> None:
        for item_id, value in self.answers.items():
            if not isinstance(item_id, str) or isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError("A questionnaire answer must be one of its listed options.")
        for number in (self.typed_total, self.total):
            if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float))
                                       or not math.isfinite(number)):
                raise ValidationError("A questionnaire total must be a number.")
        if self.done and self.total is None:
            raise ValidationError("A finished questionnaire needs its score.")
        if self.completed_on and self.completed_on < self.started_on:
            raise ValidationError("A questionnaire cannot be finished before it was started.")
